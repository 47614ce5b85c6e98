import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { ChatAdapter } from '../../src/adapter/types.js';
import {
  deviceEntry,
  deviceIdFor,
  exportSpki,
  generateDeviceKeys,
  signDeviceList,
  toBase64Url,
} from '../../src/crypto/index.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { EncryptedThreads, type KeyChangeKind } from '../../src/engine/security/thread-security.js';
import { TrustError } from '../../src/engine/trust.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { createChatState } from '../../src/state/chat-state.js';
import { createKeyChangeStore } from '../../src/state/key-changes.js';
import { cleanUpVaults, openTestVault, rejection, uniqueUserId } from '../vault/helpers.js';
import { HostileServer } from './hostile-server.js';

/** A person whose engine reports key changes and trust state, as the widget's root wires them. */
async function person(hub: MemoryHub, userId: string, wrap: (a: ChatAdapter) => ChatAdapter = (a) => a) {
  const adapter = wrap(hub.adapterFor(userId));
  const vault = await openTestVault(userId);
  const store = createKeyChangeStore();
  const changes: Array<{ userId: string; wasVerified: boolean; kind: KeyChangeKind }> = [];
  const security = new EncryptedThreads({
    adapter,
    vault,
    userId,
    onTrust: (id, trust) => store.put(id, trust),
    onKeyChange: (id, wasVerified, kind) => changes.push({ userId: id, wasVerified, kind }),
  });
  await security.ensureDevice();
  const state = createChatState();
  const engine = new ChatEngine({
    adapter,
    state,
    outboxStore: vaultOutboxStore(vault),
    loadSecurity: async () => security,
  });
  await engine.start();
  await security.prepare();
  return { engine, state, vault, security, store, changes };
}

/** Alice (behind a server that may lie about Bob) and Bob, with one encrypted thread Alice has written in. */
async function setting() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const server = new HostileServer(bob);
  const b = await person(hub, bob);
  const a = await person(hub, alice, (adapter) => server.wrap(adapter));
  const threadId = await a.engine.createThread({ title: 'Matter', participantIds: [bob], encrypted: true });
  await a.engine.sendText(threadId, 'first, while the server tells the truth');
  const stored = async () => (await hub.adapterFor(bob).listMessages(threadId)).items.length;
  const stop = () => (a.engine.stop(), b.engine.stop());
  return { hub, alice, bob, server, a, b, threadId, stored, stop };
}

async function verify(a: { security: EncryptedThreads }, userId: string): Promise<void> {
  const number = await a.security.safetyNumber(userId);
  await a.security.setVerified(userId, true, number.identityKey);
}

async function serverDeviceId(server: HostileServer): Promise<string> {
  return (await server.serverDevice()).device.deviceId;
}

