import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { ChatAdapter, LinkRequest } from '../../src/adapter/types.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { vaultDatabaseName } from '../../src/vault/index.js';
import { cleanUpVaults, trackDatabase, uniqueUserId } from '../vault/helpers.js';
import { chatWith, until } from './helpers.js';

const SECOND = 'https://second-browser.example';

/** Alice's first browser, and a second browser of hers (its own vault, by another scope) with no keys yet. */
async function aliceTwice(wrapFirst: (adapter: ChatAdapter) => ChatAdapter = (adapter) => adapter) {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  await hub.adapterFor(alice).createThread({ title: 'Matter 42', participantIds: [bob], encrypted: false });
  const first = await chatWith(wrapFirst(hub.adapterFor(alice)), alice);
  trackDatabase(vaultDatabaseName(alice, SECOND));
  const second = await fixture<BmSecureChat>(
    html`<bm-secure-chat theme="light" lang="en" endpoint=${SECOND}></bm-secure-chat>`,
  );
  second.adapter = hub.adapterFor(alice);
  await second.sessionReady;
  await second.updateComplete;
  return { hub, alice, first: first.shadowRoot!, second: second.shadowRoot! };
}

const dialogOf = (root: ShadowRoot) =>
  root.querySelector<HTMLDialogElement>('dialog[part~="devices-dialog"]');

async function openDevices(root: ShadowRoot): Promise<HTMLDialogElement> {
  root.querySelector<HTMLButtonElement>('[part~="devices-button"]')!.click();
  await until(() => !!dialogOf(root)?.open && dialogOf(root)!.getAttribute('aria-busy') === 'false');
  return dialogOf(root)!;
}

const codeIn = (dialog: HTMLElement) =>
  dialog.querySelector('[part~="link-code"] [aria-hidden="true"]')?.textContent?.replace(/\s/g, '') ?? '';

/** Both dialogs up to the codes: the second asks, the first answers. */
async function upToCodes(first: ShadowRoot, second: ShadowRoot) {
  const mine = await openDevices(first);
  expect(mine.querySelectorAll('[part~="device-item"]')).to.have.length(1);
  const theirs = await openDevices(second);
  expect(theirs.querySelector('[part~="device-list"]')).to.equal(null);
  theirs.querySelector<HTMLButtonElement>('[part~="link-button"]')!.click();
  await until(() => theirs.textContent!.includes('Compare codes'), 5000, 'the new browser waiting');
  await until(() => !!mine.querySelector('[part~="link-request"] button'), 6000, 'the request on the first');
  mine.querySelector<HTMLButtonElement>('[part~="link-request"] button')!.click();
  await until(() => codeIn(mine).length === 6 && codeIn(theirs).length === 6, 6000, 'both codes');
  return { mine, theirs };
}

