import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { AdapterError, type LiveEvent } from '../../src/adapter/types.js';

function world() {
  const hub = new MemoryHub({ capabilities: { maxUploadBytes: 1000 } });
  for (const id of ['alice', 'bob', 'eve'])
    hub.addUser({ id, displayName: id[0]!.toUpperCase() + id.slice(1) });
  return { hub, alice: hub.adapterFor('alice'), bob: hub.adapterFor('bob'), eve: hub.adapterFor('eve') };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AdapterError) return error.code;
    throw error;
  }
}

const text = (t: string) => ({ kind: 'plain' as const, content: { type: 'text' as const, text: t } });

describe('MemoryAdapter', () => {
  it('stores a message sent ten times with one client id once', async () => {
    const { alice } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => alice.sendMessage(thread.id, { clientId: 'same', body: text('hi') })),
    );
    expect(new Set(results.map((r) => r.id)).size).to.equal(1);
    expect((await alice.listMessages(thread.id)).items).to.have.length(1);
  });

  it('lets one of two racing writers create an epoch and hands the other the winner', async () => {
    const { alice, bob } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: true });
    const upload = (announcement: string) => ({ threadId: thread.id, epoch: 1, announcement, sealed: [] });
    const [a, b] = await Promise.all([alice.putEpochKeys(upload('A')), bob.putEpochKeys(upload('B'))]);
    expect([a.status, b.status].sort()).to.deep.equal(['conflict', 'created']);
    expect(a.epoch.announcement).to.equal(b.epoch.announcement);
  });

  it('refuses a non-participant: messages, history and blobs', async () => {
    const { alice, eve } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    const blob = await alice.uploadBlob(thread.id, new Blob(['x']));
    expect(await codeOf(eve.listMessages(thread.id))).to.equal('forbidden');
    expect(await codeOf(eve.sendMessage(thread.id, { clientId: 'c', body: text('hi') }))).to.equal(
      'forbidden',
    );
    expect(await codeOf(eve.downloadBlob(thread.id, blob.blobId))).to.equal('forbidden');
  });

  it('refuses plaintext and malformed envelopes in an encrypted thread, and keeps encryption one-way', async () => {
    const { alice } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    await alice.enableEncryption(thread.id);
    expect(await codeOf(alice.sendMessage(thread.id, { clientId: 'c', body: text('oops') }))).to.equal(
      'encryption-required',
    );
    const bogus = { kind: 'envelope' as const, envelope: 'AQEAAAAB' };
    expect(await codeOf(alice.sendMessage(thread.id, { clientId: 'c', body: bogus }))).to.equal('invalid');
    expect((await alice.enableEncryption(thread.id)).encrypted).to.equal(true);
  });

  it('pages history by cursor in both directions', async () => {
    const { alice } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    for (let i = 1; i <= 5; i++)
      await alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
    const newest = await alice.listMessages(thread.id, { limit: 2 });
    expect(newest.items.map((m) => m.seq)).to.deep.equal([5, 4]);
    const older = await alice.listMessages(thread.id, { before: newest.next!, limit: 2 });
    expect(older.items.map((m) => m.seq)).to.deep.equal([3, 2]);
    const after = await alice.listMessages(thread.id, { after: '2', limit: 10 });
    expect(after.items.map((m) => m.seq)).to.deep.equal([3, 4, 5]);
  });

  it('delivers live events in order and resumes after a cursor without repeats', async () => {
    const { alice, bob } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    const seen: LiveEvent[] = [];
    const first = bob.subscribe((e) => seen.push(e));
    await alice.sendMessage(thread.id, { clientId: 'c1', body: text('one') });
    await new Promise((r) => setTimeout(r, 0));
    first.unsubscribe();
    const lastCursor = seen.at(-1)!.cursor;
    await alice.sendMessage(thread.id, { clientId: 'c2', body: text('two') });
    const resumed: LiveEvent[] = [];
    bob.subscribe((e) => resumed.push(e), { after: lastCursor });
    await new Promise((r) => setTimeout(r, 0));
    const texts = resumed.flatMap((e) =>
      e.type === 'message' && e.message.body.kind === 'plain' && e.message.body.content.type === 'text'
        ? [e.message.body.content.text]
        : [],
    );
    expect(texts).to.deep.equal(['two']);
  });

  it('counts unread messages and clears them on read', async () => {
    const { alice, bob } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    await alice.sendMessage(thread.id, { clientId: 'c1', body: text('one') });
    await alice.sendMessage(thread.id, { clientId: 'c2', body: text('two') });
    expect((await bob.getThread(thread.id)).unreadCount).to.equal(2);
    await bob.markRead(thread.id, 2);
    expect((await bob.getThread(thread.id)).unreadCount).to.equal(0);
  });

  it('refuses an oversized blob and a cancelled upload', async () => {
    const { alice } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    expect(await codeOf(alice.uploadBlob(thread.id, new Blob([new Uint8Array(1001)])))).to.equal('too-large');
    const controller = new AbortController();
    controller.abort();
    expect(
      await codeOf(alice.uploadBlob(thread.id, new Blob(['x']), { signal: controller.signal })),
    ).to.equal('aborted');
  });
});
