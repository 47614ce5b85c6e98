import { expect } from '@open-wc/testing';
import { AdapterError, type MessageRecord, type OutgoingMessage } from '../../src/adapter/types.js';
import { Outbox } from '../../src/engine/outbox.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { cleanUpVaults, openTestVault, uniqueUserId } from '../vault/helpers.js';

/** A backend neighbour that is offline until told otherwise, and stores by client id when online. */
function backend() {
  const stored = new Map<string, MessageRecord>();
  let online = false;
  return {
    stored,
    goOnline: () => (online = true),
    async sendMessage(threadId: string, message: OutgoingMessage): Promise<MessageRecord> {
      if (!online) throw new AdapterError('network', 'offline');
      const record = stored.get(message.clientId) ?? {
        id: `s${stored.size + 1}`,
        threadId,
        clientId: message.clientId,
        senderId: 'alice',
        seq: stored.size + 1,
        createdAt: new Date().toISOString(),
        body: message.body,
      };
      stored.set(message.clientId, record);
      return record;
    },
  };
}

describe('the outbox kept in the vault', () => {
  afterEach(cleanUpVaults);

  it('sends after a reload what was typed while offline, once, in order', async () => {
    const userId = uniqueUserId('outbox');
    const server = backend();
    const before = await openTestVault(userId);
    const first = new Outbox(vaultOutboxStore(before), server, { baseDelayMs: 60_000 });
    for (const [index, text] of ['one', 'two', 'three'].entries()) {
      await first.enqueue({
        clientId: `c${index}`,
        threadId: 't1',
        body: { kind: 'plain', content: { type: 'text', text } },
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
      });
    }
    first.stop();
    before.close();

    // A new page load: a fresh vault connection and a fresh outbox, now online.
    const after = await openTestVault(userId);
    server.goOnline();
    await new Outbox(vaultOutboxStore(after), server).flush();
    expect([...server.stored.keys()]).to.deep.equal(['c0', 'c1', 'c2']);
    expect(await after.outbox.list()).to.deep.equal([]);
  });

  it('stores an envelope as it was sealed, so a retry resends the same bytes', async () => {
    const vault = await openTestVault(uniqueUserId('outbox'));
    const store = vaultOutboxStore(vault);
    const item = {
      clientId: 'e1',
      threadId: 't1',
      body: { kind: 'envelope' as const, envelope: 'AQEAAAAB' },
      createdAt: new Date().toISOString(),
      attempts: 1,
      status: 'pending' as const,
      lastError: { code: 'network' },
    };
    await store.put(item);
    expect(await store.list()).to.deep.equal([item]);
    const raw = await vault.outbox.get('e1');
    expect(raw?.payload).to.deep.equal({ kind: 'envelope', envelope: 'AQEAAAAB' });
  });
});