describe('devices dialog (one user in two widgets with their own vaults, real crypto)', () => {
  afterEach(cleanUpVaults);

  it('links the second browser when the same code shows on both and both confirm', async () => {
    const { first, second } = await aliceTwice();
    const { mine, theirs } = await upToCodes(first, second);
    expect(codeIn(mine)).to.match(/^\d{6}$/);
    expect(codeIn(theirs)).to.equal(codeIn(mine));
    const spoken = mine.querySelector('[part~="link-code"] .visually-hidden')!.textContent;
    expect(spoken).to.equal([...codeIn(mine)].join(' '));
    await expect(mine).to.be.accessible();
    await expect(theirs).to.be.accessible();

    theirs.querySelector<HTMLButtonElement>('[part~="link-confirm"]')!.click();
    mine.querySelector<HTMLButtonElement>('[part~="link-confirm"]')!.click();
    await until(() => theirs.textContent!.includes('This browser is linked'), 6000, 'the second linked');
    await until(() => mine.textContent!.includes('The new browser is linked'), 6000, 'the first told');
    await until(() => theirs.querySelectorAll('[part~="device-item"]').length === 2);
    expect(theirs.querySelector('[part~="device-item"].current')!.textContent).to.contain('This browser');
    expect(theirs.querySelector('[part~="revoke-button"]')).to.equal(null);
    expect(theirs.textContent).to.contain('linked from another device');
    await until(() => mine.querySelectorAll('[part~="device-item"]').length === 2);
    expect(mine.querySelectorAll('[part~="revoke-button"]')).to.have.length(1);
    await expect(mine).to.be.accessible();
  });

  it('adds nothing when the user says the codes differ', async () => {
    const { hub, alice, first, second } = await aliceTwice();
    const { mine, theirs } = await upToCodes(first, second);
    const before = (await hub.adapterFor(alice).fetchKeys([alice]))[0]!.signedDeviceList;
    [...mine.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent!.includes('differ'))!
      .click();
    await until(() => mine.textContent!.includes('Nothing was added'));
    await until(() => theirs.textContent!.includes('Nothing was added'), 6000, 'the second told');
    expect(theirs.querySelector('[part~="link-button"]')).to.exist;
    expect((await hub.adapterFor(alice).fetchKeys([alice]))[0]!.signedDeviceList).to.equal(before);
  });

  it('removes a device after a confirmation, by keyboard, and gives focus back to the Devices button', async () => {
    const { first, second } = await aliceTwice();
    const { mine, theirs } = await upToCodes(first, second);
    theirs.querySelector<HTMLButtonElement>('[part~="link-confirm"]')!.click();
    mine.querySelector<HTMLButtonElement>('[part~="link-confirm"]')!.click();
    await until(() => mine.textContent!.includes('The new browser is linked'), 6000, 'the first told');
    await until(() => theirs.textContent!.includes('This browser is linked'), 6000, 'the second linked');
    // One page holds both browsers' modal dialogs; the second's is on top and makes the first inert.
    theirs.close();
    await until(() => mine.querySelectorAll('[part~="revoke-button"]').length === 1);
    const revoke = mine.querySelector<HTMLButtonElement>('[part~="revoke-button"]')!;
    expect(revoke.getAttribute('aria-label')).to.match(/^Remove device \S{8}$/);
    revoke.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !!mine.querySelector('[part~="revoke-confirm"]'));
    await until(() => first.activeElement?.id === 'devices-title', 3000, 'focus on the title');
    expect(mine.textContent).to.contain('will not be able to read anything sent from now on');
    await expect(mine).to.be.accessible();
    mine.querySelector<HTMLButtonElement>('[part~="revoke-confirm"]')!.click();
    await until(() => mine.textContent!.includes('Device removed.'));
    await until(() => mine.querySelectorAll('[part~="device-item"]').length === 1);
    await sendKeys({ press: 'Escape' });
    await until(() => !mine.open);
    expect(first.activeElement?.getAttribute('part')).to.equal('devices-button');
    const again = await openDevices(second);
    expect(again.textContent).to.contain('removed from your devices');
  });

  it('cancels the request when the new browser closes the dialog before the codes were compared', async () => {
    const { hub, alice, first, second } = await aliceTwice();
    (await openDevices(first)).close(); // makes Alice's first keys
    const theirs = await openDevices(second);
    theirs.querySelector<HTMLButtonElement>('[part~="link-button"]')!.click();
    await until(() => theirs.textContent!.includes('Compare codes'), 5000, 'the new browser waiting');
    const [request] = await hub.adapterFor(alice).listLinkRequests();
    expect(request!.status).to.equal('pending');
    theirs.close();
    await until(() => second.activeElement?.getAttribute('part') === 'devices-button', 3000, 'focus back');
    let left: LinkRequest[] = [request!];
    await until(
      () => (
        void hub
          .adapterFor(alice)
          .listLinkRequests()
          .then((list) => (left = list)),
        left.length === 0
      ),
      5000,
      'the request gone',
    );
  });

  it('shows a device id a hostile server sends as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__owned=1">';
    const wrap = (adapter: ChatAdapter): ChatAdapter =>
      new Proxy(adapter, {
        get(target, name) {
          if (name === 'listLinkRequests')
            return async (): Promise<LinkRequest[]> => [
              {
                id: 'hostile',
                status: 'pending',
                device: { deviceId: hostile, signingKey: 'AA', hpkeKey: 'AA' },
                commitment: 'AA',
                answer: null,
                nonce: null,
                createdAt: new Date().toISOString(),
                expiresAt: new Date(Date.now() + 60_000).toISOString(),
              },
            ];
          const value = Reflect.get(target, name) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    const { first } = await aliceTwice(wrap);
    const dialog = await openDevices(first);
    await until(() => !!dialog.querySelector('[part~="link-request"]'));
    expect(dialog.querySelector('img')).to.equal(null);
    expect(dialog.querySelector('[part~="link-request"]')!.textContent).to.contain('<img sr');
    expect((window as { __owned?: number }).__owned).to.equal(undefined);
    await expect(dialog).to.be.accessible();
  });

  it('shows device labels and the dialog in German and Arabic', async () => {
    const { first } = await aliceTwice();
    const host = first.host as BmSecureChat;
    host.lang = 'de';
    await host.updateComplete;
    await until(() => first.querySelector('[part~="devices-button"]')!.textContent!.includes('Ihre Geräte'));
    const dialog = await openDevices(first);
    expect(dialog.textContent).to.contain('Dieser Browser');
    dialog.close();
    host.lang = 'ar';
    await host.updateComplete;
    await until(() => first.querySelector('[part~="devices-button"]')!.textContent!.includes('أجهزتك'));
  });

  it('offers linking first on a fresh browser of a user with an encrypted conversation; once linked, the setup notice goes', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: bob, displayName: 'Bob' });
    await hub.adapterFor(alice).createThread({ title: 'Matter 7', participantIds: [bob], encrypted: true });
    const first = (await chatWith(hub.adapterFor(alice), alice)).shadowRoot!;
    for (let tries = 0; (await hub.adapterFor(alice).fetchKeys([alice])).length === 0; tries++) {
      if (tries > 300) throw new Error('the first browser never published its keys');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    trackDatabase(vaultDatabaseName(alice, SECOND));
    const el = await fixture<BmSecureChat>(
      html`<bm-secure-chat theme="light" lang="en" endpoint=${SECOND}></bm-secure-chat>`,
    );
    el.adapter = hub.adapterFor(alice);
    await el.sessionReady;
    const second = el.shadowRoot!;
    const choices = () =>
      [...second.querySelectorAll<HTMLButtonElement>('[part~="setup-notice"] button')].map(
        (b) => b.dataset['choice'],
      );
    await until(() => choices().length > 0, 6000, 'the setup notice');
    expect(choices()).to.deep.equal(['link', 'start-fresh']);
    const before = (await hub.adapterFor(alice).fetchKeys([alice]))[0]!.identityKey;

    second.querySelector<HTMLButtonElement>('[data-choice="link"]')!.click();
    await until(() => !!dialogOf(second)?.open, 6000, 'the devices dialog');
    const theirs = dialogOf(second)!;
    await until(() => !!theirs.querySelector('[part~="link-button"]'), 6000, 'Link this browser');
    theirs.querySelector<HTMLButtonElement>('[part~="link-button"]')!.click();
    const mine = await openDevices(first);
    await until(
      () => !!mine.querySelector('[part~="link-request"] button'),
      6000,
      'the request on the first',
    );
    mine.querySelector<HTMLButtonElement>('[part~="link-request"] button')!.click();
    await until(() => codeIn(mine).length === 6 && codeIn(theirs) === codeIn(mine), 6000, 'both codes');
    theirs.querySelector<HTMLButtonElement>('[part~="link-confirm"]')!.click();
    mine.querySelector<HTMLButtonElement>('[part~="link-confirm"]')!.click();
    await until(() => theirs.textContent!.includes('This browser is linked'), 6000, 'the second linked');
    await until(() => !second.querySelector('[part~="setup-notice"]'), 6000, 'the notice gone');
    // Linked, not started fresh: the identity contacts know is the same.
    expect((await hub.adapterFor(alice).fetchKeys([alice]))[0]!.identityKey).to.equal(before);
  });
});
