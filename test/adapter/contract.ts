/**
 * One contract, every adapter: the behaviours a backend must show through `ChatAdapter`, run against the
 * MemoryAdapter and (in the browser, over loopback) the HttpAdapter talking to the reference server.
 */
import { expect } from '@open-wc/testing';
import { AdapterError, type ChatAdapter, type LiveEvent, type MessageBody } from '../../src/adapter/types.js';
import { until } from '../until.js';

export { until };

/** Three users who share nothing yet; `maxUploadBytes` is the backend's blob limit, kept small for the test. */
export interface AdapterWorld {
  alice: ChatAdapter;
  bob: ChatAdapter;
  eve: ChatAdapter;
  ids: { alice: string; bob: string; eve: string };
  maxUploadBytes: number;
}

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AdapterError) return error.code;
    throw error;
  }
}

export const text = (t: string): MessageBody => ({ kind: 'plain', content: { type: 'text', text: t } });

export const textOf = (body: MessageBody): string | null =>
  body.kind === 'plain' && body.content.type === 'text' ? body.content.text : null;

/** A structurally valid protocol-v1 envelope (PROTOCOL.md): the backend checks the header, not the crypto. */
export function fakeEnvelope(threadId: string, senderId: string, clientId: string, epoch = 1): string {
  const enc = new TextEncoder();
  const field = (s: string) => {
    const b = enc.encode(s);
    return [b.length, ...b];
  };
  const head = new Uint8Array(18);
  const view = new DataView(head.buffer);
  head[0] = 1;
  head[1] = 1;
  view.setUint32(2, epoch);
  view.setUint32(6, 1);
  view.setBigUint64(10, BigInt(Date.now()));
  const ciphertext = crypto.getRandomValues(new Uint8Array(32));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, ciphertext.length);
  const bytes = new Uint8Array([
    ...head,
    ...field(threadId),
    ...field(senderId),
    ...field('device-1'),
    ...field(clientId),
    ...crypto.getRandomValues(new Uint8Array(12)),
    ...length,
    ...ciphertext,
    ...new Uint8Array(64),
  ]);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const device = (id: string) => ({ deviceId: id, signingKey: `sig-${id}`, hpkeKey: `hpke-${id}` });

