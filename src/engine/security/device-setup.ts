/**
 * Setting up this browser as a device: the one place that decides what an empty vault does.
 *
 * - The user has no keys on the server: a first device, created and published without asking.
 * - The user has keys on the server: nothing is created; the user chooses (`setupChoices`). Publishing new keys
 *   silently would replace the identity contacts pinned and orphan the history sealed to the old devices.
 *
 * `link` (device-link.ts) is offered first, then `restore` when a backup exists, then `start-fresh`.
 */
import type { ChatAdapter, KeyBundle } from '../../adapter/types.js';
import {
  deviceEntry,
  deviceIdFor,
  exportSpki,
  fromBase64Url,
  generateDeviceKeys,
  generateIdentityKeyPair,
  importEcdsaPublicSpki,
  nonExtractableSigningPair,
  signDeviceList,
  toBase64Url,
  verifyDeviceList,
  type DeviceEntry,
} from '../../crypto/index.js';
import type { DeviceRecord, Vault } from '../../vault/index.js';
import type { SetupChoice } from '../recovery.js';

/** What an empty vault may do for this user: null when there is nothing to choose (no keys on the server). */
export async function setupChoices(adapter: ChatAdapter, userId: string): Promise<SetupChoice[] | null> {
  const [bundle] = await adapter.fetchKeys([userId]);
  if (!bundle) return null;
  // Linking keeps the identity contacts verified and needs another device at hand; restoring needs the
  // passphrase; starting fresh needs neither and costs the most.
  const choices: SetupChoice[] = ['link'];
  // The bundle names the backup when recovery is on; asking for the blob otherwise would only get a 404 (which
  // the browser logs as an error on the host page).
  if (bundle.backup && (await adapter.getRecoveryBlob())) choices.push('restore');
  choices.push('start-fresh');
  return choices;
}

export interface NewDeviceOptions {
  adapter: ChatAdapter;
  vault: Vault;
  userId: string;
  now: () => number;
}

export interface CreatedDevice {
  record: DeviceRecord;
  /** The identity key pair with an extractable private key, when asked for (to go into a recovery backup). */
  extractableIdentity: CryptoKeyPair | null;
}

/**
 * A new identity and device, stored and published with a device list of this one device. Used for a user's
 * first device and for "start fresh". With `forBackup`, the identity is generated extractable and handed back
 * for the one export into a backup; the vault gets a non-extractable copy.
 */
export async function createNewIdentityDevice(
  options: NewDeviceOptions,
  forBackup: boolean,
): Promise<CreatedDevice> {
  const { vault, adapter, userId } = options;
  const [held] = await adapter.fetchKeys([userId]);
  const generated = await generateIdentityKeyPair(forBackup);
  const identity = forBackup ? await nonExtractableSigningPair(generated) : generated;
  const keys = await generateDeviceKeys();
  const deviceId = await deviceIdFor(keys.signing.publicKey);
  // Stored first: a page that dies after publishing must not leave the server with keys nobody holds. What is
  // to be published is written down before, so that a reload finishes it (`ensurePublished`).
  await vault.settings.put('devicePending', {
    deviceId,
    kind: 'first',
    replaces: held?.identityKey ?? null,
  });
  const record = await vault.createDevice({ deviceId, identity, signing: keys.signing, hpke: keys.hpke });
  await publishFirstDevice(options, record, identity);
  return { record, extractableIdentity: forBackup ? generated : null };
}

/** Publishes a first device's list (version 1, this device alone) and marks the vault's device published. */
async function publishFirstDevice(
  options: NewDeviceOptions,
  record: DeviceRecord,
  identity: CryptoKeyPair,
): Promise<void> {
  const { adapter, userId, now } = options;
  const entry = await deviceEntry(record.deviceId, record.signing.publicKey, record.hpke.publicKey);
  await publishList(adapter, identity, { userId, version: 1, issuedAt: now(), devices: [entry] }, null);
  await markPublished(options.vault, record.deviceId);
}

async function markPublished(vault: Vault, deviceId: string): Promise<void> {
  await vault.settings.put('devicePublished', deviceId);
  await vault.settings.delete('devicePending');
}

