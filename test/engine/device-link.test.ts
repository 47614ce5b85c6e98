import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { ChatAdapter, LinkRequest } from '../../src/adapter/types.js';
import {
  deviceEntry,
  deviceIdFor,
  fromBase64Url,
  generateDeviceKeys,
  linkCommitment,
  linkNonce,
  sealEnvelope,
  toBase64Url,
} from '../../src/crypto/index.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { DeviceLinkError } from '../../src/engine/security/device-link.js';
import { EncryptedThreads, type KeyChangeKind } from '../../src/engine/security/thread-security.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { createChatState } from '../../src/state/chat-state.js';
import { until } from '../until.js';
import { cleanUpVaults, openTestVault, rejection, uniqueUserId } from '../vault/helpers.js';

const FAST = { pollMs: 10 };

/** One browser of a user: its own vault (a `scope` keeps two browsers of one user apart), security and engine. */
async function browser(
  hub: MemoryHub,
  userId: string,
  options: { scope?: string; wrap?: (a: ChatAdapter) => ChatAdapter; fresh?: boolean } = {},
) {
  const adapter = (options.wrap ?? ((a) => a))(hub.adapterFor(userId));
  const vault = await openTestVault(userId, options.scope ? { scope: options.scope } : {});
  const changes: Array<{ userId: string; kind: KeyChangeKind }> = [];
  const security = new EncryptedThreads({
    adapter,
    vault,
    userId,
    onKeyChange: (id, _verified, kind) => changes.push({ userId: id, kind }),
  });
  if (!options.fresh) await security.ensureDevice();
  const state = createChatState();
  const engine = new ChatEngine({
    adapter,
    state,
    outboxStore: vaultOutboxStore(vault),
    loadSecurity: async () => security,
  });
  return { adapter, vault, security, state, engine, changes };
}

type Browser = Awaited<ReturnType<typeof browser>>;

const texts = (b: Browser) => b.state.$openThreadMessages.get().map((m) => m.text);

/** Alice's first browser and Carol, each started, with one encrypted thread Alice wrote in. */
async function setting() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const carol = uniqueUserId('carol');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: carol, displayName: 'Carol' });
  const a1 = await browser(hub, alice);
  const c = await browser(hub, carol);
  await a1.engine.start();
  await c.engine.start();
  const threadId = await a1.engine.createThread({
    title: 'Matter',
    participantIds: [carol],
    encrypted: true,
  });
  await a1.engine.sendText(threadId, 'before the second browser');
  await until(() => !!c.state.$threads.get()[threadId]);
  await c.engine.openThread(threadId);
  await until(() => texts(c).includes('before the second browser'));
  const stop: Browser[] = [a1, c];
  return { hub, alice, carol, a1, c, threadId, stop };
}

/** Links Alice's second browser from the first; the user compares the codes and confirms on both. */
async function link(a1: Browser, a2: Browser) {
  const request = await a2.security.devices.linkThisDevice(FAST);
  const pending = await a1.security.devices.pendingLinks();
  expect(pending.map((r) => r.id)).to.include(request.requestId);
  const [owner, code] = await Promise.all([
    a1.security.devices.answerLink(request.requestId, FAST),
    request.code,
  ]);
  return { request, owner, code };
}

