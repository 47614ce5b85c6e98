import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { DeviceSetupError, RecoveryFlowError, type SetupChoice } from '../../src/engine/recovery.js';
import { EncryptedThreads, type KeyChangeKind } from '../../src/engine/security/thread-security.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { createChatState } from '../../src/state/chat-state.js';
import { until } from '../until.js';
import { cleanUpVaults, openTestVault, rejection, uniqueUserId } from '../vault/helpers.js';

const PASSPHRASE = 'orbit tulip canyon marble whisper';
const NEW_PASSPHRASE = 'lantern velvet harbor quartz meadow';
/** Tests only: PBKDF2 at 1,000 iterations; the production default (600,000) is never lowered in src. */
const TEST_KDF = { iterations: 1000, minimumIterations: 1000 };

/** One browser of one person: its own vault (by scope), engine and encrypted-thread half. */
async function browser(hub: MemoryHub, userId: string, scope: string) {
  const adapter = hub.adapterFor(userId);
  const vault = await openTestVault(userId, { scope });
  const state = createChatState();
  const setup: SetupChoice[][] = [];
  const changes: Array<{ userId: string; kind: KeyChangeKind }> = [];
  let offers = 0;
  const security = new EncryptedThreads({
    adapter,
    vault,
    userId,
    offerRecovery: true,
    recoveryKdf: TEST_KDF,
    onSetupNeeded: (choices) => setup.push(choices),
    onRecoveryOffer: () => offers++,
    onKeyChange: (id, _verified, kind) => changes.push({ userId: id, kind }),
  });
  const engine = new ChatEngine({
    adapter,
    state,
    outboxStore: vaultOutboxStore(vault),
    loadSecurity: async () => security,
  });
  return { adapter, vault, state, security, engine, setup, changes, offers: () => offers };
}

type Browser = Awaited<ReturnType<typeof browser>>;

const texts = (b: Browser, threadId: string) =>
  (b.state.$events.get()[threadId] ?? []).map((e) =>
    e.content && 'text' in e.content ? e.content.text : `failure:${e.failure?.reason}`,
  );

/** Alice (recovery on from her first encrypted use) and Bob, with history in a thread each of them started. */
async function history() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const a = await browser(hub, alice, 'laptop');
  const b = await browser(hub, bob, 'phone');
  await a.security.ensureDevice();
  await a.security.recovery.enable(PASSPHRASE);
  await b.security.ensureDevice();
  await a.engine.start();
  await b.engine.start();
  const hers = await a.engine.createThread({ title: 'Hers', participantIds: [bob], encrypted: true });
  await a.engine.sendText(hers, 'from Alice, before the loss');
  const his = await b.engine.createThread({ title: 'His', participantIds: [alice], encrypted: true });
  await b.engine.sendText(his, 'from Bob, before the loss');
  // Alice reads Bob's thread on her laptop: her device opens Bob's epoch key and seals it to her backup.
  await until(() => !!a.state.$threads.get()[his]);
  await a.engine.openThread(his);
  expect(texts(a, his)).to.deep.equal(['from Bob, before the loss']);
  await until(() => hub.keys.sealed.filter((k) => k.recipientId.startsWith('backup:')).length === 2);
  const stop = () => (a.engine.stop(), b.engine.stop());
  return { hub, alice, bob, a, b, hers, his, stop };
}

