/**
 * Schema migrations, one per version, run in order inside the `versionchange` transaction.
 *
 * To add version 2: write `2: (db, tx) => { ... }` below, raise `VAULT_VERSION` in schema.ts, and add a
 * migration test that opens a database written by version 1. A migration must only issue IndexedDB
 * requests on `tx` (awaiting anything else lets the upgrade transaction commit early).
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { VaultDB } from './schema.js';

export type UpgradeTransaction = IDBPTransaction<VaultDB, StoreNames<VaultDB>[], 'versionchange'>;
export type Migration = (db: IDBPDatabase<VaultDB>, tx: UpgradeTransaction) => void | Promise<void>;
export type MigrationTable = Readonly<Record<number, Migration>>;

export const migrations: MigrationTable = {
  1: (db) => {
    db.createObjectStore('device');
    const epochKeys = db.createObjectStore('epochKeys', { keyPath: ['threadId', 'epoch'] });
    epochKeys.createIndex('byThread', 'threadId');
    db.createObjectStore('peers', { keyPath: 'userId' });
    // autoIncrement keeps insertion order, which is the order pending messages must be sent in.
    const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
    outbox.createIndex('byClientId', 'clientId', { unique: true });
    outbox.createIndex('byThread', 'threadId');
    db.createObjectStore('counters', { keyPath: 'key' });
    db.createObjectStore('settings', { keyPath: 'key' });
  },
};

/** Runs every migration after `oldVersion` up to and including `newVersion`, in order. */
export async function runMigrations(
  db: IDBPDatabase<VaultDB>,
  tx: UpgradeTransaction,
  oldVersion: number,
  newVersion: number,
  table: MigrationTable,
): Promise<void> {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const migration = table[version];
    if (!migration) throw new Error(`No migration to vault schema version ${version}`);
    await migration(db, tx);
  }
}
