import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { matchingPeople, mentionQuery } from '../../src/components/secure-chat/mention-autocomplete.js';
import { cleanUpVaults } from '../vault/helpers.js';
import { until } from './helpers.js';
import { input, menuItem, openMenu, say, twoPeople, typeInto, waitForRow } from './two-people.js';

const XSS = '<img src=x onerror="window.__bmXss=1">';

async function settle() {
  await new Promise((r) => setTimeout(r, 100));
  await cleanUpVaults();
}

const listbox = (root: ShadowRoot) => root.querySelector<HTMLElement>('[part~="mention-list"]');
const options = (root: ShadowRoot) =>
  [...root.querySelectorAll<HTMLElement>('[part~="mention-option"]')].map((o) => o.textContent!.trim());
const active = (root: ShadowRoot) =>
  root.getElementById(input(root).getAttribute('aria-activedescendant') ?? '')?.textContent?.trim() ?? null;

/** Focuses the composer and types as the keyboard does, key by key. */
async function typeKeys(root: ShadowRoot, text: string) {
  input(root).focus();
  await sendKeys({ type: text });
}

describe('mention matching', () => {
  it('finds the `@` and a name being typed before the caret, and nothing in an address or after a space', () => {
    expect(mentionQuery('hello @Bo', 9)).to.deep.equal({ start: 6, query: 'Bo' });
    expect(mentionQuery('@Bob L', 6)).to.deep.equal({ start: 0, query: 'Bob L' });
    expect(mentionQuery('mail me at bob@example.org', 26)).to.equal(null);
    expect(mentionQuery('just @', 6)).to.equal(null);
    expect(mentionQuery('@Bob and more', 4)).to.deep.equal({ start: 0, query: 'Bob' });
  });

  it('matches the start of a name or of any word in it, ignoring case and accents', () => {
    const people = [
      { userId: 'a', displayName: 'Zoë Ändersson' },
      { userId: 'b', displayName: 'Bob Lee' },
    ];
    expect(matchingPeople(people, 'ande').map((p) => p.userId)).to.deep.equal(['a']);
    expect(matchingPeople(people, 'zoe a').map((p) => p.userId)).to.deep.equal(['a']);
    expect(matchingPeople(people, 'LEE').map((p) => p.userId)).to.deep.equal(['b']);
    expect(matchingPeople(people, 'ee')).to.deep.equal([]);
  });
});

