import { expect, oneEvent } from '@open-wc/testing';
import type { BmKeyChangeEvent } from '../../src/components/secure-chat/events.js';
import { HostileServer } from '../engine/hostile-server.js';
import { cleanUpVaults } from '../vault/helpers.js';
import { until } from './helpers.js';
import { input, say, twoPeople, typeInto } from './two-people.js';
import { openContact, toggle } from './verify-helpers.js';

const notices = (root: ShadowRoot) => [...root.querySelectorAll<HTMLElement>('[part~="key-change-notice"]')];
const send = (root: ShadowRoot) => root.querySelector<HTMLButtonElement>('[part~="send-button"]')!;

/** Alice's widget behind a server that lies about Bob's keys when told to. */
async function behindHostileServer() {
  const server = new HostileServer();
  const people = await twoPeople(true, {}, (adapter) => server.wrap(adapter));
  server.victim = people.bob;
  return { ...people, server };
}

describe('a server that swaps or adds keys (widget, engine, vaults and crypto real)', () => {
  afterEach(cleanUpVaults);

  it('warns and pauses sending to a verified contact whose key the server swapped; nothing reaches the server', async () => {
    const { ra, a, bob, hub, thread, server } = await behindHostileServer();
    await say(ra, 'before the swap');
    const dialog = await openContact(ra, 'Bob');
    toggle(dialog).click();
    await until(() => toggle(dialog).textContent!.trim() === 'Clear verification');
    dialog.close();

    server.lie = 'swap-identity';
    const changed = oneEvent(a, 'bm-key-change') as Promise<BmKeyChangeEvent>;
    typeInto(ra, 'only for Bob');
    send(ra).click();
    const event = await changed;
    expect([event.userId, event.verified, event.kind]).to.deep.equal([bob, true, 'identity']);
    expect(event.bubbles && event.composed).to.equal(true);
    await until(() => notices(ra).some((n) => n.classList.contains('blocking')));
    expect(notices(ra)[0]!.textContent).to.contain('Bob’s security key changed. Sending here is paused');
    await until(() => input(ra).disabled && input(ra).value === 'only for Bob');
    expect(send(ra).disabled).to.equal(true);
    // The notice says why; no generic error banner on top of it.
    expect(ra.querySelector('.banner-dismiss'), 'error banner').to.equal(null);
    const stored = await hub.adapterFor(bob).listMessages(thread.id);
    expect(stored.items).to.have.length(1);
    expect(server.sealedTo).not.to.include((await server.serverDevice()).device.deviceId);
    await expect(ra.querySelector('[part~="key-change-notices"]')).to.be.accessible();

    // The user looks at the change and accepts the new key: sending resumes.
    notices(ra)[0]!.querySelector<HTMLButtonElement>('.verify')!.click();
    const accept = () => ra.querySelector<HTMLButtonElement>('dialog[part~="verify-dialog"] .accept');
    await until(() => !!accept());
    accept()!.click();
    await until(() => !input(ra).disabled && notices(ra).length === 0);
  });

  it('tells of an unverified contact’s swapped key and keeps sending (trust on first use)', async () => {
    const { ra, a, bob, server } = await behindHostileServer();
    await say(ra, 'before the swap');
    server.lie = 'swap-identity';
    const changed = oneEvent(a, 'bm-key-change') as Promise<BmKeyChangeEvent>;
    await say(ra, 'after the swap');
    const event = await changed;
    expect([event.userId, event.verified, event.kind]).to.deep.equal([bob, false, 'identity']);
    await until(() => notices(ra).length === 1);
    expect(notices(ra)[0]!.textContent).to.contain('Bob’s security key changed.');
    expect(input(ra).disabled).to.equal(false);
    notices(ra)[0]!.querySelector<HTMLButtonElement>('.dismiss')!.click();
    await until(() => notices(ra).length === 0);
  });

  it('ignores and reports a device Bob never signed, and never seals to it', async () => {
    const { ra, a, bob, server } = await behindHostileServer();
    server.lie = 'ghost-device';
    const changed = oneEvent(a, 'bm-key-change') as Promise<BmKeyChangeEvent>;
    await say(ra, 'hello Bob');
    const event = await changed;
    expect([event.userId, event.kind]).to.deep.equal([bob, 'untrusted-device']);
    await until(() => notices(ra).some((n) => n.classList.contains('untrusted-device')));
    expect(notices(ra)[0]!.textContent).to.contain('did not sign');
    expect(server.sealedTo.length).to.be.greaterThan(0);
    expect(server.sealedTo).not.to.include((await server.serverDevice()).device.deviceId);
  });
});