export function runAdapterContract(name: string, makeWorld: () => Promise<AdapterWorld>): void {
  describe(`${name}: the ChatAdapter contract`, () => {
    let w: AdapterWorld;
    beforeEach(async () => {
      w = await makeWorld();
    });
    const plainThread = (participants = [w.ids.bob]) =>
      w.alice.createThread({ title: 'Plain', participantIds: participants, encrypted: false });

    it('reports the session user and the site capabilities', async () => {
      const session = await w.alice.getSession();
      expect(session.user.id).to.equal(w.ids.alice);
      expect(session.capabilities.maxUploadBytes).to.equal(w.maxUploadBytes);
      expect(session.capabilities.encryptionEnabled).to.be.a('boolean');
    });

    it('lists threads in pages that together hold each thread once', async () => {
      const created = [];
      for (let i = 0; i < 3; i++) created.push((await plainThread()).id);
      const first = await w.alice.listThreads({ limit: 2 });
      expect(first.items).to.have.length(2);
      expect(first.next).to.be.a('string');
      const second = await w.alice.listThreads({ cursor: first.next!, limit: 2 });
      const all = [...first.items, ...second.items].map((t) => t.id);
      expect(all.sort()).to.deep.equal(created.sort());
      expect(second.next).to.equal(null);
    });

    it('gets a thread, renames it and changes its participants', async () => {
      const thread = await plainThread();
      expect((await w.bob.getThread(thread.id)).createdBy).to.equal(w.ids.alice);
      expect((await w.alice.setTitle(thread.id, 'Renamed')).title).to.equal('Renamed');
      const added = await w.alice.addParticipants(thread.id, [w.ids.eve]);
      expect(added.participants.map((p) => p.userId)).to.include(w.ids.eve);
      expect((await w.eve.getThread(thread.id)).title).to.equal('Renamed');
      const removed = await w.alice.removeParticipant(thread.id, w.ids.bob);
      expect(removed.participants.map((p) => p.userId)).not.to.include(w.ids.bob);
      expect(await codeOf(w.bob.getThread(thread.id))).to.equal('forbidden');
    });

    it('turns encryption on one way: enabling again changes nothing', async () => {
      const thread = await plainThread();
      const on = await w.alice.enableEncryption(thread.id);
      expect(on.encrypted).to.equal(true);
      const again = await w.bob.enableEncryption(thread.id);
      expect(again.encrypted).to.equal(true);
      expect(again.encryptedAt).to.equal(on.encryptedAt);
    });

    it('stores a message sent ten times with one client id once', async () => {
      const thread = await plainThread();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          w.alice.sendMessage(thread.id, { clientId: 'same', body: text('hi') }),
        ),
      );
      expect(new Set(results.map((r) => r.id)).size).to.equal(1);
      expect((await w.bob.listMessages(thread.id)).items).to.have.length(1);
    });

    it('pages history by cursor in both directions', async () => {
      const thread = await plainThread();
      for (let i = 1; i <= 5; i++)
        await w.alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
      const newest = await w.bob.listMessages(thread.id, { limit: 2 });
      expect(newest.items.map((m) => m.seq)).to.deep.equal([5, 4]);
      const older = await w.bob.listMessages(thread.id, { before: newest.next!, limit: 2 });
      expect(older.items.map((m) => m.seq)).to.deep.equal([3, 2]);
      const oldest = await w.bob.listMessages(thread.id, { before: older.next!, limit: 2 });
      expect(oldest.items.map((m) => m.seq)).to.deep.equal([1]);
      expect(oldest.next).to.equal(null);
      // A cursor names a position, so one handed back while paging back also pages forward from there.
      const forward = await w.bob.listMessages(thread.id, { after: older.next!, limit: 2 });
      expect(forward.items.map((m) => m.seq)).to.deep.equal([3, 4]);
      const rest = await w.bob.listMessages(thread.id, { after: forward.next!, limit: 2 });
      expect(rest.items.map((m) => m.seq)).to.deep.equal([5]);
      expect(rest.next).to.equal(null);
    });

    it('publishes a key bundle that others fetch', async () => {
      await w.bob.publishKeys({
        identityKey: 'id-bob',
        signedDeviceList: 'list-bob',
        devices: [device('bob-d1')],
      });
      const [bundle] = await w.alice.fetchKeys([w.ids.bob]);
      expect(bundle?.userId).to.equal(w.ids.bob);
      expect(bundle?.devices.map((d) => d.deviceId)).to.deep.equal(['bob-d1']);
    });

    it('lets one of two racing writers create an epoch and hands the other the winner', async () => {
      const thread = await w.alice.createThread({ title: 'E', participantIds: [w.ids.bob], encrypted: true });
      const upload = (announcement: string) => ({ threadId: thread.id, epoch: 1, announcement, sealed: [] });
      const [a, b] = await Promise.all([
        w.alice.putEpochKeys(upload('QQ')),
        w.bob.putEpochKeys(upload('Qg')),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal(['conflict', 'created']);
      expect(a.epoch.announcement).to.equal(b.epoch.announcement);
      expect((await w.alice.listEpochs(thread.id)).map((e) => e.epoch)).to.deep.equal([1]);
    });

    it('hands sealed keys to their recipient and adds only those a recipient lacks', async () => {
      await w.bob.publishKeys({ identityKey: 'id-bob', signedDeviceList: 'l', devices: [device('bob-d1')] });
      const thread = await w.alice.createThread({ title: 'E', participantIds: [w.ids.bob], encrypted: true });
      await w.alice.putEpochKeys({
        threadId: thread.id,
        epoch: 1,
        announcement: 'YW5u',
        sealed: [{ recipientId: 'bob-d1', sealed: 'Zmlyc3Q' }],
      });
      await w.alice.addSealedKeys(thread.id, 1, [
        { recipientId: 'bob-d1', sealed: 'c2Vjb25k' },
        { recipientId: 'bob-d2', sealed: 'bGF0ZQ' },
      ]);
      const keys = await w.bob.getSealedKeys('bob-d1', { threadId: thread.id });
      expect(keys.map((k) => [k.epoch, k.sealed, k.announcement])).to.deep.equal([[1, 'Zmlyc3Q', 'YW5u']]);
      expect(await codeOf(w.eve.getSealedKeys('bob-d1'))).to.equal('forbidden');
    });

    it('refuses a non-participant: thread, messages, history and blobs', async () => {
      const thread = await plainThread();
      const blob = await w.alice.uploadBlob(thread.id, new Blob(['x']));
      expect(await codeOf(w.eve.getThread(thread.id))).to.equal('forbidden');
      expect(await codeOf(w.eve.listMessages(thread.id))).to.equal('forbidden');
      expect(await codeOf(w.eve.sendMessage(thread.id, { clientId: 'c', body: text('hi') }))).to.equal(
        'forbidden',
      );
      expect(await codeOf(w.eve.downloadBlob(thread.id, blob.blobId))).to.equal('forbidden');
      expect((await w.eve.listThreads()).items).to.have.length(0);
    });

    it('accepts only well-formed envelopes in an encrypted thread', async () => {
      const thread = await w.alice.createThread({ title: 'E', participantIds: [w.ids.bob], encrypted: true });
      const send = (clientId: string, body: MessageBody) =>
        w.alice.sendMessage(thread.id, { clientId, body });
      expect(await codeOf(send('p', text('oops')))).to.equal('encryption-required');
      expect(await codeOf(send('b', { kind: 'envelope', envelope: 'AQEAAAAB' }))).to.equal('invalid');
      const envelope = fakeEnvelope(thread.id, w.ids.alice, 'good');
      const stored = await send('good', { kind: 'envelope', envelope });
      expect(stored.body).to.deep.equal({ kind: 'envelope', envelope });
    });

    it('delivers live events to a participant in order', async () => {
      const thread = await plainThread();
      const seen: LiveEvent[] = [];
      const subscription = w.bob.subscribe((e) => seen.push(e));
      try {
        await new Promise((r) => setTimeout(r, 300)); // let a network transport attach before sending
        for (let i = 1; i <= 5; i++)
          await w.alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
        const texts = () => seen.flatMap((e) => (e.type === 'message' ? [textOf(e.message.body)] : []));
        await until(() => texts().length >= 5, 5000, 'five messages');
        expect(texts()).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
      } finally {
        subscription.unsubscribe();
      }
    });

    it('counts unread messages per reader and clears them on read', async () => {
      const thread = await plainThread();
      await w.alice.sendMessage(thread.id, { clientId: 'c1', body: text('one') });
      await w.alice.sendMessage(thread.id, { clientId: 'c2', body: text('two') });
      expect((await w.bob.getThread(thread.id)).unreadCount).to.equal(2);
      expect((await w.alice.getThread(thread.id)).unreadCount).to.equal(0);
      await w.bob.markRead(thread.id, 1);
      expect((await w.bob.getThread(thread.id)).unreadCount).to.equal(1);
      await w.bob.markRead(thread.id, 2);
      const after = await w.bob.getThread(thread.id);
      expect(after.unreadCount).to.equal(0);
      expect(after.participants.find((p) => p.userId === w.ids.bob)?.readUpTo).to.equal(2);
    });

    it('tells the other participants who is typing', async () => {
      const thread = await plainThread();
      const seen: LiveEvent[] = [];
      const subscription = w.bob.subscribe((e) => seen.push(e));
      try {
        await new Promise((r) => setTimeout(r, 300));
        await w.alice.sendTyping(thread.id);
        await until(() => seen.some((e) => e.type === 'typing'), 5000, 'a typing event');
        expect(seen.find((e) => e.type === 'typing')).to.include({
          threadId: thread.id,
          userId: w.ids.alice,
        });
      } finally {
        subscription.unsubscribe();
      }
    });

    it('round-trips a blob with progress', async () => {
      const thread = await plainThread();
      const bytes = crypto.getRandomValues(new Uint8Array(Math.min(w.maxUploadBytes, 4096)));
      const upProgress: number[] = [];
      const ref = await w.alice.uploadBlob(thread.id, new Blob([bytes]), {
        onProgress: (loaded) => upProgress.push(loaded),
      });
      expect(ref.size).to.equal(bytes.length);
      expect(upProgress.at(-1)).to.equal(bytes.length);
      const downProgress: number[] = [];
      const back = await w.bob.downloadBlob(thread.id, ref.blobId, {
        onProgress: (loaded) => downProgress.push(loaded),
      });
      expect(new Uint8Array(await back.arrayBuffer())).to.deep.equal(bytes);
      expect(downProgress.at(-1)).to.equal(bytes.length);
    });

    it('refuses a blob over the size limit as too-large', async () => {
      const thread = await plainThread();
      const big = new Blob([new Uint8Array(w.maxUploadBytes + 1)]);
      expect(await codeOf(w.alice.uploadBlob(thread.id, big))).to.equal('too-large');
    });

    it('walks a link request through its steps for its own user only, refusing steps out of order', async () => {
      const key = (n: number) =>
        btoa(String.fromCharCode(...new Uint8Array(32).fill(n))).replace(/[+/=]/g, 'A');
      const device = { deviceId: `new-${crypto.randomUUID()}`, signingKey: key(1), hpkeKey: key(2) };
      const created = await w.alice.createLinkRequest({ device, commitment: key(3) });
      expect(created.status).to.equal('pending');
      expect(created.device).to.deep.equal(device);
      expect((await w.alice.listLinkRequests()).map((r) => r.id)).to.include(created.id);
      expect((await w.bob.listLinkRequests()).map((r) => r.id)).not.to.include(created.id);
      const foreign = await w.bob.getLinkRequest(created.id).catch((e: AdapterError) => e);
      expect([(foreign as AdapterError).code, (foreign as AdapterError).reason]).to.deep.equal([
        'not-found',
        'unknown-link-request',
      ]);
      const early = await w.alice
        .advanceLinkRequest(created.id, { step: 'approve' })
        .catch((e: AdapterError) => e);
      expect([(early as AdapterError).code, (early as AdapterError).reason]).to.deep.equal([
        'conflict',
        'link-state',
      ]);
      const answer = { identityKey: key(4), nonce: key(5) };
      expect(
        (await w.alice.advanceLinkRequest(created.id, { step: 'answer', ...answer })).answer,
      ).to.deep.equal(answer);
      const revealed = await w.alice.advanceLinkRequest(created.id, { step: 'reveal', nonce: key(6) });
      expect([revealed.status, revealed.nonce]).to.deep.equal(['revealed', key(6)]);
      expect((await w.alice.advanceLinkRequest(created.id, { step: 'approve' })).status).to.equal('approved');
      expect((await w.alice.getLinkRequest(created.id)).status).to.equal('approved');
      await w.alice.deleteLinkRequest(created.id);
      expect(await codeOf(w.alice.getLinkRequest(created.id))).to.equal('not-found');
    });

    it('reports a cancelled transfer as aborted', async () => {
      const thread = await plainThread();
      const controller = new AbortController();
      controller.abort();
      const upload = w.alice.uploadBlob(thread.id, new Blob(['x']), { signal: controller.signal });
      expect(await codeOf(upload)).to.equal('aborted');
      const ref = await w.alice.uploadBlob(thread.id, new Blob(['y']));
      expect(
        await codeOf(w.alice.downloadBlob(thread.id, ref.blobId, { signal: controller.signal })),
      ).to.equal('aborted');
    });
  });
}
