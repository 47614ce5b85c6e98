/**
 * The key vault: one IndexedDB database per origin and user holding this device's keys, epoch keys,
 * pinned peer keys, the outbox and counters.
 *
 * It never creates keys by itself. A vault that is empty says so (`loadDevice()` returns null) and the
 * engine decides to call `createDevice`; a vault that has lost part of its keys says 'damaged' instead,
 * because silently making new keys would orphan every message sealed to the old ones.
 */
import { assertNonExtractable, VaultConnection } from './connection.js';
import { CounterStore } from './counters.js';
import { EpochKeyStore } from './epoch-keys.js';
import { VaultError } from './errors.js';
import type { MigrationTable } from './migrations.js';
import { openVaultDatabase, vaultDatabaseName, type CloseReason } from './open.js';
import { OutboxStore } from './outbox.js';
import { PeerStore } from './peers.js';
import { askForPersistentStorage, type PersistentStorage } from './persistence.js';
import { DEVICE_SLOT, type DeviceRecord, type IdentityKeys, type PersistenceAnswer } from './schema.js';
import { SettingsStore } from './settings.js';

export interface OpenVaultOptions {
  /** The IndexedDB factory; `null` means none. Defaults to the global `indexedDB`. */
  indexedDB?: IDBFactory | null;
  /** Separates vaults of one user id on different backends served from one origin. */
  scope?: string;
  /** Called when the vault closes under us (a newer tab upgrades it, or the browser drops it). */
  onClose?: (reason: Exclude<CloseReason, 'closed'>) => void;
  /** For tests of the migration mechanism only. */
  schema?: { version: number; migrations: MigrationTable };
}

export interface NewDevice {
  deviceId: string;
  /** The identity key pair; on a linked device only its public key (`privateKey: null`). */
  identity: IdentityKeys;
  signing: CryptoKeyPair;
  hpke: CryptoKeyPair;
  createdAt?: number;
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  const pair = value as Partial<CryptoKeyPair> | null;
  return !!pair && pair.privateKey instanceof CryptoKey && pair.publicKey instanceof CryptoKey;
}

function isIdentity(value: unknown): value is IdentityKeys {
  const identity = value as Partial<IdentityKeys> | null;
  return (
    !!identity &&
    identity.publicKey instanceof CryptoKey &&
    (identity.privateKey === null || identity.privateKey instanceof CryptoKey)
  );
}

function isReadableDevice(record: unknown): record is DeviceRecord {
  const device = record as Partial<DeviceRecord> | null;
  return (
    !!device &&
    typeof device.userId === 'string' &&
    typeof device.deviceId === 'string' &&
    typeof device.createdAt === 'number' &&
    isIdentity(device.identity) &&
    isKeyPair(device.signing) &&
    isKeyPair(device.hpke)
  );
}

export class Vault {
  readonly epochKeys: EpochKeyStore;
  readonly peers: PeerStore;
  readonly outbox: OutboxStore;
  readonly counters: CounterStore;
  readonly settings: SettingsStore;

  constructor(
    readonly userId: string,
    readonly databaseName: string,
    private readonly connection: VaultConnection,
  ) {
    this.epochKeys = new EpochKeyStore(connection);
    this.peers = new PeerStore(connection);
    this.outbox = new OutboxStore(connection);
    this.counters = new CounterStore(connection);
    this.settings = new SettingsStore(connection);
  }

  /** Why the vault stopped working, or null while it is open. */
  get closedReason(): CloseReason | null {
    return this.connection.closedReason;
  }

  close(): void {
    this.connection.close('closed');
  }

  /** Shortcut for `counters.nextSequence`: the next send sequence number of this device in a thread. */
  nextSequence(threadId: string): Promise<number> {
    return this.counters.nextSequence(threadId);
  }

