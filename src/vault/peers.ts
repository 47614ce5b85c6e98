import type { VaultConnection } from './connection.js';
import { VaultError } from './errors.js';
import type { PeerRecord, PinnedDevice } from './schema.js';

export type PinResult =
  /** First time we see this user: their key is pinned (trust on first use). */
  | { status: 'new'; peer: PeerRecord }
  /** Same identity key as pinned; the device list was refreshed. */
  | { status: 'same'; peer: PeerRecord }
  /** The identity key changed. `wasVerified` means sending must stop until the user looks at it. */
  | { status: 'changed'; peer: PeerRecord; wasVerified: boolean };

/** Pinned identity keys of other users, for trust on first use and verification. */
export class PeerStore {
  constructor(private readonly connection: VaultConnection) {}

  get(userId: string): Promise<PeerRecord | undefined> {
    return this.connection.run((db) => db.get('peers', userId));
  }

  list(): Promise<PeerRecord[]> {
    return this.connection.run((db) => db.getAll('peers'));
  }

  put(peer: PeerRecord): Promise<void> {
    return this.connection.run(async (db) => {
      await db.put('peers', peer);
    });
  }

  delete(userId: string): Promise<void> {
    return this.connection.run((db) => db.delete('peers', userId));
  }

  /**
   * Pins (or re-checks) a user's identity key and device list in one transaction. A changed key is
   * recorded in the history and clears `verified`: the new key has not been compared by anyone.
   */
  pin(
    userId: string,
    identityKey: string,
    devices: PinnedDevice[],
    now = Date.now(),
    listVersion?: number,
  ): Promise<PinResult> {
    const version = listVersion === undefined ? {} : { listVersion };
    return this.connection.run(async (db) => {
      const tx = db.transaction('peers', 'readwrite');
      const existing = await tx.store.get(userId);
      let result: PinResult;
      if (!existing) {
        const peer: PeerRecord = {
          userId,
          identityKey,
          devices,
          verified: false,
          firstSeen: now,
          keyChanges: [],
          ...version,
        };
        result = { status: 'new', peer };
      } else if (existing.identityKey === identityKey) {
        result = { status: 'same', peer: { ...existing, devices, ...version } };
      } else {
        const wasVerified = existing.verified;
        const change = { previousKey: existing.identityKey, newKey: identityKey, seenAt: now, wasVerified };
        const peer: PeerRecord = {
          ...existing,
          identityKey,
          devices,
          verified: false,
          keyChanges: [...existing.keyChanges, change],
          ...version,
        };
        result = { status: 'changed', peer, wasVerified };
      }
      await tx.store.put(result.peer);
      await tx.done;
      return result;
    });
  }

  /** Marks the pinned key as verified (safety numbers compared) or not. */
  setVerified(userId: string, verified: boolean): Promise<PeerRecord> {
    return this.connection.run(async (db) => {
      const tx = db.transaction('peers', 'readwrite');
      const peer = await tx.store.get(userId);
      if (!peer) throw new VaultError('not-found', `No pinned key for user ${userId}`);
      const updated = { ...peer, verified };
      await tx.store.put(updated);
      await tx.done;
      return updated;
    });
  }
}
