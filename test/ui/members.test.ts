import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { AdapterError, type ChatAdapter } from '../../src/adapter/types.js';
import type { BmErrorEvent } from '../../src/components/secure-chat/events.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, until } from './helpers.js';
import { twoPeople } from './two-people.js';
import { openPeople } from './verify-helpers.js';

const person = (dialog: HTMLElement, name: string) =>
  [...dialog.querySelectorAll<HTMLElement>('[part~="participant"]')].find((p) =>
    p.querySelector('bdi')!.textContent!.includes(name),
  );

const removeButtonOf = (dialog: HTMLElement, name: string) =>
  person(dialog, name)!.querySelector<HTMLButtonElement>('[part~="remove-participant"]')!;

const title = (dialog: HTMLElement) => dialog.querySelector('#verify-title')!.textContent!.trim();

/** A server that refuses every removal, as the reference server does for someone who may not remove others. */
function refusingRemovals(adapter: ChatAdapter): ChatAdapter {
  return new Proxy(adapter, {
    get(target, name) {
      if (name === 'removeParticipant')
        return () =>
          Promise.reject(
            new AdapterError('forbidden', 'Only the creator may remove others', 403, 'not-allowed-to-remove'),
          );
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('adding and removing people (people dialog; two widgets with their own vaults)', () => {
  afterEach(cleanUpVaults);

  it('removes a person from an encrypted conversation after a confirmation that says what removal does, by keyboard', async () => {
    const { hub, alice, thread, ra } = await twoPeople(true, { others: ['Carol'] });
    const dialog = await openPeople(ra);
    await expect(dialog).to.be.accessible();
    removeButtonOf(dialog, 'Carol').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => title(dialog) === 'Remove Carol?');
    expect(ra.activeElement?.id).to.equal('verify-title');
    expect(dialog.textContent).to.contain('cannot decrypt anything sent here after this');
    await expect(dialog).to.be.accessible();

    // Cancel returns to the list, focus on the button that was pressed.
    dialog.querySelector<HTMLButtonElement>('.cancel')!.click();
    await until(() => !!dialog.querySelector('[part~="participants"]'));
    await until(() => ra.activeElement === removeButtonOf(dialog, 'Carol'));
    expect((await hub.adapterFor(alice).getThread(thread.id)).participants).to.have.length(3);

    await sendKeys({ press: 'Enter' });
    await until(() => !!dialog.querySelector('[part~="remove-confirm"]'));
    dialog.querySelector<HTMLButtonElement>('[part~="remove-confirm"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !!dialog.querySelector('[part~="participants"]') && !person(dialog, 'Carol'));
    expect(ra.activeElement?.id).to.equal('verify-title');
    const stored = await hub.adapterFor(alice).getThread(thread.id);
    expect(stored.participants.map((p) => p.displayName)).to.deep.equal(['Alice', 'Bob']);
    await expect(dialog).to.be.accessible();
  });

  it('adds a contact chosen from the list; people already there are not offered', async () => {
    const { hub, alice, thread, ra } = await twoPeople(true);
    const dave = uniqueUserId('dave');
    hub.addUser({ id: dave, displayName: 'Dave' });
    const dialog = await openPeople(ra);
    dialog.querySelector<HTMLButtonElement>('[part~="add-participants-button"]')!.click();
    await until(() => dialog.querySelectorAll('[part~="contact-option"]').length > 0);
    expect(ra.activeElement?.id).to.equal('verify-title');
    const options = [...dialog.querySelectorAll('[part~="contact-option"]')].map((o) =>
      o.textContent!.trim(),
    );
    expect(options).to.deep.equal(['Dave']);
    const confirm = dialog.querySelector<HTMLButtonElement>('[part~="add-confirm"]')!;
    expect(confirm.disabled).to.equal(true);
    expect(dialog.textContent).to.contain('not the messages before they joined');
    await expect(dialog).to.be.accessible();

    dialog.querySelector<HTMLInputElement>('[part~="contact-option"] input')!.focus();
    await sendKeys({ type: ' ' });
    await until(() => !dialog.querySelector<HTMLButtonElement>('[part~="add-confirm"]')!.disabled);
    dialog.querySelector<HTMLButtonElement>('[part~="add-confirm"]')!.click();
    await until(() => !!person(dialog, 'Dave'));
    expect((await hub.adapterFor(alice).getThread(thread.id)).participants.map((p) => p.userId)).to.include(
      dave,
    );
    // Dave has no device yet: shown as waiting, in the list and above the composer.
    await until(() => !!person(dialog, 'Dave')!.querySelector('[part~="pending-tag"]'));
    dialog.close();
    await until(() => !!ra.querySelector('[part~="pending-participants"]'));
    expect(ra.querySelector('[part~="pending-participants"]')!.textContent).to.contain(
      'Waiting for Dave to set up encryption',
    );
    await expect(ra.host).to.be.accessible();
  });

  it('shows a participant without a device as waiting above the composer, and drops it once their device appears', async () => {
    const { hub, others, ra } = await twoPeople(true, { others: ['Carol'] });
    await until(() => !!ra.querySelector('[part~="pending-participants"]'));
    expect(ra.querySelector('[part~="pending-participants"]')!.textContent).to.contain('Carol');
    // Carol's widget publishes her device; the live keys event reaches Alice's widget.
    await chatWith(hub.adapterFor(others[0]!), others[0]!);
    await until(() => !ra.querySelector('[part~="pending-participants"]'), 5000, 'the notice to go');
  });

  it('adds and removes people in a plain conversation too (no verification there)', async () => {
    const { hub, alice, thread, ra } = await twoPeople(false, { others: ['Carol'] });
    const dialog = await openPeople(ra);
    expect(title(dialog)).to.equal('People');
    expect(dialog.querySelector('[part~="verify-button"]')).to.equal(null);
    removeButtonOf(dialog, 'Carol').click();
    await until(() => !!dialog.querySelector('[part~="remove-confirm"]'));
    expect(dialog.textContent).to.contain('no longer sees it');
    dialog.querySelector<HTMLButtonElement>('[part~="remove-confirm"]')!.click();
    await until(() => !person(dialog, 'Carol'));
    expect((await hub.adapterFor(alice).getThread(thread.id)).participants).to.have.length(2);
    await expect(dialog).to.be.accessible();
  });

  it('shows the server’s refusal in the dialog and reports it as bm-error', async () => {
    const { thread, a, ra, hub, alice } = await twoPeople(true, { others: ['Carol'] }, refusingRemovals);
    const errors: string[] = [];
    a.addEventListener('bm-error', (event) => errors.push((event as BmErrorEvent).reason));
    const dialog = await openPeople(ra);
    removeButtonOf(dialog, 'Carol').click();
    await until(() => !!dialog.querySelector('[part~="remove-confirm"]'));
    dialog.querySelector<HTMLButtonElement>('[part~="remove-confirm"]')!.click();
    await until(() => !!dialog.querySelector('[part~="members-error"]'));
    const error = dialog.querySelector('[part~="members-error"]')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.contain('not allowed');
    await until(() => ra.activeElement === error, 5000, 'focus on the error');
    expect(errors).to.deep.equal(['forbidden']);
    expect((await hub.adapterFor(alice).getThread(thread.id)).participants).to.have.length(3);
    await expect(dialog).to.be.accessible();
  });

  it('keeps hostile display names as text in the list, the contacts and the confirmation', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">Mallory';
    const { hub, ra } = await twoPeople(true, { others: [hostile] });
    hub.addUser({ id: uniqueUserId('eve'), displayName: '<svg onload="window.__pwned=2">Eve' });
    const dialog = await openPeople(ra);
    expect(!!person(dialog, hostile)).to.equal(true);
    dialog.querySelector<HTMLButtonElement>('[part~="add-participants-button"]')!.click();
    await until(() => dialog.querySelectorAll('[part~="contact-option"]').length > 0);
    expect(dialog.querySelector('[part~="contact-option"]')!.textContent).to.contain('<svg onload=');
    dialog.querySelector<HTMLButtonElement>('.cancel')!.click();
    await until(() => !!dialog.querySelector('[part~="participants"]'));
    removeButtonOf(dialog, 'Mallory').click();
    await until(() => !!dialog.querySelector('[part~="remove-confirm"]'));
    expect(title(dialog)).to.equal(`Remove ${hostile}?`);
    expect(dialog.querySelectorAll('img, svg').length).to.equal(0);
    expect(ra.querySelector('[part~="pending-participants"]')?.textContent ?? '').not.to.contain('undefined');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