describe('trust: key changes and verification against a server that lies (engine, vaults, crypto real)', () => {
  afterEach(cleanUpVaults);

  it('gives Alice and Bob the same 60-digit safety number from their own vaults', async () => {
    const { a, b, alice, bob, stop } = await setting();
    const mine = await a.security.safetyNumber(bob);
    const theirs = await b.security.safetyNumber(alice);
    expect(mine.digits).to.match(/^\d{60}$/);
    expect(theirs.digits).to.equal(mine.digits);
    expect(mine.qrPayload).to.equal(`BMSN1:${mine.digits}`);
    stop();
  });

  it('warns about an unverified contact whose identity key the server swapped, and keeps sending (trust on first use)', async () => {
    const { a, bob, server, threadId, stored, stop } = await setting();
    server.lie = 'swap-identity';
    await a.engine.sendText(threadId, 'second');
    expect(a.changes).to.deep.equal([{ userId: bob, wasVerified: false, kind: 'identity' }]);
    expect(a.store.$peers.get()[bob]!.change).to.include({ kind: 'identity', blocking: false });
    expect(await stored()).to.equal(2);
    stop();
  });

  it('blocks sending to a verified contact whose key the server swapped: nothing is sealed to it, nothing sent', async () => {
    const { a, bob, server, threadId, stored, stop } = await setting();
    await verify(a, bob);
    server.lie = 'swap-identity';
    const error = await rejection(a.engine.sendText(threadId, 'for Bob only'));
    expect(error).to.be.instanceOf(TrustError);
    expect((error as TrustError).reason).to.equal('key-change-unresolved');
    expect(a.changes).to.deep.equal([{ userId: bob, wasVerified: true, kind: 'identity' }]);
    expect(a.store.$peers.get()[bob]).to.deep.include({ verified: false });
    expect(a.store.$peers.get()[bob]!.change).to.include({ kind: 'identity', blocking: true });
    // Not once: every further try is refused too, and the outbox holds nothing to send later.
    expect(await rejection(a.engine.sendText(threadId, 'again'))).to.be.instanceOf(TrustError);
    expect(await stored()).to.equal(1);
    expect(server.sealedTo).not.to.include(await serverDeviceId(server));
    expect(await a.vault.outbox.list()).to.deep.equal([]);
    expect(a.state.$events.get()[threadId]!.map((e) => e.status)).to.deep.equal(['sent']);
    stop();
  });

  it('keeps the block after a reload until the user has chosen', async () => {
    const { a, alice, bob, server, threadId, hub, stop } = await setting();
    await verify(a, bob);
    server.lie = 'swap-identity';
    await rejection(a.engine.sendText(threadId, 'for Bob only'));
    stop();
    a.vault.close();
    const again = await person(hub, alice, (adapter) => server.wrap(adapter));
    expect(again.store.$peers.get()[bob]!.change).to.include({ kind: 'identity', blocking: true });
    expect(await rejection(again.engine.sendText(threadId, 'after reload'))).to.be.instanceOf(TrustError);
    again.engine.stop();
  });

  it('resumes when the user accepts the new key unverified, sealing to the key they accepted', async () => {
    const { a, bob, server, threadId, stored, stop } = await setting();
    await verify(a, bob);
    server.lie = 'swap-identity';
    await rejection(a.engine.sendText(threadId, 'held'));
    await a.security.acceptKeyChange(bob);
    expect(a.store.$peers.get()[bob]).to.deep.include({ verified: false, change: null });
    await a.engine.sendText(threadId, 'after choosing');
    expect(await stored()).to.equal(2);
    expect(server.sealedTo).to.include(await serverDeviceId(server));
    stop();
  });

  it('resumes when the user verifies the new number, and refuses a mark for a number no longer current', async () => {
    const { a, bob, server, threadId, stored, stop } = await setting();
    const old = await a.security.safetyNumber(bob);
    await a.security.setVerified(bob, true, old.identityKey);
    server.lie = 'swap-identity';
    const fresh = await a.security.safetyNumber(bob);
    expect(fresh.digits).not.to.equal(old.digits);
    const stale = await rejection(a.security.setVerified(bob, true, old.identityKey));
    expect((stale as TrustError).reason).to.equal('key-changed');
    await a.security.setVerified(bob, true, fresh.identityKey);
    expect(a.store.$peers.get()[bob]).to.deep.include({ verified: true, change: null });
    await a.engine.sendText(threadId, 'verified again');
    expect(await stored()).to.equal(2);
    stop();
  });

  it('ignores a device Bob never signed, never seals to it, and reports it once', async () => {
    const { a, alice, bob, server, stop } = await setting();
    server.lie = 'ghost-device';
    const ghost = await serverDeviceId(server);
    // A new thread makes Alice seal a first epoch to every device the server lists for Bob.
    const threadId = await a.engine.createThread({ title: 'Second', participantIds: [bob], encrypted: true });
    await a.engine.sendText(threadId, 'hello');
    await a.engine.sendText(threadId, 'hello again');
    expect(server.sealedTo.length).to.be.greaterThan(0);
    expect(server.sealedTo).not.to.include(ghost);
    expect(a.store.$peers.get()[bob]!.untrustedDevices).to.deep.equal([ghost]);
    expect(a.changes).to.deep.equal([{ userId: bob, wasVerified: false, kind: 'untrusted-device' }]);
    expect(a.store.$peers.get()[alice]).to.equal(undefined);
    stop();
  });

  it('tells of a device list that Bob signed with his own key, without blocking a verified contact', async () => {
    const { a, b, bob, threadId, stored, hub, stop } = await setting();
    await verify(a, bob);
    // Bob's identity signs a list with a second device (as linking a browser would).
    const own = (await b.vault.loadDevice())!;
    const bundle = (await hub.adapterFor(bob).fetchKeys([bob]))[0]!;
    const second = await generateDeviceKeys();
    const secondId = await deviceIdFor(second.signing.publicKey);
    const first = await deviceEntry(own.deviceId, own.signing.publicKey, own.hpke.publicKey);
    const entry = await deviceEntry(secondId, second.signing.publicKey, second.hpke.publicKey);
    const list = { userId: bob, version: 2, issuedAt: Date.now(), devices: [first, entry] };
    await hub.adapterFor(bob).publishKeys({
      identityKey: toBase64Url(await exportSpki(own.identity.publicKey)),
      signedDeviceList: toBase64Url(await signDeviceList(list, own.identity.privateKey!)),
      devices: [
        ...bundle.devices,
        {
          deviceId: secondId,
          signingKey: toBase64Url(entry.signingKey),
          hpkeKey: toBase64Url(entry.hpkeKey),
        },
      ],
    });
    await a.engine.sendText(threadId, 'to both of Bob’s devices');
    expect(a.changes).to.deep.equal([{ userId: bob, wasVerified: true, kind: 'devices' }]);
    expect(a.store.$peers.get()[bob]).to.deep.include({ verified: true });
    expect(a.store.$peers.get()[bob]!.change).to.include({ kind: 'devices', blocking: false });
    expect(await stored()).to.equal(2);
    stop();
  });
});