  /**
   * This device's keys; null when the vault has never held a device. Throws VaultError('damaged') when
   * the device is gone but the vault shows it existed (the marker, epoch keys), when the record is
   * unreadable, or when `expectedDeviceId` (from the user's published bundle) names a device that is missing.
   */
  async loadDevice(options: { expectedDeviceId?: string } = {}): Promise<DeviceRecord | null> {
    return this.connection.run(async (db) => {
      const tx = db.transaction(['device', 'settings', 'epochKeys']);
      const [record, marker, epochKeyCount] = await Promise.all([
        tx.objectStore('device').get(DEVICE_SLOT),
        tx.objectStore('settings').get('deviceMarker'),
        tx.objectStore('epochKeys').count(),
      ]);
      await tx.done;
      if (record === undefined) {
        if (marker || epochKeyCount > 0) {
          throw new VaultError('damaged', 'The device keys are gone but the vault shows they existed');
        }
        if (options.expectedDeviceId !== undefined) {
          throw new VaultError(
            'damaged',
            `Device ${options.expectedDeviceId} is published but its keys are gone`,
          );
        }
        return null;
      }
      if (!isReadableDevice(record)) throw new VaultError('damaged', 'The device record is unreadable');
      if (options.expectedDeviceId !== undefined && record.deviceId !== options.expectedDeviceId) {
        throw new VaultError(
          'damaged',
          `Device ${options.expectedDeviceId} is published but this vault holds another`,
        );
      }
      return record;
    });
  }

  /**
   * Stores a new device identity. Refuses when the vault already holds one ('device-exists') or shows
   * that one was lost ('damaged'), and refuses extractable private keys ('key-extractable').
   */
  async createDevice(device: NewDevice): Promise<DeviceRecord> {
    if (!isIdentity(device.identity)) throw new VaultError('damaged', 'The identity key is not a CryptoKey');
    if (device.identity.privateKey)
      assertNonExtractable(device.identity.privateKey, 'The identity private key');
    for (const [what, pair] of [
      ['device signing', device.signing],
      ['device HPKE', device.hpke],
    ] as const) {
      if (!isKeyPair(pair)) throw new VaultError('damaged', `The ${what} key pair is not a CryptoKeyPair`);
      assertNonExtractable(pair.privateKey, `The ${what} private key`);
    }
    const record: DeviceRecord = {
      userId: this.userId,
      deviceId: device.deviceId,
      identity: device.identity,
      signing: device.signing,
      hpke: device.hpke,
      createdAt: device.createdAt ?? Date.now(),
    };
    return this.connection.run(async (db) => {
      const tx = db.transaction(['device', 'settings', 'epochKeys'], 'readwrite');
      const [existing, marker, epochKeyCount] = await Promise.all([
        tx.objectStore('device').get(DEVICE_SLOT),
        tx.objectStore('settings').get('deviceMarker'),
        tx.objectStore('epochKeys').count(),
      ]);
      if (existing !== undefined || marker || epochKeyCount > 0) {
        tx.abort();
        await tx.done.catch(() => undefined);
        if (existing !== undefined)
          throw new VaultError('device-exists', 'This vault already holds a device');
        throw new VaultError('damaged', 'The vault lost its device keys; new keys would orphan its history');
      }
      await tx.objectStore('device').put(record, DEVICE_SLOT);
      await tx
        .objectStore('settings')
        .put({ key: 'deviceMarker', value: { deviceId: record.deviceId, createdAt: record.createdAt } });
      await tx.done;
      return record;
    });
  }

  /**
   * Asks for persistent storage (`navigator.storage.persist()`) and records the answer in settings.
   * `storage` is a parameter for tests; `null` means the browser has no StorageManager.
   */
  async requestPersistence(storage?: PersistentStorage | null): Promise<PersistenceAnswer> {
    const answer = await askForPersistentStorage(storage);
    await this.settings.put('persistence', { answer, askedAt: Date.now() });
    return answer;
  }
}

/**
 * Opens this user's vault, creating or migrating the database as needed. Throws VaultError with reason
 * 'unavailable', 'blocked', 'damaged' or 'version-too-new'. Opening never creates keys.
 */
export async function openVault(userId: string, options: OpenVaultOptions = {}): Promise<Vault> {
  const name = vaultDatabaseName(userId, options.scope);
  // openVaultDatabase installs its close handlers only once it resolves, so `ready` is set before they run.
  const ready: { connection?: VaultConnection } = {};
  const db = await openVaultDatabase(name, {
    indexedDB: options.indexedDB,
    version: options.schema?.version,
    migrations: options.schema?.migrations,
    onClose: (reason) => {
      const connection = ready.connection;
      if (!connection || connection.closedReason) return;
      connection.close(reason);
      if (reason !== 'closed') options.onClose?.(reason);
    },
  });
  const connection = new VaultConnection(db);
  ready.connection = connection;
  return new Vault(userId, name, connection);
}
