import type { VaultConnection } from './connection.js';
import type { CounterRecord, ReceiveCounterKey, SendCounterKey } from './schema.js';

/** This device's send sequence per thread, and the replay state of every sender device it receives from. */
export class CounterStore {
  constructor(private readonly connection: VaultConnection) {}

  /**
   * The next send sequence number for a thread, from 1. Read and increment share one readwrite
   * transaction, and IndexedDB runs overlapping readwrite transactions one after another, so no two
   * calls (in this tab or another) ever return the same number.
   */
  nextSequence(threadId: string): Promise<number> {
    return this.connection.run(async (db) => {
      const tx = db.transaction('counters', 'readwrite');
      const key: SendCounterKey = ['send', threadId];
      const current = await tx.store.get(key);
      const sequence = (current && 'sequence' in current ? current.sequence : 0) + 1;
      await tx.store.put({ key, sequence });
      await tx.done;
      return sequence;
    });
  }

  /** The last sequence number handed out for a thread (0 when none). */
  currentSequence(threadId: string): Promise<number> {
    return this.connection.run(async (db) => {
      const record = await db.get('counters', ['send', threadId]);
      return record && 'sequence' in record ? record.sequence : 0;
    });
  }

  /** The replay state the engine keeps for one sender device in one thread; any structured-cloneable object. */
  getReceiveState<T extends object>(threadId: string, deviceId: string): Promise<T | undefined> {
    return this.connection.run(async (db) => {
      const record = await db.get('counters', ['recv', threadId, deviceId]);
      return record && 'state' in record ? (record.state as T) : undefined;
    });
  }

  putReceiveState(threadId: string, deviceId: string, state: object): Promise<void> {
    const key: ReceiveCounterKey = ['recv', threadId, deviceId];
    const record: CounterRecord = { key, state };
    return this.connection.run(async (db) => {
      await db.put('counters', record);
    });
  }
}