/**
 * A stored device whose first publication may not have reached the server (the network failed between storing
 * and publishing, or the page closed) is published now, once; then the device is marked, so this costs one
 * request per device at most.
 * - Written down as pending (`devicePending`): a first device is published when the server still holds what it
 *   held before (nothing, or the identity a fresh start replaces); a restored device is added to its identity's
 *   list when that list lacks it. When the server already holds this device's identity (and, for a restored
 *   one, this device in its list), the publication had reached it.
 * - Anything else (no pending record, from a vault written before it existed, or a server that since holds
 *   another identity): published only when the server holds no keys for the user, never over someone else's.
 *   A device that is missing from its identity's list without a pending record was revoked, and stays so.
 */
export async function ensurePublished(options: NewDeviceOptions, record: DeviceRecord): Promise<void> {
  const { vault, adapter, userId } = options;
  const { publicKey, privateKey } = record.identity;
  if (!privateKey || (await vault.settings.get('devicePublished')) === record.deviceId) return;
  const identity = { publicKey, privateKey };
  const pending = await vault.settings.get('devicePending');
  const [bundle] = await adapter.fetchKeys([userId]);
  const held = bundle?.identityKey ?? null;
  const ours = toBase64Url(await exportSpki(publicKey));
  if (pending?.deviceId === record.deviceId) {
    // `replaces` is never this identity (it was made after), so the server holding it means not yet published.
    if (pending.kind === 'first' && held === pending.replaces)
      return publishFirstDevice(options, record, identity);
    if (pending.kind === 'restored' && bundle && held === ours)
      return publishRestored(options, record, identity, bundle);
  }
  if (!bundle) return publishFirstDevice(options, record, identity);
  await markPublished(vault, record.deviceId);
}

/**
 * Adds a restored device to the device list of its identity that the server holds (verified first) and marks
 * it published. A restore publishes with the backup it came from; finishing a publication after a reload
 * (no `backup` given) keeps the server's, and publishes nothing when the list has the device already.
 */
async function publishRestored(
  options: NewDeviceOptions,
  record: DeviceRecord,
  identity: CryptoKeyPair,
  bundle: KeyBundle | undefined,
  backup?: KeyBundle['backup'],
): Promise<void> {
  const { vault, adapter, userId, now } = options;
  let earlier: DeviceEntry[] = [];
  let version = 0;
  if (bundle && bundle.identityKey === toBase64Url(await exportSpki(identity.publicKey))) {
    const identityKey = await importEcdsaPublicSpki(fromBase64Url(bundle.identityKey));
    const list = await verifyDeviceList(fromBase64Url(bundle.signedDeviceList), identityKey, userId);
    earlier = list.devices;
    version = list.version;
  }
  if (backup !== undefined || !earlier.some((d) => d.deviceId === record.deviceId)) {
    const entry = await deviceEntry(record.deviceId, record.signing.publicKey, record.hpke.publicKey);
    const devices = [...earlier.filter((d) => d.deviceId !== record.deviceId), entry];
    const list = { userId, version: version + 1, issuedAt: now(), devices };
    await publishList(adapter, identity, list, backup ?? bundle?.backup ?? null);
  }
  await markPublished(vault, record.deviceId);
}

/**
 * A new device for a restored identity: added to the device list the server holds (verified with that identity
 * first), so the user's earlier devices stay signed and their messages and epochs still verify. The lost device
 * stays listed: revoking it is the device list's business, not the restore's.
 */
export async function createRestoredDevice(
  options: NewDeviceOptions,
  identity: CryptoKeyPair,
  backup: KeyBundle['backup'],
): Promise<DeviceRecord> {
  const { vault, adapter, userId } = options;
  const [bundle] = await adapter.fetchKeys([userId]);
  const keys = await generateDeviceKeys();
  const deviceId = await deviceIdFor(keys.signing.publicKey);
  await vault.settings.put('devicePending', {
    deviceId,
    kind: 'restored',
    replaces: bundle?.identityKey ?? null,
  });
  const record = await vault.createDevice({ deviceId, identity, signing: keys.signing, hpke: keys.hpke });
  await publishRestored(options, record, identity, bundle, backup);
  return record;
}

async function publishList(
  adapter: ChatAdapter,
  identity: CryptoKeyPair,
  list: { userId: string; version: number; issuedAt: number; devices: DeviceEntry[] },
  backup: KeyBundle['backup'],
): Promise<void> {
  await adapter.publishKeys({
    identityKey: toBase64Url(await exportSpki(identity.publicKey)),
    signedDeviceList: toBase64Url(await signDeviceList(list, identity.privateKey)),
    devices: list.devices.map((d) => ({
      deviceId: d.deviceId,
      signingKey: toBase64Url(d.signingKey),
      hpkeKey: toBase64Url(d.hpkeKey),
    })),
    backup,
  });
}
