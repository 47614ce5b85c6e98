import { assertNonExtractable, type VaultConnection } from './connection.js';
import { VaultError } from './errors.js';
import type { EpochKeyRecord } from './schema.js';

export type NewEpochKey = Omit<EpochKeyRecord, 'messageCount' | 'sealedTo' | 'createdAt'> &
  Partial<Pick<EpochKeyRecord, 'messageCount' | 'sealedTo' | 'createdAt'>>;

/** Per thread and epoch: the AES-GCM key (non-extractable) and what this device knows about it. */
export class EpochKeyStore {
  constructor(private readonly connection: VaultConnection) {}

  /** Stores an epoch key; an existing record for the same thread and epoch is replaced. */
  async put(record: NewEpochKey): Promise<EpochKeyRecord> {
    assertNonExtractable(record.key, 'The epoch key');
    const full: EpochKeyRecord = {
      messageCount: 0,
      sealedTo: [],
      createdAt: Date.now(),
      ...record,
    };
    return this.connection.run(async (db) => {
      await db.put('epochKeys', full);
      return full;
    });
  }

  get(threadId: string, epoch: number): Promise<EpochKeyRecord | undefined> {
    return this.connection.run((db) => db.get('epochKeys', [threadId, epoch]));
  }

  /** All epochs of a thread, oldest first. */
  list(threadId: string): Promise<EpochKeyRecord[]> {
    return this.connection.run((db) =>
      db.getAll('epochKeys', IDBKeyRange.bound([threadId, -Infinity], [threadId, Infinity])),
    );
  }

  /** The highest epoch this device holds for a thread. */
  latest(threadId: string): Promise<EpochKeyRecord | undefined> {
    return this.connection.run(async (db) => {
      const range = IDBKeyRange.bound([threadId, -Infinity], [threadId, Infinity]);
      const cursor = await db.transaction('epochKeys').store.openCursor(range, 'prev');
      return cursor?.value;
    });
  }

  /** Counts one sent message under this epoch, atomically, and returns the new count. */
  countMessage(threadId: string, epoch: number): Promise<number> {
    return this.update(threadId, epoch, (record) => {
      record.messageCount += 1;
    }).then((record) => record.messageCount);
  }

  /** Records that the epoch key has been sealed to these recipients (devices or the backup). */
  addSealedTo(threadId: string, epoch: number, recipientIds: readonly string[]): Promise<EpochKeyRecord> {
    return this.update(threadId, epoch, (record) => {
      record.sealedTo = [...new Set([...record.sealedTo, ...recipientIds])];
    });
  }

  delete(threadId: string, epoch: number): Promise<void> {
    return this.connection.run((db) => db.delete('epochKeys', [threadId, epoch]));
  }

  /** Read, change and write in one transaction, so two tabs never lose each other's update. */
  private update(
    threadId: string,
    epoch: number,
    change: (record: EpochKeyRecord) => void,
  ): Promise<EpochKeyRecord> {
    return this.connection.run(async (db) => {
      const tx = db.transaction('epochKeys', 'readwrite');
      const record = await tx.store.get([threadId, epoch]);
      if (!record) {
        tx.abort();
        await tx.done.catch(() => undefined);
        throw new VaultError('not-found', `No key for epoch ${epoch} of thread ${threadId}`);
      }
      change(record);
      await tx.store.put(record);
      await tx.done;
      return record;
    });
  }
}
