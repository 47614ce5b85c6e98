import type { VaultConnection } from './connection.js';
import { VaultError } from './errors.js';
import type { OutboxPayload, OutboxRecord } from './schema.js';

export interface NewOutboxItem {
  clientId: string;
  threadId: string;
  payload: OutboxPayload;
  createdAt?: number;
}

export type OutboxPatch = Partial<Pick<OutboxRecord, 'attempts' | 'status' | 'lastError' | 'payload'>>;

/** Messages waiting to be sent, in the order they were written; they survive a reload. */
export class OutboxStore {
  constructor(private readonly connection: VaultConnection) {}

  /** Queues a message. A second item with the same client id throws VaultError('duplicate'). */
  enqueue(item: NewOutboxItem): Promise<OutboxRecord> {
    const record: OutboxRecord = {
      clientId: item.clientId,
      threadId: item.threadId,
      payload: item.payload,
      attempts: 0,
      status: 'pending',
      createdAt: item.createdAt ?? Date.now(),
    };
    return this.connection.run(async (db) => {
      const order = await db.add('outbox', record);
      return { ...record, order };
    });
  }

  /** Pending items in insertion order, for one thread or all. */
  list(threadId?: string): Promise<OutboxRecord[]> {
    return this.connection.run(async (db) => {
      if (threadId === undefined) return db.getAll('outbox');
      const items = await db.getAllFromIndex('outbox', 'byThread', threadId);
      return items.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    });
  }

  get(clientId: string): Promise<OutboxRecord | undefined> {
    return this.connection.run((db) => db.getFromIndex('outbox', 'byClientId', clientId));
  }

  update(clientId: string, patch: OutboxPatch): Promise<OutboxRecord> {
    return this.connection.run(async (db) => {
      const tx = db.transaction('outbox', 'readwrite');
      const existing = await tx.store.index('byClientId').get(clientId);
      if (!existing) throw new VaultError('not-found', `No queued message ${clientId}`);
      const updated = { ...existing, ...patch };
      await tx.store.put(updated);
      await tx.done;
      return updated;
    });
  }

  /** Removes a sent (or abandoned) message; removing one that is gone is not an error. */
  remove(clientId: string): Promise<void> {
    return this.connection.run(async (db) => {
      const tx = db.transaction('outbox', 'readwrite');
      const key = await tx.store.index('byClientId').getKey(clientId);
      if (key !== undefined) await tx.store.delete(key);
      await tx.done;
    });
  }
}
