import type { MessageBody } from '../adapter/types.js';
import type { Vault } from '../vault/index.js';
import type { OutboxItem, OutboxStore } from './outbox.js';

/**
 * The engine's outbox persisted in the vault, so a send survives a reload. An encrypted thread's item is
 * stored sealed: the vault holds its envelope, never its plaintext.
 */
export function vaultOutboxStore(vault: Vault): OutboxStore {
  return {
    async list() {
      const records = await vault.outbox.list();
      return records.map((record): OutboxItem => {
        const body: MessageBody =
          record.payload.kind === 'envelope'
            ? { kind: 'envelope', envelope: record.payload.envelope }
            : (record.payload.content as MessageBody);
        return {
          clientId: record.clientId,
          threadId: record.threadId,
          body,
          createdAt: new Date(record.createdAt).toISOString(),
          attempts: record.attempts,
          status: record.status === 'failed' ? 'failed' : 'pending',
          ...(record.lastError ? { lastError: JSON.parse(record.lastError) as OutboxItem['lastError'] } : {}),
        };
      });
    },
    async put(item) {
      const payload =
        item.body.kind === 'envelope'
          ? { kind: 'envelope' as const, envelope: item.body.envelope }
          : { kind: 'content' as const, content: item.body };
      const existing = await vault.outbox.get(item.clientId);
      if (!existing) {
        await vault.outbox.enqueue({
          clientId: item.clientId,
          threadId: item.threadId,
          payload,
          createdAt: Date.parse(item.createdAt),
        });
      }
      await vault.outbox.update(item.clientId, {
        attempts: item.attempts,
        status: item.status,
        payload,
        ...(item.lastError ? { lastError: JSON.stringify(item.lastError) } : {}),
      });
    },
    delete(clientId) {
      return vault.outbox.remove(clientId);
    },
  };
}
