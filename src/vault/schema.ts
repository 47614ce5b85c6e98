/**
 * The vault's IndexedDB schema (version 1) and the records it holds.
 *
 * Private keys are stored as non-extractable `CryptoKey`s: IndexedDB structured-clones them, so the key
 * material stays inside the browser's crypto implementation and never passes through JavaScript.
 */
import type { DBSchema } from 'idb';

/** The schema version this code writes. Raise it only together with a new entry in `migrations`. */
export const VAULT_VERSION = 1;

/** The only key of the `device` store: a vault holds exactly one device. */
export const DEVICE_SLOT = 'current';

/**
 * The user's identity signing key (ECDSA P-256). `privateKey` is null on a linked device: the identity stays on
 * the device that linked it, and this one holds only the public key it compared the link code over.
 */
export interface IdentityKeys {
  publicKey: CryptoKey;
  privateKey: CryptoKey | null;
}

export interface DeviceRecord {
  userId: string;
  deviceId: string;
  identity: IdentityKeys;
  /** This device's signing key (ECDSA P-256). */
  signing: CryptoKeyPair;
  /** This device's HPKE key (ECDH P-256). */
  hpke: CryptoKeyPair;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface EpochKeyRecord {
  threadId: string;
  epoch: number;
  /** The AES-256-GCM epoch key, non-extractable. */
  key: CryptoKey;
  /** The creator's signed epoch announcement, base64url, as the server relayed it. */
  announcement: string;
  createdAt: number;
  /** Messages this device has sent under this epoch (drives the 100-message rotation). */
  messageCount: number;
  /** Recipient ids (devices, backup) this epoch key has been sealed to. */
  sealedTo: string[];
}

export type KeyChange = {
  /** SPKI base64url of the identity key that was pinned before. */
  previousKey: string;
  newKey: string;
  seenAt: number;
  /** The user had verified the previous key: sending must stop until they look at the change. */
  wasVerified: boolean;
  /** When the user looked at the change and chose (verified the new key, or accepted it unverified). */
  resolvedAt?: number;
};

export interface PinnedDevice {
  deviceId: string;
  /** SPKI base64url. */
  signingKey: string;
  /** SPKI base64url. */
  hpkeKey: string;
}

export interface PeerRecord {
  userId: string;
  /** SPKI base64url of the pinned identity key (trust on first use). */
  identityKey: string;
  devices: PinnedDevice[];
  /** The user compared safety numbers for the current identity key. */
  verified: boolean;
  /** The highest signed device-list version seen for the current identity key: an older list is refused. */
  listVersion?: number;
  firstSeen: number;
  keyChanges: KeyChange[];
}

export type OutboxStatus = 'pending' | 'sending' | 'failed';

export type OutboxPayload =
  /** Not yet encrypted: the engine seals it when it sends (the epoch may rotate before then). */
  | { kind: 'content'; content: unknown }
  /** Already sealed: resent byte for byte so the idempotency key and signature stay the same. */
  | { kind: 'envelope'; envelope: string };

export interface OutboxRecord {
  /** Insertion order, assigned by the store. */
  order?: number;
  clientId: string;
  threadId: string;
  payload: OutboxPayload;
  attempts: number;
  status: OutboxStatus;
  createdAt: number;
  lastError?: string;
}

export type SendCounterKey = ['send', string];
export type ReceiveCounterKey = ['recv', string, string];

export type CounterRecord =
  { key: SendCounterKey; sequence: number } | { key: ReceiveCounterKey; state: object };

export type PersistenceAnswer = 'granted' | 'denied' | 'unsupported';

export interface BackupSettings {
  enabled: boolean;
  /** The backup's HPKE key pair; the private key is non-extractable. */
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  /** The recipient id the engine seals epoch keys to. */
  recipientId: string;
  iterations: number;
  createdAt: number;
  updatedAt: number;
  /** The backup holds the identity key too (recovery was turned on when the identity was created). */
  identityIncluded?: boolean;
}

/** The user answered the recovery offer with "Not now" (or turned recovery off): not offered again. */
export interface RecoveryOfferAnswer {
  declinedAt: number;
}

/** Written with the device in one transaction: a vault that has it but no device has lost keys. */
export interface DeviceMarker {
  deviceId: string;
  createdAt: number;
}

/** One membership of one user in one thread, as the server dated it. */
export interface Membership {
  userId: string;
  /** The `joinedAt` the server gave this membership (ISO 8601). A genuine re-add has a later one. */
  joinedAt: string;
}

/** What this device saw of one encrypted thread's members (src/engine/security/membership-ledger.ts). */
export interface ThreadMemberships {
  /** The members this device believed present when it last looked. */
  seen: Membership[];
  /** Memberships this device saw end: never believed again, whatever the server lists. */
  ended: Membership[];
}

/** Typed settings: each key has its own value type. */
export interface VaultSettings {
  backup: BackupSettings;
  persistence: { answer: PersistenceAnswer; askedAt: number };
  deviceMarker: DeviceMarker;
  /** The highest version of this user's own signed device list seen here: an older one is a rollback. */
  ownDeviceListVersion: number;
  recoveryOffer: RecoveryOfferAnswer;
  /**
   * The device id whose first device list reached the server. A first device is stored before it is published
   * (so its keys are never lost); one stored without this mark is published again (device-setup.ts).
   */
  devicePublished: string;
  /**
   * Written before a device's keys are first published, removed once they are: which device, as a first device
   * of an identity (its own list of one) or as a restored one (added to its identity's list), and the identity
   * key the server held before (null for none). A reload finishes a publication that this says was cut short.
   */
  devicePending: { deviceId: string; kind: 'first' | 'restored'; replaces: string | null };
  /** When a restore began that has not finished (engine/security/recovery.ts); removed once it has. */
  restoreUnfinished: number;
  /** Per thread id: the memberships this device saw, and the ones it saw end. */
  memberships: Record<string, ThreadMemberships>;
}

export type SettingKey = keyof VaultSettings;

export interface SettingRecord<K extends SettingKey = SettingKey> {
  key: K;
  value: VaultSettings[K];
}

export interface VaultDB extends DBSchema {
  device: { key: string; value: DeviceRecord };
  epochKeys: {
    key: [string, number];
    value: EpochKeyRecord;
    indexes: { byThread: string };
  };
  peers: { key: string; value: PeerRecord };
  outbox: {
    key: number;
    value: OutboxRecord;
    indexes: { byClientId: string; byThread: string };
  };
  counters: { key: SendCounterKey | ReceiveCounterKey; value: CounterRecord };
  settings: { key: SettingKey; value: SettingRecord };
}

/** Every store version 1 needs; a vault that lacks one is damaged. */
export const REQUIRED_STORES = ['device', 'epochKeys', 'peers', 'outbox', 'counters', 'settings'] as const;