describe('recovery in the engine (two vaults, real IndexedDB and Web Crypto, memory server)', () => {
  afterEach(cleanUpVaults);

  it('restores a fresh browser with the passphrase: the same identity, and both threads’ history readable', async () => {
    const { hub, alice, bob, a, b, hers, his, stop } = await history();
    const numberBefore = (await b.security.safetyNumber(alice)).digits;
    const fresh = await browser(hub, alice, 'new-laptop');
    const setup = await rejection(fresh.security.ensureDevice());
    expect(setup).to.be.instanceOf(DeviceSetupError);
    expect(fresh.setup).to.deep.equal([['link', 'restore', 'start-fresh']]);

    await fresh.security.recovery.restore(PASSPHRASE);
    await fresh.engine.start();
    await fresh.engine.openThread(hers);
    await fresh.engine.openThread(his);
    expect(texts(fresh, hers)).to.deep.equal(['from Alice, before the loss']);
    expect(texts(fresh, his)).to.deep.equal(['from Bob, before the loss']);

    // Bob sees the same identity (the same safety number), and a new device signed into Alice's list.
    expect((await b.security.safetyNumber(alice)).digits).to.equal(numberBefore);
    expect(b.changes.filter((c) => c.kind === 'identity')).to.deep.equal([]);
    const [bundle] = await hub.adapterFor(bob).fetchKeys([alice]);
    expect(bundle!.devices).to.have.length(2);
    // What Bob writes next is readable in the restored browser.
    await b.engine.sendText(his, 'after the restore');
    await until(() => texts(fresh, his).includes('after the restore'));
    expect((await fresh.security.recovery.status()).enabled).to.equal(true);
    void a;
    stop();
    fresh.engine.stop();
  });

  it('a restore cut short by the network goes on from where it stopped when tried again, with the same device', async () => {
    const { hub, alice, bob, hers, his, stop } = await history();
    const fresh = await browser(hub, alice, 'new-laptop');
    const publishKeys = fresh.adapter.publishKeys.bind(fresh.adapter);
    fresh.adapter.publishKeys = () => Promise.reject(new Error('network down'));
    const error = await rejection(fresh.security.recovery.restore(PASSPHRASE));
    expect((error as Error).message).to.equal('network down');
    const stored = await fresh.vault.loadDevice();
    expect(stored, 'the device is kept').to.not.equal(null);
    expect((await hub.adapterFor(bob).fetchKeys([alice]))[0]!.devices).to.have.length(1);

    fresh.adapter.publishKeys = publishKeys;
    await fresh.security.recovery.restore(PASSPHRASE);
    const device = (await fresh.vault.loadDevice())!;
    expect(device.deviceId).to.equal(stored!.deviceId);
    expect((await hub.adapterFor(bob).fetchKeys([alice]))[0]!.devices.map((d) => d.deviceId)).to.include(
      device.deviceId,
    );
    await fresh.engine.start();
    await fresh.engine.openThread(hers);
    await fresh.engine.openThread(his);
    expect(texts(fresh, hers)).to.deep.equal(['from Alice, before the loss']);
    expect(texts(fresh, his)).to.deep.equal(['from Bob, before the loss']);
    // Done: restoring again is refused, as on any set-up browser.
    const again = await rejection(fresh.security.recovery.restore(PASSPHRASE));
    expect((again as { reason?: string }).reason).to.equal('setup-not-needed');
    stop();
    fresh.engine.stop();
  });

  it('a restore an earlier page left unfinished asks for the passphrase again, then reads the history', async () => {
    const { hub, alice, hers, stop } = await history();
    const first = await browser(hub, alice, 'new-laptop');
    // The device is published, then the page loses the network while copying the backup's epoch keys.
    first.adapter.getSealedKeys = () => Promise.reject(new Error('network down'));
    await rejection(first.security.recovery.restore(PASSPHRASE));

    // The page is loaded again: the same vault, a new engine. It does not read as if set up.
    const again = await browser(hub, alice, 'new-laptop');
    const setup = await rejection(again.security.ensureDevice());
    expect(setup).to.be.instanceOf(DeviceSetupError);
    expect(again.setup).to.deep.equal([['finish-restore']]);
    await again.security.recovery.restore(PASSPHRASE);
    await again.engine.start();
    await again.engine.openThread(hers);
    expect(texts(again, hers)).to.deep.equal(['from Alice, before the loss']);
    stop();
    again.engine.stop();
  });

  it('refuses a wrong passphrase and loses nothing: the vault stays empty and the backup stays on the server', async () => {
    const { hub, alice, stop } = await history();
    const fresh = await browser(hub, alice, 'new-laptop');
    const error = await rejection(fresh.security.recovery.restore('orbit tulip canyon marble whispers'));
    expect((error as { reason?: string }).reason).to.equal('wrong-passphrase');
    expect(await fresh.vault.loadDevice()).to.equal(null);
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.not.equal(null);
    await fresh.security.recovery.restore(PASSPHRASE);
    expect(await fresh.vault.loadDevice()).to.not.equal(null);
    stop();
  });

  it('changes the passphrase: the new one restores, the old one no longer does', async () => {
    const { hub, alice, a, hers, stop } = await history();
    await a.security.recovery.changePassphrase(PASSPHRASE, NEW_PASSPHRASE);
    const one = await browser(hub, alice, 'tablet');
    const old = await rejection(one.security.recovery.restore(PASSPHRASE));
    expect((old as { reason?: string }).reason).to.equal('wrong-passphrase');
    await one.security.recovery.restore(NEW_PASSPHRASE);
    await one.engine.start();
    await one.engine.openThread(hers);
    expect(texts(one, hers)).to.deep.equal(['from Alice, before the loss']);
    one.engine.stop();
    stop();
  });

  it('refuses a weak passphrase and a wrong old one when changing, and keeps the backup as it was', async () => {
    const { hub, alice, a, stop } = await history();
    const before = await hub.adapterFor(alice).getRecoveryBlob();
    const weak = await rejection(a.security.recovery.changePassphrase(PASSPHRASE, 'password123!'));
    expect((weak as { reason?: string }).reason).to.equal('passphrase-too-weak');
    const wrong = await rejection(a.security.recovery.changePassphrase(NEW_PASSPHRASE, NEW_PASSPHRASE));
    expect((wrong as { reason?: string }).reason).to.equal('wrong-passphrase');
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.deep.equal(before);
    stop();
  });

  it('turns recovery off: the blob and the published backup key are gone, and later epochs are not sealed to it', async () => {
    const { hub, alice, bob, a, stop } = await history();
    const recipient = (await a.vault.settings.get('backup'))!.recipientId;
    await a.security.recovery.disable();
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.equal(null);
    const [bundle] = await hub.adapterFor(bob).fetchKeys([alice]);
    expect(bundle!.backup ?? null).to.equal(null);
    expect(await a.vault.settings.get('backup')).to.equal(undefined);
    const sealedBefore = hub.keys.sealed.filter((k) => k.recipientId === recipient).length;
    const later = await a.engine.createThread({ title: 'Later', participantIds: [bob], encrypted: true });
    await a.engine.sendText(later, 'after recovery was turned off');
    expect(hub.keys.sealed.filter((k) => k.recipientId === recipient)).to.have.length(sealedBefore);
    expect(hub.keys.sealed.some((k) => k.threadId === later && k.recipientId.startsWith('backup:'))).to.equal(
      false,
    );
    const status = await a.security.recovery.status();
    expect(status).to.include({ enabled: false, offerDue: false });
    // A fresh browser is now offered only a fresh start, and restore says there is no backup.
    const fresh = await browser(hub, alice, 'new-laptop');
    await rejection(fresh.security.ensureDevice());
    expect(fresh.setup).to.deep.equal([['link', 'start-fresh']]);
    const none = await rejection(fresh.security.recovery.restore(PASSPHRASE));
    expect(none).to.be.instanceOf(RecoveryFlowError);
    expect((none as RecoveryFlowError).reason).to.equal('no-backup');
    stop();
  });

  it('refuses a passphrase too weak to turn recovery on, and stores nothing', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    hub.addUser({ id: alice, displayName: 'Alice' });
    const a = await browser(hub, alice, 'laptop');
    await a.security.ensureDevice();
    expect(a.offers()).to.equal(1);
    const error = await rejection(a.security.recovery.enable('P@ssw0rd2024!'));
    expect((error as { reason?: string }).reason).to.equal('passphrase-too-weak');
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.equal(null);
    expect((await a.security.recovery.status()).enabled).to.equal(false);
    // "Not now" is remembered in the vault and drops the identity key held for the backup.
    expect(await a.security.recovery.status()).to.include({ offerDue: true, identityAvailable: true });
    await a.security.recovery.declineOffer();
    expect(await a.security.recovery.status()).to.include({ offerDue: false, identityAvailable: false });
  });

  it('does not publish new keys over a user’s identity from a fresh browser; starting fresh does, and says so', async () => {
    const { hub, alice, bob, b, stop } = await history();
    const [before] = await hub.adapterFor(bob).fetchKeys([alice]);
    const fresh = await browser(hub, alice, 'kiosk');
    await fresh.engine.start();
    // Loading history without keys: each message says setup is needed, and nothing was published.
    const threadId = Object.keys(fresh.state.$threads.get())[0]!;
    await fresh.engine.openThread(threadId);
    expect(texts(fresh, threadId)).to.deep.equal(['failure:setup-needed']);
    const [unchanged] = await hub.adapterFor(bob).fetchKeys([alice]);
    expect(unchanged!.identityKey).to.equal(before!.identityKey);

    await fresh.security.recovery.startFresh();
    const [after] = await hub.adapterFor(bob).fetchKeys([alice]);
    expect(after!.identityKey).to.not.equal(before!.identityKey);
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.equal(null);
    await b.security.safetyNumber(alice);
    expect(b.changes.map((c) => c.kind)).to.include('identity');
    expect(fresh.offers()).to.equal(1);
    fresh.engine.stop();
    stop();
  });

  it('turned on after the identity existed, the backup still brings back the history (with a new identity)', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: bob, displayName: 'Bob' });
    const a = await browser(hub, alice, 'laptop');
    const b = await browser(hub, bob, 'phone');
    await a.security.ensureDevice();
    await a.security.recovery.declineOffer();
    await b.security.ensureDevice();
    await a.engine.start();
    await b.engine.start();
    const his = await b.engine.createThread({ title: 'His', participantIds: [alice], encrypted: true });
    await b.engine.sendText(his, 'sealed before recovery was on');
    // Turning it on later: the catch-up pass seals what Alice's device already has a copy of.
    await a.security.recovery.enable(PASSPHRASE);
    expect(await a.security.recovery.status()).to.include({ enabled: true, identityIncluded: false });
    const fresh = await browser(hub, alice, 'new-laptop');
    await fresh.security.recovery.restore(PASSPHRASE);
    await fresh.engine.start();
    await fresh.engine.openThread(his);
    expect(texts(fresh, his)).to.deep.equal(['sealed before recovery was on']);
    a.engine.stop();
    b.engine.stop();
    fresh.engine.stop();
  });

  it('seals only to the backup key in the vault, never to one the server publishes in its place', async () => {
    const { hub, alice, bob, a, stop } = await history();
    const mine = (await a.vault.settings.get('backup'))!.recipientId;
    const evil = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', evil.publicKey));
    const hpkeKey = btoa(String.fromCharCode(...spki))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const bundle = hub.keys.bundles.get(alice)!;
    hub.keys.bundles.set(alice, { ...bundle, backup: { recipientId: 'backup:server-chosen', hpkeKey } });
    const later = await a.engine.createThread({ title: 'Later', participantIds: [bob], encrypted: true });
    await a.engine.sendText(later, 'sealed after the server swapped the published backup key');
    const copies = hub.keys.sealed.filter((k) => k.threadId === later).map((k) => k.recipientId);
    expect(copies).to.include(mine);
    expect(copies).to.not.include('backup:server-chosen');
    stop();
  });
});
