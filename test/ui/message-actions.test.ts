import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { AdapterError, type ChatAdapter } from '../../src/adapter/types.js';
import { MemoryHub } from '../../src/adapter/memory.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, post, until } from './helpers.js';
import {
  input,
  menuItem,
  menuLabels,
  open,
  openMenu,
  receipt,
  row,
  say,
  twoPeople,
  waitForRow,
} from './two-people.js';

const XSS = '<img src=x onerror="window.__bmXss=1"><script>window.__bmXss=2</script>';

/** Leaves time for vault work in flight (an outbox flush) before the vaults are deleted. */
async function settle() {
  await new Promise((r) => setTimeout(r, 100));
  await cleanUpVaults();
}

for (const encrypted of [true, false]) {
  describe(`message actions (${encrypted ? 'encrypted' : 'plain'} thread)`, () => {
    afterEach(settle);

    it('replies from the menu: the reply quotes the sender and first line, and the quote shows the original', async () => {
      const { a, b, ra, rb } = await twoPeople(encrypted);
      await say(rb, 'Can we meet Tuesday?\nOr Wednesday.');
      const original = await waitForRow(ra, 'Tuesday');

      const menu = await openMenu(ra, original);
      expect(menuLabels(menu)).to.deep.equal(['Reply', 'React']);
      await expect(a).to.be.accessible();
      menuItem(menu, 'Reply').click();
      await until(() => ra.activeElement === input(ra));
      expect(ra.querySelector('[part~="composer-mode"]')!.textContent).to.contain('Replying to Bob');
      expect(ra.querySelector('[part~="composer-mode"] .quote-text')!.textContent).to.equal(
        'Can we meet Tuesday?',
      );
      await expect(a).to.be.accessible();

      const reply = await say(ra, 'Tuesday works.');
      expect(ra.querySelector('[part~="composer-mode"]') === null, 'absent').to.equal(true);
      const quote = reply.querySelector<HTMLButtonElement>('[part~="reply-quote"]')!;
      expect(quote.querySelector('.quote-sender')!.textContent).to.equal('Bob');
      expect(quote.querySelector('.quote-text')!.textContent).to.equal('Can we meet Tuesday?');
      expect(quote.textContent!.replace(/\s+/g, ' ').trim()).to.equal('In reply to Bob Can we meet Tuesday?');

      quote.click();
      await until(() => ra.activeElement === original);

      // Bob sees the same reply, quoting himself.
      const bobsView = await waitForRow(rb, 'Tuesday works.');
      await until(() => !!bobsView.querySelector('[part~="reply-quote"]'));
      expect(bobsView.querySelector('[part~="reply-quote"] .quote-sender')!.textContent).to.equal('You');
      await expect(b).to.be.accessible();
    });

    it('edits from the menu: the text changes, both see "edited", and only the sender is offered Edit and Delete', async () => {
      const { a, ra, rb } = await twoPeople(encrypted);
      const mine = await say(ra, 'The fee is 400.');
      const menu = await openMenu(ra, mine);
      expect(menuLabels(menu)).to.deep.equal(['Reply', 'React', 'Edit', 'Delete']);
      menuItem(menu, 'Edit').click();
      await until(() => input(ra).value === 'The fee is 400.');
      expect(ra.activeElement === input(ra), 'focus in the text field').to.equal(true);
      expect(ra.querySelector('[part~="composer-mode"]')!.textContent).to.contain('Editing your message');
      await expect(a).to.be.accessible();

      input(ra).value = 'The fee is 450.';
      input(ra).dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await sendKeys({ press: 'Enter' });
      await until(() => row(ra, 'The fee is 450.')?.textContent?.includes('edited') ?? false);
      expect(row(ra, 'The fee is 400.')).to.equal(undefined);
      expect(input(ra).value).to.equal('');

      const bobsView = await waitForRow(rb, 'The fee is 450.');
      await until(() => bobsView.querySelector('.meta')?.textContent === 'edited');
      const bobsMenu = await openMenu(rb, bobsView);
      expect(menuLabels(bobsMenu)).to.deep.equal(['Reply', 'React']);
    });

    it('deletes only after confirmation in a dialog; focus goes into it and back', async () => {
      const { a, ra, rb } = await twoPeople(encrypted);
      const mine = await say(ra, 'Wrong conversation, sorry');
      await waitForRow(rb, 'Wrong conversation');

      menuItem(await openMenu(ra, mine), 'Delete').click();
      await until(() => !!ra.querySelector<HTMLDialogElement>('dialog.delete-dialog')?.open);
      const dialog = ra.querySelector<HTMLDialogElement>('dialog.delete-dialog')!;
      expect(dialog.matches('[part~="dialog"]')).to.equal(true);
      expect(dialog.contains(ra.activeElement)).to.equal(true);
      expect(dialog.textContent).to.contain('Delete this message?');
      await expect(a).to.be.accessible();

      // Escape is a cancel: nothing is deleted and focus is back on the message's button.
      await sendKeys({ press: 'Escape' });
      await until(() => !ra.querySelector('dialog.delete-dialog'));
      expect(
        ra.activeElement === mine.querySelector('[part~="actions-button"]'),
        'focus on the button',
      ).to.equal(true);
      expect(row(ra, 'Wrong conversation')).to.exist;

      menuItem(await openMenu(ra, mine), 'Delete').click();
      await until(() => !!ra.querySelector<HTMLDialogElement>('dialog.delete-dialog')?.open);
      ra.querySelector<HTMLButtonElement>('dialog.delete-dialog .confirm')!.click();
      await until(
        () => mine.querySelector('[part~="message-body"]')?.textContent === 'This message was deleted.',
      );
      await until(() => ra.activeElement === mine);
      expect(mine.querySelector('[part~="actions-button"]') === null, 'absent').to.equal(true);
      await until(() => !row(rb, 'Wrong conversation'));
      expect([...rb.querySelectorAll('[part~="message-body"]')].map((b) => b.textContent)).to.deep.equal([
        'This message was deleted.',
      ]);
      await expect(a).to.be.accessible();
    });

    it('toggles reactions: counts, who reacted in the label, pressed state for the reader', async () => {
      const { a, b, ra, rb } = await twoPeople(encrypted);
      const mine = await say(ra, 'Signed the contract!');
      const theirs = await waitForRow(rb, 'Signed the contract!');

      // By keyboard: open the menu, go to React, pick the second emoji.
      mine.querySelector<HTMLButtonElement>('[part~="actions-button"]')!.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => ra.activeElement?.textContent?.trim() === 'Reply');
      await sendKeys({ press: 'ArrowDown' });
      expect(ra.activeElement!.textContent!.trim()).to.equal('React');
      await sendKeys({ press: 'Enter' });
      await until(() => ra.activeElement?.getAttribute('role') === 'menuitemcheckbox');
      await expect(a).to.be.accessible();
      await sendKeys({ press: 'ArrowDown' });
      expect(ra.activeElement!.textContent!.trim()).to.equal('❤️');
      await sendKeys({ press: 'Enter' });
      await until(() => !!theirs.querySelector('[part~="reaction"]'));
      expect(
        ra.activeElement === mine.querySelector('[part~="actions-button"]'),
        'focus on the button',
      ).to.equal(true);

      const bobs = () => theirs.querySelector<HTMLButtonElement>('[part~="reaction"]')!;
      expect(bobs().textContent!.trim()).to.equal('❤️ 1');
      expect(bobs().getAttribute('aria-label')).to.equal('❤️ 1, from Alice');
      expect(bobs().getAttribute('aria-pressed')).to.equal('false');

      bobs().click();
      await until(() => bobs().textContent!.trim() === '❤️ 2');
      await until(() => mine.querySelector('[part~="reaction"]')?.textContent?.trim() === '❤️ 2');
      expect(bobs().getAttribute('aria-pressed')).to.equal('true');
      expect(bobs().getAttribute('aria-label')).to.equal('❤️ 2, from Alice and You');
      expect(mine.querySelector('[part~="reaction"]')!.getAttribute('aria-label')).to.equal(
        '❤️ 2, from You and Bob',
      );
      await expect(b).to.be.accessible();

      bobs().click();
      await until(() => bobs().textContent!.trim() === '❤️ 1');
      await until(() => mine.querySelector('[part~="reaction"]')?.textContent?.trim() === '❤️ 1');
      expect(bobs().getAttribute('aria-pressed')).to.equal('false');
    });

    it('shows own messages as sent, then read once the other person has read them', async () => {
      const { hub, alice, bob, thread, ra, rb } = await twoPeople(encrypted);
      // Bob's widget is somewhere else: another thread is open there.
      await hub
        .adapterFor(bob)
        .createThread({ title: 'Elsewhere', participantIds: [alice], encrypted: false });
      const bobsThread = (title: string) =>
        [...rb.querySelectorAll<HTMLButtonElement>('[part~="thread-item"]')].find((item) =>
          item.textContent!.includes(title),
        );
      await until(() => !!bobsThread('Elsewhere'));
      bobsThread('Elsewhere')!.click();

      const mine = await say(ra, 'Please read this');
      expect(receipt(mine)).to.equal('Sent');
      expect(mine.querySelector('[part~="receipt"]')!.classList.contains('read')).to.equal(false);
      await new Promise((r) => setTimeout(r, 100));
      expect(receipt(mine)).to.equal('Sent');

      bobsThread('Matter 42')!.click();
      await until(() => receipt(mine) === 'Read');
      expect(mine.querySelector('[part~="receipt"]')!.classList.contains('read')).to.equal(true);
      expect(
        (await hub.adapterFor(alice).getThread(thread.id)).participants.find((p) => p.userId === bob)!
          .readUpTo,
      ).to.equal(1);

      // With the thread open on Bob's side, the next message is marked read as soon as it is shown.
      const next = await say(ra, 'And this one');
      await until(() => receipt(next) === 'Read');
    });
  });
}