for (const encrypted of [true, false]) {
  describe(`composer (${encrypted ? 'encrypted' : 'plain'} thread)`, () => {
    afterEach(settle);

    it('completes a mention by keyboard, inserts the name and sends the id, which the reader sees highlighted', async () => {
      const { a, ra, rb, hub, alice, thread } = await twoPeople(encrypted, {
        bob: 'Bob Lee',
        others: ['Bea Stone', 'Carl'],
      });
      await typeKeys(ra, 'Thanks @b');
      await until(() => !!listbox(ra));
      expect(options(ra)).to.deep.equal(['Bob Lee', 'Bea Stone']);
      expect(input(ra).getAttribute('aria-controls')).to.equal('mention-list');
      expect(active(ra)).to.equal('Bob Lee');
      await expect(a).to.be.accessible();

      await sendKeys({ press: 'ArrowDown' });
      await until(() => active(ra) === 'Bea Stone');
      await sendKeys({ press: 'ArrowDown' });
      await until(() => active(ra) === 'Bob Lee');
      await sendKeys({ press: 'ArrowUp' });
      await until(() => active(ra) === 'Bea Stone');
      await sendKeys({ press: 'ArrowUp' });
      await until(() => active(ra) === 'Bob Lee');
      // Enter chooses (it does not send while the list is open).
      await sendKeys({ press: 'Enter' });
      await until(() => !listbox(ra));
      expect(input(ra).value).to.equal('Thanks @Bob Lee ');
      expect(input(ra).selectionStart).to.equal('Thanks @Bob Lee '.length);
      expect(input(ra).hasAttribute('aria-activedescendant')).to.equal(false);

      // Tab chooses too; typing goes on after the name.
      await sendKeys({ type: 'and @ca' });
      await until(() => options(ra).join() === 'Carl');
      await sendKeys({ press: 'Tab' });
      await until(() => input(ra).value === 'Thanks @Bob Lee and @Carl ');
      expect(ra.activeElement === input(ra), 'focus stays in the field').to.equal(true);
      await sendKeys({ type: 'for this' });
      await sendKeys({ press: 'Enter' });

      const bobsView = await waitForRow(rb, 'for this');
      await until(() => !!bobsView.querySelector('[part~="mention-self"]'));
      expect(
        [...bobsView.querySelectorAll('[part~="mention"]')].map((m) => [
          m.textContent,
          m.getAttribute('part'),
        ]),
      ).to.deep.equal([
        ['@Bob Lee', 'mention mention-self'],
        ['@Carl', 'mention'],
      ]);
      if (!encrypted) {
        const stored = await hub.adapterFor(alice).listMessages(thread.id);
        const content = stored.items[0]!.body.kind === 'plain' ? stored.items[0]!.body.content : null;
        expect(content).to.deep.include({ type: 'text', text: 'Thanks @Bob Lee and @Carl for this' });
        expect((content as { mentions: string[] }).mentions).to.have.length(2);
      }
    });

    it('closes the suggestions with Escape without leaving reply mode; a second Escape cancels the reply', async () => {
      const { a, ra, rb } = await twoPeople(encrypted);
      await say(rb, 'Question for you');
      const question = await waitForRow(ra, 'Question for you');
      menuItem(await openMenu(ra, question), 'Reply').click();
      await until(() => ra.activeElement === input(ra));
      const mode = () => ra.querySelector('[part~="composer-mode"]');
      expect(input(ra).getAttribute('aria-describedby')).to.equal('composer-mode');
      await expect(a).to.be.accessible();

      await sendKeys({ type: 'ok @b' });
      await until(() => !!listbox(ra));
      await sendKeys({ press: 'Escape' });
      await until(() => !listbox(ra));
      expect(mode(), 'still replying').to.exist;
      expect(input(ra).value).to.equal('ok @b');

      await sendKeys({ press: 'Escape' });
      await until(() => !mode());
      expect(input(ra).value, 'the draft stays').to.equal('ok @b');
      expect(input(ra).hasAttribute('aria-describedby')).to.equal(false);

      // Sent now, it is a plain message, not a reply.
      await sendKeys({ press: 'Enter' });
      const sent = await waitForRow(ra, 'ok @b');
      expect(sent.querySelector('[part~="reply-quote"]') === null, 'no quote').to.equal(true);
    });

    it('prefills an edit and gives the earlier draft back when the edit is cancelled by its button', async () => {
      const { a, ra } = await twoPeople(encrypted);
      const mine = await say(ra, 'Meeting at 10');
      typeInto(ra, 'half-written thought');
      menuItem(await openMenu(ra, mine), 'Edit').click();
      await until(() => input(ra).value === 'Meeting at 10');
      expect(input(ra).selectionStart).to.equal('Meeting at 10'.length);
      const cancel = ra.querySelector<HTMLButtonElement>('[part~="composer-mode"] .mode-cancel')!;
      expect(cancel.getAttribute('aria-label')).to.equal('Cancel editing');
      await expect(a).to.be.accessible();

      cancel.click();
      await until(() => !ra.querySelector('[part~="composer-mode"]'));
      expect(input(ra).value).to.equal('half-written thought');
      expect(ra.activeElement === input(ra), 'focus back in the field').to.equal(true);
      expect(mine.querySelector('.meta') === null, 'not edited').to.equal(true);

      // Escape cancels an edit too.
      menuItem(await openMenu(ra, mine), 'Edit').click();
      await until(() => input(ra).value === 'Meeting at 10');
      await sendKeys({ press: 'Escape' });
      await until(() => input(ra).value === 'half-written thought');
    });
  });
}

describe('composer draft', () => {
  afterEach(settle);

  it('empties the text field after sending, even when the text was set and sent before a render', async () => {
    const { ra } = await twoPeople(false);
    // A paste and a click on Send in one task: the draft goes from text to empty before it was ever rendered.
    typeInto(ra, 'sent at once');
    ra.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
    await waitForRow(ra, 'sent at once');
    expect(input(ra).value).to.equal('');
  });
});

describe('composer with hostile names', () => {
  afterEach(settle);

  it('lists and inserts a display name that is markup as plain text', async () => {
    const { a, ra, rb } = await twoPeople(false, { bob: `Bo${XSS}` });
    await typeKeys(ra, 'hi @bo');
    await until(() => !!listbox(ra));
    expect(options(ra)).to.deep.equal([`Bo${XSS}`]);
    expect(listbox(ra)!.querySelector('img') === null, 'no element from the name').to.equal(true);
    await expect(a).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await until(() => input(ra).value === `hi @Bo${XSS} `);
    await sendKeys({ press: 'Enter' });
    const seen = await waitForRow(rb, 'hi @');
    await until(() => !!seen.querySelector('[part~="mention-self"]'));
    expect(seen.querySelector('[part~="mention-self"]')!.textContent).to.equal(`@Bo${XSS}`);
    expect(ra.querySelectorAll('img, script').length + rb.querySelectorAll('img, script').length).to.equal(0);
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
  });
});
