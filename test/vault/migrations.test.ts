import { expect } from '@open-wc/testing';
import {
  migrations,
  VAULT_VERSION,
  VaultError,
  vaultDatabaseName,
  type Migration,
  type MigrationTable,
} from '../../src/vault/index.js';
import {
  cleanUpVaults,
  newDevice,
  openTestVault,
  rawOpen,
  rejection,
  requestDone,
  uniqueUserId,
} from './helpers.js';

interface StoreShape {
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: Record<string, { keyPath: string | string[]; unique: boolean }>;
}

/** Reads the schema as the browser sees it, independent of our code. */
async function readSchema(name: string): Promise<{ version: number; stores: Record<string, StoreShape> }> {
  const db = await rawOpen(name);
  const stores: Record<string, StoreShape> = {};
  const storeNames = [...db.objectStoreNames];
  if (storeNames.length > 0) {
    const tx = db.transaction(storeNames);
    for (const storeName of storeNames) {
      const store = tx.objectStore(storeName);
      const indexes: StoreShape['indexes'] = {};
      for (const indexName of [...store.indexNames]) {
        const index = store.index(indexName);
        indexes[indexName] = { keyPath: index.keyPath, unique: index.unique };
      }
      stores[storeName] = { keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes };
    }
  }
  const version = db.version;
  db.close();
  return { version, stores };
}

const V1_SCHEMA: Record<string, StoreShape> = {
  counters: { keyPath: 'key', autoIncrement: false, indexes: {} },
  device: { keyPath: null, autoIncrement: false, indexes: {} },
  epochKeys: {
    keyPath: ['threadId', 'epoch'],
    autoIncrement: false,
    indexes: { byThread: { keyPath: 'threadId', unique: false } },
  },
  outbox: {
    keyPath: 'order',
    autoIncrement: true,
    indexes: {
      byClientId: { keyPath: 'clientId', unique: true },
      byThread: { keyPath: 'threadId', unique: false },
    },
  },
  peers: { keyPath: 'userId', autoIncrement: false, indexes: {} },
  settings: { keyPath: 'key', autoIncrement: false, indexes: {} },
};

/** A made-up version 2: a `drafts` store, and every outbox item gains a `priority`. */
function fakeV2(log: number[]): MigrationTable {
  const v2: Migration = async (db, tx) => {
    log.push(2);
    (db as unknown as IDBDatabase).createObjectStore('drafts', { keyPath: 'threadId' });
    let cursor = await tx.objectStore('outbox').openCursor();
    while (cursor) {
      await cursor.update({ ...cursor.value, priority: 'normal' } as never);
      cursor = await cursor.continue();
    }
  };
  const v1: Migration = (db, tx) => {
    log.push(1);
    return migrations[1]!(db, tx);
  };
  return { 1: v1, 2: v2 };
}

describe('vault: schema migrations', () => {
  afterEach(cleanUpVaults);

  it('is at version 1', () => {
    expect(VAULT_VERSION).to.equal(1);
  });

  it('creates every version 1 store from an empty database (version 0)', async () => {
    const vault = await openTestVault(uniqueUserId());
    vault.close();
    const schema = await readSchema(vault.databaseName);
    expect(schema.version).to.equal(1);
    expect(schema.stores).to.deep.equal(V1_SCHEMA);
  });

  it('reopens a database the version 1 code created without changing schema or data', async () => {
    const userId = uniqueUserId();
    const first = await openTestVault(userId);
    await first.createDevice(await newDevice('kept'));
    await first.outbox.enqueue({
      clientId: 'c1',
      threadId: 't',
      payload: { kind: 'envelope', envelope: 'abc' },
    });
    first.close();

    const again = await openTestVault(userId);
    expect((await again.loadDevice())?.deviceId).to.equal('kept');
    expect((await again.outbox.list()).map((item) => item.clientId)).to.deep.equal(['c1']);
    again.close();
    expect((await readSchema(vaultDatabaseName(userId))).stores).to.deep.equal(V1_SCHEMA);
  });

  it('runs a version 2 migration on a version 1 vault once, keeping its data', async () => {
    const userId = uniqueUserId();
    const v1 = await openTestVault(userId);
    await v1.createDevice(await newDevice('survivor'));
    await v1.outbox.enqueue({ clientId: 'c1', threadId: 't', payload: { kind: 'envelope', envelope: 'x' } });
    v1.close();

    const log: number[] = [];
    const v2 = await openTestVault(userId, { schema: { version: 2, migrations: fakeV2(log) } });
    expect(log).to.deep.equal([2]);
    const device = await v2.loadDevice();
    expect(device?.deviceId).to.equal('survivor');
    expect(device?.hpke.privateKey.extractable).to.equal(false);
    const [item] = await v2.outbox.list();
    expect(item).to.include({ clientId: 'c1', priority: 'normal' });
    v2.close();

    const schema = await readSchema(vaultDatabaseName(userId));
    expect(schema.version).to.equal(2);
    expect(Object.keys(schema.stores)).to.include('drafts');
    await openTestVault(userId, { schema: { version: 2, migrations: fakeV2(log) } });
    expect(log).to.deep.equal([2]);
  });

  it('runs migrations 1 then 2 in order on a fresh database', async () => {
    const log: number[] = [];
    await openTestVault(uniqueUserId(), { schema: { version: 2, migrations: fakeV2(log) } });
    expect(log).to.deep.equal([1, 2]);
  });

  it('rolls back a failing migration, keeps version 1 and its data, and reports damaged', async () => {
    const userId = uniqueUserId();
    const v1 = await openTestVault(userId);
    await v1.createDevice(await newDevice('still-here'));
    v1.close();

    const failing: MigrationTable = {
      ...migrations,
      2: (db) => {
        (db as unknown as IDBDatabase).createObjectStore('half-done');
        throw new Error('migration bug');
      },
    };
    const error = await rejection(openTestVault(userId, { schema: { version: 2, migrations: failing } }));
    expect((error as VaultError).reason).to.equal('damaged');
    const schema = await readSchema(vaultDatabaseName(userId));
    expect(schema.version).to.equal(1);
    expect(schema.stores).to.deep.equal(V1_SCHEMA);
    const raw = await rawOpen(vaultDatabaseName(userId));
    expect(await requestDone(raw.transaction('device').objectStore('device').count())).to.equal(1);
    raw.close();
  });
});
