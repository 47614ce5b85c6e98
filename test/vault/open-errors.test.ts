import { expect } from '@open-wc/testing';
import {
  migrations,
  openVault,
  VaultError,
  vaultDatabaseName,
  type CloseReason,
} from '../../src/vault/index.js';
import {
  cleanUpVaults,
  newDevice,
  openTestVault,
  rawOpen,
  rejection,
  trackDatabase,
  uniqueUserId,
} from './helpers.js';

function reasonOf(error: unknown): string | undefined {
  return error instanceof VaultError ? error.reason : undefined;
}

const withV2 = { version: 2, migrations: { ...migrations, 2: () => undefined } };

describe('vault: opening fails with a typed reason', () => {
  afterEach(cleanUpVaults);

  it('says unavailable when there is no IndexedDB', async () => {
    expect(reasonOf(await rejection(openVault(uniqueUserId(), { indexedDB: null })))).to.equal('unavailable');
  });

  it('says unavailable when the factory refuses to open (sandboxed frame, storage disabled)', async () => {
    const refusing = {
      open: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    expect(reasonOf(await rejection(openVault(uniqueUserId(), { indexedDB: refusing })))).to.equal(
      'unavailable',
    );
  });

  it('says damaged when a store is missing', async () => {
    const userId = uniqueUserId();
    const name = vaultDatabaseName(userId);
    trackDatabase(name);
    const raw = await rawOpen(name, 1, (db) => {
      db.createObjectStore('device');
      db.createObjectStore('settings', { keyPath: 'key' });
    });
    raw.close();
    expect(reasonOf(await rejection(openVault(userId)))).to.equal('damaged');
  });

  it('says version-too-new when a newer widget upgraded the vault', async () => {
    const userId = uniqueUserId();
    const name = vaultDatabaseName(userId);
    trackDatabase(name);
    (await rawOpen(name, 7)).close();
    expect(reasonOf(await rejection(openVault(userId)))).to.equal('version-too-new');
  });

  it('says blocked when another tab keeps an older version open', async () => {
    const userId = uniqueUserId();
    const name = vaultDatabaseName(userId);
    trackDatabase(name);
    // Plays the old tab: version 1, and no versionchange handler, so it never lets go.
    const oldTab = await rawOpen(name, 1, (db) => migrations[1]!(db as never, undefined as never));
    try {
      expect(reasonOf(await rejection(openVault(userId, { schema: withV2 })))).to.equal('blocked');
    } finally {
      oldTab.close();
    }
  });

  it('closes itself for a newer tab, reports why, and then refuses calls with closed', async () => {
    const userId = uniqueUserId();
    const reasons: CloseReason[] = [];
    const vault = await openTestVault(userId, { onClose: (reason) => reasons.push(reason) });
    await vault.createDevice(await newDevice());

    const newer = await openTestVault(userId, { schema: withV2 });
    expect(reasons).to.deep.equal(['blocking']);
    expect(vault.closedReason).to.equal('blocking');
    expect(reasonOf(await rejection(vault.loadDevice()))).to.equal('closed');
    expect(await newer.loadDevice()).to.not.equal(null);
  });

  it('refuses calls after close()', async () => {
    const vault = await openTestVault(uniqueUserId());
    vault.close();
    expect(reasonOf(await rejection(vault.nextSequence('t')))).to.equal('closed');
  });
});