describe('linked devices (engine, two vaults of one user plus a contact; backend in memory)', () => {
  afterEach(cleanUpVaults);

  it('links a second browser by a matching code: it holds no identity key, reads what comes next, and the contact sees a device change', async () => {
    const { hub, alice, carol, a1, c, threadId, stop } = await setting();
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    stop.push(a2);
    const identityBefore = (await hub.adapterFor(carol).fetchKeys([alice]))[0]!.identityKey;

    const { request, owner, code } = await link(a1, a2);
    expect(code).to.match(/^\d{6}$/);
    expect(owner.code).to.equal(code);
    // While the link runs, asking for this browser's device waits for it instead of making a new identity.
    const ensured = a2.security.ensureDevice();
    await owner.approve();
    const record = await request.confirm();
    expect((await ensured).deviceId).to.equal(record.deviceId);
    expect(record.identity.privateKey).to.equal(null);
    expect((await a2.vault.loadDevice())!.identity.privateKey).to.equal(null);
    const bundle = (await hub.adapterFor(carol).fetchKeys([alice]))[0]!;
    expect(bundle.identityKey).to.equal(identityBefore);
    expect(bundle.devices.map((d) => d.deviceId)).to.include(record.deviceId);
    expect(await a2.security.devices.thisDevice()).to.deep.equal({
      kind: 'linked',
      deviceId: record.deviceId,
    });

    const listed = await a1.security.devices.listDevices();
    expect(listed.owner).to.equal(true);
    expect(listed.version).to.equal(2);
    expect(listed.devices.map((d) => [d.deviceId === record.deviceId, d.current])).to.deep.equal([
      [false, true],
      [true, false],
    ]);
    expect((await a2.security.devices.listDevices()).owner).to.equal(false);

    // History from before this browser existed is an expected failure; the next message includes it.
    await a2.engine.start();
    await a2.engine.openThread(threadId);
    await until(() => a2.state.$openThreadMessages.get().length === 1);
    const [old] = a2.state.$openThreadMessages.get();
    expect(old!.kind).to.equal('undecryptable');
    expect(old!.failure).to.deep.equal({ reason: 'device-added-later', expected: true });

    await c.engine.sendText(threadId, 'after the link');
    await until(() => texts(a2).includes('after the link'), 5000, 'the new browser reading the next message');
    await a2.engine.sendText(threadId, 'from the second browser');
    await until(() => texts(c).includes('from the second browser'), 5000, 'Carol reading the new browser');
    await a1.engine.openThread(threadId);
    await until(() => texts(a1).includes('from the second browser'), 5000, 'the first browser reading it');
    const reasons = (await hub.adapterFor(carol).listEpochs(threadId)).length;
    expect(reasons).to.equal(2);

    expect(c.changes.filter((change) => change.userId === alice).map((change) => change.kind)).to.deep.equal([
      'devices',
    ]);
    for (const b of stop) b.engine.stop();
  });

  it("catches a server that answers the first browser with its own device's keys: the codes differ, nothing is signed", async () => {
    const { hub, alice, carol, a1: honest, stop } = await setting();
    // The server plays the new device towards the first browser: its own keys, nonce and a matching commitment.
    const keys = await generateDeviceKeys();
    const entry = await deviceEntry(
      await deviceIdFor(keys.signing.publicKey),
      keys.signing.publicKey,
      keys.hpke.publicKey,
    );
    const nonce = linkNonce();
    const commitment = toBase64Url(await linkCommitment(alice, entry, nonce));
    const substitute = (request: LinkRequest): LinkRequest => ({
      ...request,
      device: {
        deviceId: entry.deviceId,
        signingKey: toBase64Url(entry.signingKey),
        hpkeKey: toBase64Url(entry.hpkeKey),
      },
      commitment,
      nonce: request.nonce ? toBase64Url(nonce) : null,
    });
    const wrap = (adapter: ChatAdapter): ChatAdapter =>
      new Proxy(adapter, {
        get(target, name) {
          if (name === 'getLinkRequest')
            return async (id: string) => substitute(await target.getLinkRequest(id));
          if (name === 'listLinkRequests')
            return async () => (await target.listLinkRequests()).map(substitute);
          const value = Reflect.get(target, name) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    const a1 = await browser(hub, alice, { wrap });
    // Same vault as the honest first browser: reopen it through the lying server.
    honest.engine.stop();
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    stop.push(a2);
    const before = (await hub.adapterFor(carol).fetchKeys([alice]))[0]!.signedDeviceList;

    const { request, owner, code } = await link(a1, a2);
    expect(owner.code).not.to.equal(code);
    // The user sees two different codes and says so on the first browser.
    await owner.deny();
    const error = await rejection(request.confirm());
    expect((error as DeviceLinkError).reason).to.equal('denied');
    expect((await hub.adapterFor(carol).fetchKeys([alice]))[0]!.signedDeviceList).to.equal(before);
    expect(await a2.vault.loadDevice()).to.equal(null);
    for (const b of stop) b.engine.stop();
  });

  it('refuses a request whose keys changed after the commitment, and signs nothing', async () => {
    const { hub, alice, carol, a1, stop } = await setting();
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    stop.push(a2);
    const before = (await hub.adapterFor(carol).fetchKeys([alice]))[0]!.signedDeviceList;
    const request = await a2.security.devices.linkThisDevice(FAST);
    // The server swaps in another HPKE key but cannot fix the commitment the new device made.
    const other = await generateDeviceKeys();
    const hpkeKey = toBase64Url(new Uint8Array(await crypto.subtle.exportKey('spki', other.hpke.publicKey)));
    const stored = (hub.links as unknown as { requests: Map<string, { request: LinkRequest }> }).requests;
    stored.get(request.requestId)!.request.device.hpkeKey = hpkeKey;
    request.code.catch(() => undefined);
    const error = await rejection(a1.security.devices.answerLink(request.requestId, FAST));
    expect((error as DeviceLinkError).reason).to.equal('commitment-mismatch');
    expect((await hub.adapterFor(carol).fetchKeys([alice]))[0]!.signedDeviceList).to.equal(before);
    expect(fromBase64Url(hpkeKey).length).to.be.greaterThan(0);
    for (const b of stop) b.engine.stop();
  });

  it('revokes a device: the thread starts a new epoch first, the revoked vault opens nothing sent after and seals nothing', async () => {
    const { hub, alice, a1, c, threadId, stop } = await setting();
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    stop.push(a2);
    const { request, owner } = await link(a1, a2);
    await owner.approve();
    const { deviceId } = await request.confirm();
    await a2.engine.start();
    await a2.engine.openThread(threadId);
    await c.engine.sendText(threadId, 'while both browsers are in');
    await until(() => texts(a2).includes('while both browsers are in'));
    const epochsBefore = (await hub.adapterFor(alice).listEpochs(threadId)).length;

    expect(
      (await rejection(
        a1.security.devices.revokeDevice((await a1.vault.loadDevice())!.deviceId),
      )) as DeviceLinkError,
    ).to.have.property('reason', 'self');
    expect((await rejection(a2.security.devices.revokeDevice(deviceId))) as DeviceLinkError).to.have.property(
      'reason',
      'not-owner',
    );
    await a1.security.devices.revokeDevice(deviceId);
    expect((await a1.security.devices.listDevices()).devices.map((d) => d.deviceId)).not.to.include(deviceId);
    expect(await a2.security.devices.thisDevice()).to.deep.equal({ kind: 'revoked', deviceId });

    await c.engine.sendText(threadId, 'after the revocation');
    const epochs = await hub.adapterFor(alice).listEpochs(threadId);
    expect(epochs.length).to.equal(epochsBefore + 1);
    await a1.engine.openThread(threadId);
    await until(() => texts(a1).includes('after the revocation'), 5000, 'the first browser reading it');
    await until(
      () => a2.state.$openThreadMessages.get().length === 3,
      5000,
      'the revoked browser receiving it',
    );
    const last = a2.state.$openThreadMessages.get().at(-1)!;
    expect(last.kind).to.equal('undecryptable');
    expect(last.text).to.equal('');
    expect(last.failure?.expected).to.equal(false);
    expect(JSON.stringify(a2.state.$events.get())).not.to.contain('after the revocation');

    // The revoked browser seals nothing any more; an envelope it makes by hand is refused by the others.
    const refused = await rejection(a2.engine.sendText(threadId, 'sealed by the revoked browser'));
    expect((refused as DeviceLinkError).reason).to.equal('revoked');
    const own = (await a2.vault.loadDevice())!;
    const held = (await a2.vault.epochKeys.get(threadId, epochsBefore))!;
    const forgedEnvelope = await sealEnvelope({
      header: {
        epoch: epochsBefore,
        sequence: 99,
        timestamp: Date.now(),
        threadId,
        senderUserId: alice,
        senderDeviceId: own.deviceId,
        clientMessageId: 'forged-by-revoked',
      },
      content: { type: 'text', text: 'from the revoked browser' },
      epochKey: held.key,
      signingKey: own.signing.privateKey,
    });
    await a2.adapter.sendMessage(threadId, {
      clientId: 'forged-by-revoked',
      body: { kind: 'envelope', envelope: toBase64Url(forgedEnvelope) },
    });
    await until(() => c.state.$openThreadMessages.get().length === 4, 5000, 'Carol receiving it');
    const forged = c.state.$openThreadMessages.get().at(-1)!;
    expect(forged.kind).to.equal('undecryptable');
    expect(forged.failure).to.deep.equal({ reason: 'device-unknown', expected: false });
    for (const b of stop) b.engine.stop();
  });

  it('refuses a device list older than one seen (a server putting a revoked device back)', async () => {
    const { hub, alice, carol, a1, c, threadId, stop } = await setting();
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    stop.push(a2);
    const { request, owner } = await link(a1, a2);
    await owner.approve();
    const { deviceId } = await request.confirm();
    const withSecond = (await hub.adapterFor(carol).fetchKeys([alice]))[0]!;
    await c.engine.sendText(threadId, 'Carol has seen version 2');
    await a1.security.devices.revokeDevice(deviceId);
    await c.engine.sendText(threadId, 'Carol has seen version 3');
    // The server now hands out version 2 again.
    await hub.adapterFor(alice).publishKeys({
      identityKey: withSecond.identityKey,
      signedDeviceList: withSecond.signedDeviceList,
      devices: withSecond.devices,
    });
    const error = await rejection(c.engine.sendText(threadId, 'never sealed to the revoked browser'));
    expect((error as { reason?: string }).reason).to.equal('replayed');
    expect(await a1.security.devices.listDevices().catch((e: { reason: string }) => e.reason)).to.equal(
      'replayed',
    );
    for (const b of stop) b.engine.stop();
  });

  it('ends a link nobody finished within its lifetime: both sides see it expired and nothing is stored', async () => {
    const { hub, alice, carol, a1, stop } = await setting();
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    stop.push(a2);
    const before = (await hub.adapterFor(carol).fetchKeys([alice]))[0]!.signedDeviceList;
    const request = await a2.security.devices.linkThisDevice(FAST);
    hub.links.now = () => Date.now() + 6 * 60 * 1000;
    expect(((await rejection(request.code)) as DeviceLinkError).reason).to.equal('expired');
    expect(
      ((await rejection(a1.security.devices.answerLink(request.requestId, FAST))) as DeviceLinkError).reason,
    ).to.equal('expired');
    expect(await a1.security.devices.pendingLinks()).to.deep.equal([]);
    expect(await a2.vault.loadDevice()).to.equal(null);
    expect((await hub.adapterFor(carol).fetchKeys([alice]))[0]!.signedDeviceList).to.equal(before);
    for (const b of stop) b.engine.stop();
  });

  it('refuses to link a browser that already holds a device, and a linked one cannot answer a request', async () => {
    const { hub, alice, a1, stop } = await setting();
    expect(((await rejection(a1.security.devices.linkThisDevice(FAST))) as DeviceLinkError).reason).to.equal(
      'vault-not-empty',
    );
    const a2 = await browser(hub, alice, { scope: 'second-browser', fresh: true });
    const a3 = await browser(hub, alice, { scope: 'third-browser', fresh: true });
    stop.push(a2, a3);
    const { request, owner } = await link(a1, a2);
    await owner.approve();
    await request.confirm();
    const third = await a3.security.devices.linkThisDevice(FAST);
    third.code.catch(() => undefined);
    expect(
      ((await rejection(a2.security.devices.answerLink(third.requestId, FAST))) as DeviceLinkError).reason,
    ).to.equal('not-owner');
    await third.cancel();
    expect((await hub.adapterFor(alice).listLinkRequests()).some((r) => r.id === third.requestId)).to.equal(
      false,
    );
    for (const b of stop) b.engine.stop();
  });
});
