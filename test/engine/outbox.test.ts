import { expect } from '@open-wc/testing';
import {
  AdapterError,
  type MessageRecord,
  type OutgoingMessage,
  type ThreadId,
} from '../../src/adapter/types.js';
import { Outbox, type OutboxItem, type OutboxStore } from '../../src/engine/outbox.js';

/** The outbox's neighbours: a store in memory and a backend that stores by client id, as the server does. */
class MemoryStore implements OutboxStore {
  items = new Map<string, OutboxItem>();
  async list() {
    return [...this.items.values()];
  }
  async put(item: OutboxItem) {
    this.items.set(item.clientId, structuredClone(item));
  }
  async delete(clientId: string) {
    this.items.delete(clientId);
  }
}

class Backend {
  stored = new Map<string, MessageRecord>();
  calls: string[] = [];
  failures: AdapterError[] = [];
  async sendMessage(threadId: ThreadId, message: OutgoingMessage): Promise<MessageRecord> {
    this.calls.push(message.clientId);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const existing = this.stored.get(message.clientId);
    if (existing) return existing;
    const record: MessageRecord = {
      id: `s${this.stored.size + 1}`,
      threadId,
      clientId: message.clientId,
      senderId: 'alice',
      seq: this.stored.size + 1,
      createdAt: new Date().toISOString(),
      body: message.body,
    };
    this.stored.set(message.clientId, record);
    return record;
  }
}

const item = (clientId: string, threadId = 't1', at = 0) => ({
  clientId,
  threadId,
  body: { kind: 'plain' as const, content: { type: 'text' as const, text: clientId } },
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
});

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Outbox', () => {
  it('removes an item from the store only after the server acknowledged it', async () => {
    const store = new MemoryStore();
    const backend = new Backend();
    const outbox = new Outbox(store, backend);
    await outbox.enqueue(item('c1'));
    expect(backend.stored.has('c1')).to.equal(true);
    expect(store.items.size).to.equal(0);
  });

  it('keeps an item through a network failure and sends it once the network is back', async () => {
    const store = new MemoryStore();
    const backend = new Backend();
    backend.failures.push(new AdapterError('network', 'offline'));
    const outbox = new Outbox(store, backend, { baseDelayMs: 10, random: () => 0 });
    await outbox.enqueue(item('c1'));
    expect(store.items.get('c1')?.status).to.equal('pending');
    expect(store.items.get('c1')?.lastError?.code).to.equal('network');
    await tick(50);
    expect(store.items.size).to.equal(0);
    expect([...backend.stored.keys()]).to.deep.equal(['c1']);
    outbox.stop();
  });

  it('resends the same client id after a lost acknowledgement, and the message is stored once', async () => {
    const store = new MemoryStore();
    const backend = new Backend();
    const outbox = new Outbox(store, backend, { baseDelayMs: 10, random: () => 0 });
    // The server stores the message, then the response is lost.
    const original = backend.sendMessage.bind(backend);
    let lose = true;
    backend.sendMessage = async (threadId, message) => {
      const record = await original(threadId, message);
      if (lose) {
        lose = false;
        throw new AdapterError('network', 'connection reset');
      }
      return record;
    };
    await outbox.enqueue(item('c1'));
    await tick(50);
    expect(backend.calls).to.deep.equal(['c1', 'c1']);
    expect(backend.stored.size).to.equal(1);
    expect(store.items.size).to.equal(0);
    outbox.stop();
  });

  it('marks an item failed on a permanent error, keeps it, and sends it when the user retries', async () => {
    const store = new MemoryStore();
    const backend = new Backend();
    backend.failures.push(new AdapterError('forbidden', 'not a participant', 403, 'not-a-participant'));
    const outbox = new Outbox(store, backend);
    const updates: string[] = [];
    outbox.onUpdate((update) => updates.push(update.type));
    await outbox.enqueue(item('c1'));
    expect(store.items.get('c1')?.status).to.equal('failed');
    expect(store.items.get('c1')?.lastError).to.deep.equal({
      code: 'forbidden',
      reason: 'not-a-participant',
    });
    await outbox.retry('c1');
    expect(store.items.size).to.equal(0);
    expect(updates).to.deep.equal(['failed', 'sent']);
  });

  it("keeps a thread's order: a later message waits while an earlier one is retrying", async () => {
    const store = new MemoryStore();
    const backend = new Backend();
    backend.failures.push(new AdapterError('server', 'busy', 503));
    const outbox = new Outbox(store, backend, { baseDelayMs: 10, random: () => 0 });
    await store.put({ ...item('first', 't1', 1), attempts: 0, status: 'pending' });
    await store.put({ ...item('other-thread', 't2', 2), attempts: 0, status: 'pending' });
    await store.put({ ...item('second', 't1', 3), attempts: 0, status: 'pending' });
    await outbox.flush();
    expect([...backend.stored.keys()]).to.deep.equal(['other-thread']);
    await tick(50);
    expect([...backend.stored.keys()]).to.deep.equal(['other-thread', 'first', 'second']);
    outbox.stop();
  });

  it('sends what a previous page load left in the store when flushed after a reload', async () => {
    const store = new MemoryStore();
    await store.put({ ...item('left-over'), attempts: 2, status: 'pending' });
    const backend = new Backend();
    await new Outbox(store, backend).flush();
    expect([...backend.stored.keys()]).to.deep.equal(['left-over']);
  });

  it('shares one pass between concurrent flushes, so nothing is sent twice', async () => {
    const store = new MemoryStore();
    const backend = new Backend();
    for (let i = 0; i < 5; i++)
      await store.put({ ...item(`c${i}`, 't1', i), attempts: 0, status: 'pending' });
    const outbox = new Outbox(store, backend);
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()]);
    expect(backend.calls).to.deep.equal(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('tries a background pass again later when the store cannot be read, and not at all once stopped', async () => {
    const store = new MemoryStore();
    await store.put({ ...item('kept'), attempts: 0, status: 'pending' });
    const backend = new Backend();
    let unreadable = 1;
    const flaky: OutboxStore = {
      list: () =>
        unreadable-- > 0 ? Promise.reject(new Error('The vault connection is closed')) : store.list(),
      put: (i) => store.put(i),
      delete: (id) => store.delete(id),
    };
    const rejections: unknown[] = [];
    const onRejection = (event: PromiseRejectionEvent) => rejections.push(event.reason);
    window.addEventListener('unhandledrejection', onRejection);
    try {
      const outbox = new Outbox(flaky, backend, { maxDelayMs: 30 });
      outbox.flushLater();
      for (let i = 0; i < 100 && backend.stored.size === 0; i++) await tick(10);
      expect([...backend.stored.keys()]).to.deep.equal(['kept']);

      await store.put({ ...item('after-stop'), attempts: 0, status: 'pending' });
      unreadable = 1;
      outbox.flushLater();
      outbox.stop();
      await tick(100);
      expect(backend.calls).to.deep.equal(['kept']);
      expect(rejections).to.deep.equal([]);
    } finally {
      window.removeEventListener('unhandledrejection', onRejection);
    }
  });
});