describe('message actions: failures, history and hostile text', () => {
  afterEach(settle);

  it('offers retry and discard for a message the server refused, each with a text alternative', async () => {
    const failing = { on: true };
    const refuse = (adapter: ChatAdapter): ChatAdapter =>
      new Proxy(adapter, {
        get(target, name) {
          if (name === 'sendMessage')
            return (...args: Parameters<ChatAdapter['sendMessage']>) =>
              failing.on
                ? Promise.reject(new AdapterError('forbidden', 'refused', 403))
                : target.sendMessage(...args);
          const value = Reflect.get(target, name, target) as unknown;
          return typeof value === 'function' ? (value as (...x: unknown[]) => unknown).bind(target) : value;
        },
      });
    const { a, ra } = await twoPeople(false, {}, refuse);
    for (const text of ['keep this', 'drop this']) {
      input(ra).value = text;
      input(ra).dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      ra.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
    }
    await until(() => ra.querySelectorAll('[part~="message"] .meta.warning').length === 2);
    const keep = row(ra, 'keep this')!;
    const drop = row(ra, 'drop this')!;
    expect(keep.querySelector('.meta.warning')!.textContent).to.equal('Not sent');
    expect([...keep.querySelectorAll('.footer button')].map((b) => b.textContent!.trim())).to.deep.equal([
      'Retry',
      'Discard',
    ]);
    expect(keep.querySelector('[part~="actions-button"]') === null, 'absent').to.equal(true);
    await expect(a).to.be.accessible();

    drop.querySelector<HTMLButtonElement>('.discard')!.click();
    await until(() => !row(ra, 'drop this'));
    expect(ra.activeElement === input(ra), 'focus in the text field').to.equal(true);

    failing.on = false;
    [...keep.querySelectorAll<HTMLButtonElement>('.footer button')][0]!.click();
    // Stored by the server; Bob has the thread open, so it may already show as read.
    await until(() => ['Sent', 'Read'].includes(receipt(row(ra, 'keep this')!) ?? ''));
    expect(ra.querySelectorAll('[part~="message"]')).to.have.length(1);
  });

  it('loads older history with a button, keeps the keyboard in place, and on reaching the top of the log', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: bob, displayName: 'Bob' });
    const thread = await hub
      .adapterFor(bob)
      .createThread({ title: 'Long', participantIds: [alice], encrypted: false });
    // Four pages of 50: 121-170 (the newest), 71-120, 21-70, 1-20.
    for (let i = 1; i <= 170; i++) await post(hub, bob, thread.id, { type: 'text', text: `message ${i}` });
    // Older pages are let through one at a time (`allowed`), to look at the log while one is on its way.
    const adapter = hub.adapterFor(alice);
    const listMessages = adapter.listMessages.bind(adapter);
    let allowed = 1;
    adapter.listMessages = async (threadId, query) => {
      if (query?.before) {
        await until(() => allowed > 0, 30_000, 'the test to let an older page through');
        allowed--;
      }
      return listMessages(threadId, query);
    };

    const el = await chatWith(adapter, alice);
    el.style.blockSize = '400px';
    const root = await open(el);
    const log = root.querySelector<HTMLElement>('[part~="messages"]')!;
    // A thread opens at its newest message.
    await until(() => !!row(root, 'message 170'));
    await until(() => log.scrollHeight - log.scrollTop - log.clientHeight < 2);
    expect(log.scrollHeight).to.be.greaterThan(log.clientHeight);
    expect(row(root, 'message 120'), 'only the newest page is loaded').to.equal(undefined);
    await expect(el).to.be.accessible();

    // Scrolling to the top loads the page before (the log keeps only a window of rows in the DOM, and keeps the
    // reader's place as history comes in above: test/ui/history-window.test.ts). Its rows come into the window
    // a step a frame; the button is the first row once they all have, and the page before that is on its way.
    await until(() => {
      log.scrollTop = 0;
      return !!row(root, 'message 71') && !!root.querySelector('[part~="load-older"]');
    });
    await el.updateComplete;

    // The button, by keyboard. The page on its way, asked for by scrolling, comes in under it at once, and
    // focus stays on it.
    const button = root.querySelector<HTMLButtonElement>('[part~="load-older"]')!;
    expect(button.textContent!.trim()).to.equal('Load older messages');
    button.focus();
    allowed = Infinity;
    await until(() => !!row(root, 'message 21'));
    await until(() => button.getAttribute('aria-disabled') === 'false');
    expect(root.activeElement).to.equal(button);
    expect(root.querySelector('[part~="load-older"]')).to.equal(button);

    // Enter loads the last page; then the button goes and focus moves to the oldest message.
    await sendKeys({ press: 'Enter' });
    await until(() => !!row(root, 'message 1'));
    await until(() => !root.querySelector('[part~="load-older"]'));
    await until(() => root.activeElement === row(root, 'message 1'));
  });

  it('keeps a hostile display name and quoted text as text in quotes, reactions and the reply bar', async () => {
    const { a, ra, rb, hub, bob, thread } = await twoPeople(false, { bob: XSS });
    await post(hub, bob, thread.id, { type: 'text', text: `${XSS}\nsecond line` });
    const original = await waitForRow(ra, 'second line');
    await waitForRow(rb, 'second line');

    menuItem(await openMenu(ra, original), 'Reply').click();
    await until(() => !!ra.querySelector('[part~="composer-mode"]'));
    expect(ra.querySelector('[part~="composer-mode"] .mode-label bdi')!.textContent).to.equal(XSS);
    expect(ra.querySelector('[part~="composer-mode"] .quote-text')!.textContent).to.equal(XSS);
    const reply = await say(ra, 'What is this?');
    expect(reply.querySelector('[part~="reply-quote"] .quote-sender')!.textContent).to.equal(XSS);
    expect(reply.querySelector('[part~="reply-quote"] .quote-text')!.textContent).to.equal(XSS);

    // Bob reacts: his name is in the reaction's label, as text.
    const bobsCopy = await waitForRow(rb, 'What is this?');
    menuItem(await openMenu(rb, bobsCopy), 'React').click();
    await until(() => rb.activeElement?.getAttribute('role') === 'menuitemcheckbox');
    (rb.activeElement as HTMLButtonElement).click();
    await until(() => !!reply.querySelector('[part~="reaction"]'));
    expect(reply.querySelector('[part~="reaction"]')!.getAttribute('aria-label')).to.equal(
      `👍 1, from ${XSS}`,
    );

    // A reaction whose "emoji" is markup, sent by a modified client, is shown as text too.
    await post(hub, bob, thread.id, {
      type: 'reaction',
      target: original.dataset['clientId']!,
      emoji: '<b>x</b>',
    });
    await until(() => !!original.querySelector('[part~="reaction"]'));
    expect(original.querySelector('[part~="reaction"]')!.textContent!.trim()).to.equal('<b>x</b> 1');

    expect(ra.querySelectorAll('img, script, b')).to.have.length(0);
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
    await expect(a).to.be.accessible();
  });

  it('works right to left in Arabic and in the dark theme: menu keys follow the reading direction', async () => {
    const { a, ra, rb } = await twoPeople(false);
    a.lang = 'ar';
    a.theme = 'dark';
    await a.updateComplete;
    await say(rb, 'مرحبا، هل وصلك العقد؟');
    const message = await waitForRow(ra, 'مرحبا');

    const menu = await openMenu(ra, message);
    expect(menuLabels(menu)).to.deep.equal(['رد', 'تفاعل']);
    expect(getComputedStyle(menu).direction).to.equal('rtl');
    // The next item is to the left in a right-to-left menu.
    await sendKeys({ press: 'ArrowLeft' });
    expect(ra.activeElement!.textContent!.trim()).to.equal('تفاعل');
    await sendKeys({ press: 'ArrowRight' });
    expect(ra.activeElement!.textContent!.trim()).to.equal('رد');
    await expect(a).to.be.accessible();

    await sendKeys({ press: 'Enter' });
    await until(() => ra.activeElement === input(ra));
    expect(ra.querySelector('[part~="composer-mode"] .mode-label')!.textContent).to.equal('الرد على Bob');
    await sendKeys({ type: 'نعم @b' });
    await until(() => !!ra.querySelector('[part~="mention-list"]'));
    await expect(a).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' });
    const reply = await waitForRow(ra, 'نعم');
    await until(() => ['أُرسلت', 'قُرئت'].includes(receipt(reply) ?? ''));
    expect(reply.querySelector('[part~="reply-quote"] .visually-hidden')!.textContent!.trim()).to.equal(
      'ردًا على',
    );
    await expect(a).to.be.accessible();
  });

  it("ignores an edit or delete of Alice's message sent by someone else", async () => {
    const { ra, hub, bob, thread } = await twoPeople(false);
    const mine = await say(ra, 'Only I can change this');
    const target = mine.dataset['clientId']!;
    await post(hub, bob, thread.id, { type: 'edit', target, text: 'forged' });
    await post(hub, bob, thread.id, { type: 'delete', target });
    await post(hub, bob, thread.id, { type: 'text', text: 'after the forgeries' });
    await waitForRow(ra, 'after the forgeries');
    expect(mine.querySelector('[part~="message-body"]')!.textContent).to.equal('Only I can change this');
    expect(mine.querySelector('.meta') === null, 'absent').to.equal(true);
  });
});
