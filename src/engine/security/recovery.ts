/**
 * The recovery backup in the engine: turning it on, keeping it current, changing its passphrase, turning it off,
 * and restoring a fresh browser from it. Formats and key derivation: src/crypto/recovery.ts, docs/recovery.md.
 *
 * Keeping it current: epoch keys are non-extractable in the vault, so a copy for the backup is sealed whenever
 * this user's device has the raw key in hand: when it creates an epoch, when it opens its sealed copy of someone
 * else's epoch, and in a catch-up pass (`catchUp`) that re-opens this device's sealed copies on the server that
 * the backup lacks. Only the backup key in this vault is ever sealed to, never one the server names.
 */
import type { ChatAdapter, SealedKey, SealedKeyRecord } from '../../adapter/types.js';
import {
  backupRecipientIdFor,
  createRecoveryBackup,
  changeRecoveryPassphrase,
  exportSpki,
  fromBase64Url,
  openRecoveryBackup,
  openSealedEpochKey,
  openSealedEpochKeyBytes,
  sealEpochKey,
  toBase64Url,
  verifyAnnouncement,
  type KdfOptions,
  type RecoveryKeys,
} from '../../crypto/index.js';
import type { BackupSettings, DeviceRecord, Vault } from '../../vault/index.js';
import { RecoveryFlowError, type RecoveryStatus } from '../recovery.js';
import { createRestoredDevice, createNewIdentityDevice, ensurePublished } from './device-setup.js';

export interface AccountRecoveryOptions {
  adapter: ChatAdapter;
  vault: Vault;
  userId: string;
  now: () => number;
  /** This browser's device (created if the user has no keys anywhere yet). */
  device: () => Promise<DeviceRecord>;
  /** A device's signing key from its owner's verified device list, to check epoch announcements. */
  resolveDeviceKey: (userId: string, deviceId: string) => Promise<CryptoKey | null>;
  /** Tests only: fewer PBKDF2 iterations. Production never passes it (600,000, docs/recovery.md). */
  kdf?: KdfOptions;
}

type Backup = Pick<BackupSettings, 'publicKey' | 'recipientId'>;

export class AccountRecovery {
  /** The identity key pair, extractable, while this page may still put it into a backup (see `holdIdentity`). */
  private identityForBackup: CryptoKeyPair | null = null;
  private catchingUp: Promise<number> | null = null;
  /** A restore is running in this page: its unfinished mark is its own, not one left by an earlier page. */
  private restoring = false;

  constructor(private readonly options: AccountRecoveryOptions) {}

  /**
   * Keeps the new identity's extractable key pair in memory (never stored) until the user answers the recovery
   * offer: turning recovery on exports it once into the backup; "Not now" or leaving the page drops it.
   */
  holdIdentity(pair: CryptoKeyPair | null): void {
    this.identityForBackup = pair;
  }

  private backup(): Promise<BackupSettings | undefined> {
    return this.options.vault.settings.get('backup');
  }

  async status(): Promise<RecoveryStatus> {
    const [backup, declined] = await Promise.all([
      this.backup(),
      this.options.vault.settings.get('recoveryOffer'),
    ]);
    return {
      enabled: !!backup?.enabled,
      identityIncluded: !!backup?.identityIncluded,
      offerDue: !backup?.enabled && !declined && (await this.options.vault.loadDevice()) !== null,
      identityAvailable: !!this.identityForBackup,
    };
  }

  async declineOffer(): Promise<void> {
    await this.options.vault.settings.put('recoveryOffer', { declinedAt: this.options.now() });
    this.identityForBackup = null;
  }

  async enable(passphrase: string): Promise<void> {
    const { adapter } = this.options;
    await this.options.device();
    if ((await this.backup())?.enabled) throw new RecoveryFlowError('already-enabled');
    const identity = this.identityForBackup;
    const created = await createRecoveryBackup(passphrase, {
      ...this.options.kdf,
      ...(identity ? { identityKeyPair: identity } : {}),
    });
    const recipientId = await backupRecipientIdFor(created.backupPublicKey);
    await adapter.putRecoveryBlob({ blob: toBase64Url(created.blob) });
    await this.republish({ recipientId, publicKey: created.backupPublicKey });
    await this.keepBackupKey(created, recipientId);
    this.identityForBackup = null;
    await this.catchUp();
  }

  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    const { adapter, vault, now } = this.options;
    const stored = await adapter.getRecoveryBlob();
    if (!stored) throw new RecoveryFlowError('no-backup');
    const blob = await changeRecoveryPassphrase(
      fromBase64Url(stored.blob),
      oldPassphrase,
      newPassphrase,
      this.options.kdf,
    );
    await adapter.putRecoveryBlob({ blob: toBase64Url(blob) });
    const backup = await this.backup();
    if (backup) await vault.settings.put('backup', { ...backup, updatedAt: now() });
  }

  async disable(): Promise<void> {
    const { adapter, vault, now } = this.options;
    await adapter.putRecoveryBlob(null);
    await this.republish(null);
    await vault.settings.delete('backup');
    await vault.settings.put('recoveryOffer', { declinedAt: now() });
    this.identityForBackup = null;
  }

  /** The backup's sealed copy of a new epoch key, or null when recovery is off. */
  async sealForBackup(raw: Uint8Array, threadId: string, epoch: number): Promise<SealedKey | null> {
    const backup = await this.backup();
    if (!backup?.enabled) return null;
    return this.sealTo(backup, raw, threadId, epoch);
  }

  /** After this device opened an epoch key someone else created: the backup gets its copy too. */
  async keep(raw: Uint8Array, threadId: string, epoch: number): Promise<void> {
    const copy = await this.sealForBackup(raw, threadId, epoch);
    // The server keeps an existing copy, so a repeat is harmless; a failure is mended by the next catch-up.
    if (copy) await this.options.adapter.addSealedKeys(threadId, epoch, [copy]).catch(() => undefined);
  }

  private async sealTo(backup: Backup, raw: Uint8Array, threadId: string, epoch: number) {
    const hpkeKey = await exportSpki(backup.publicKey);
    const sealed = await sealEpochKey(raw, threadId, epoch, { recipientId: backup.recipientId, hpkeKey });
    return { recipientId: backup.recipientId, sealed: toBase64Url(sealed) };
  }

  /**
   * Seals to the backup every epoch key this device has a sealed copy of on the server and the backup lacks
   * (history from before recovery was on, keys that arrived while the page was closed). Returns how many.
   */
  catchUp(): Promise<number> {
    this.catchingUp ??= this.sealMissing().finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async sealMissing(): Promise<number> {
    const backup = await this.backup();
    if (!backup?.enabled) return 0;
    const { adapter } = this.options;
    const device = await this.options.device();
    const [mine, backedUp] = await Promise.all([
      adapter.getSealedKeys(device.deviceId),
      adapter.getSealedKeys(backup.recipientId),
    ]);
    const has = new Set(backedUp.map((k) => `${k.epoch}#${k.threadId}`));
    let added = 0;
    for (const copy of mine) {
      if (has.has(`${copy.epoch}#${copy.threadId}`)) continue;
      try {
        const raw = await this.openRaw(copy, device.deviceId, device.hpke);
        const sealed = await this.sealTo(backup, raw, copy.threadId, copy.epoch);
        raw.fill(0);
        await adapter.addSealedKeys(copy.threadId, copy.epoch, [sealed]);
        added++;
      } catch {
        // A copy that does not verify or open is not put into the backup; reading it here fails visibly anyway.
      }
    }
    return added;
  }

  /** Opens a sealed copy after checking its announcement: the raw key, for sealing it again. */
  private async openRaw(copy: SealedKeyRecord, recipientId: string, keyPair: CryptoKeyPair) {
    const announcement = await verifyAnnouncement(
      fromBase64Url(copy.announcement),
      copy.threadId,
      this.options.resolveDeviceKey,
    );
    return openSealedEpochKeyBytes({
      sealed: fromBase64Url(copy.sealed),
      threadId: copy.threadId,
      epoch: copy.epoch,
      recipientId,
      recipientKeyPair: keyPair,
      commitment: announcement.commitment,
    });
  }

  /**
   * Restores a fresh browser: the passphrase opens the backup; the identity (when the backup holds it) signs a
   * new device into the user's device list; every epoch key sealed to the backup is opened, checked against its
   * signed announcement, and stored. Returns the new device. A wrong passphrase changes nothing.
   *
   * A restore cut short once its device was stored (the network failed, the page closed) is finished by the
   * next call, with the device it stored: the backup key and the mark `restoreUnfinished` are written to the
   * vault before the device, and the mark is removed only when every step is done.
   */
  async restore(passphrase: string): Promise<DeviceRecord> {
    const { adapter, vault, userId, now } = this.options;
    const existing = await vault.loadDevice();
    if (existing && !(await this.unfinished())) throw new RecoveryFlowError('setup-not-needed');
    const stored = await adapter.getRecoveryBlob();
    if (!stored) throw new RecoveryFlowError('no-backup');
    const keys = await openRecoveryBackup(fromBase64Url(stored.blob), passphrase, this.options.kdf);
    this.restoring = true;
    try {
      if (existing) {
        await this.finishRestore(existing);
        return existing;
      }
      const recipientId = await backupRecipientIdFor(keys.backupPublicKey);
      await this.keepBackupKey(keys, recipientId);
      await vault.settings.put('restoreUnfinished', now());
      const published = { recipientId, hpkeKey: toBase64Url(await exportSpki(keys.backupPublicKey)) };
      const setup = { adapter, vault, userId, now };
      const record = keys.identityKeyPair
        ? await createRestoredDevice(setup, keys.identityKeyPair, published)
        : // A backup made after the identity existed holds no identity: new keys, and contacts see a change.
          (await createNewIdentityDevice(setup, false)).record;
      await this.finishRestore(record);
      return record;
    } finally {
      this.restoring = false;
    }
  }

  /** The backup's key pair into the vault: from now on new epoch keys are sealed to it too, with no passphrase. */
  private async keepBackupKey(keys: RecoveryKeys, recipientId: string): Promise<void> {
    const at = this.options.now();
    await this.options.vault.settings.put('backup', {
      enabled: true,
      publicKey: keys.backupPublicKey,
      privateKey: keys.backupPrivateKey,
      recipientId,
      iterations: keys.iterations,
      createdAt: at,
      updatedAt: at,
      identityIncluded: !!keys.identityKeyPair,
    });
  }

  /** Whether a restore in an earlier page stopped before it was done (`restore` finishes it). */
  async unfinished(): Promise<boolean> {
    return !this.restoring && (await this.options.vault.settings.get('restoreUnfinished')) !== undefined;
  }

  /**
   * A restore's steps after its device is stored, each one safe to repeat: the device's publication, the backup
   * key in the bundle of a new identity, the epoch keys sealed to the backup; then the mark goes.
   */
  private async finishRestore(record: DeviceRecord): Promise<void> {
    const { adapter, vault, userId, now } = this.options;
    const backup = await this.backup();
    if (!backup) throw new RecoveryFlowError('no-backup', 'The restore lost its backup key');
    await ensurePublished({ adapter, vault, userId, now }, record);
    if (!backup.identityIncluded) await this.republish(backup, record);
    await this.restoreEpochKeys(backup.recipientId, {
      publicKey: backup.publicKey,
      privateKey: backup.privateKey,
    });
    await vault.settings.delete('restoreUnfinished');
  }

  private async restoreEpochKeys(recipientId: string, keyPair: CryptoKeyPair): Promise<number> {
    const { adapter, vault } = this.options;
    let restored = 0;
    for (const copy of await adapter.getSealedKeys(recipientId)) {
      try {
        const announcement = await verifyAnnouncement(
          fromBase64Url(copy.announcement),
          copy.threadId,
          this.options.resolveDeviceKey,
        );
        const key = await openSealedEpochKey({
          sealed: fromBase64Url(copy.sealed),
          threadId: copy.threadId,
          epoch: copy.epoch,
          recipientId,
          recipientKeyPair: keyPair,
          commitment: announcement.commitment,
        });
        await vault.epochKeys.put({
          threadId: copy.threadId,
          epoch: copy.epoch,
          key,
          announcement: copy.announcement,
          sealedTo: announcement.recipients,
        });
        restored++;
      } catch {
        // A copy that fails its checks stays unread; its messages show why when opened.
      }
    }
    return restored;
  }

  /** "Start fresh": new identity and device; the old backup belonged to the old identity and is removed. */
  async startFresh(offerRecovery: boolean): Promise<DeviceRecord> {
    const { adapter, vault, userId, now } = this.options;
    if (await vault.loadDevice()) throw new RecoveryFlowError('setup-not-needed');
    const created = await createNewIdentityDevice({ adapter, vault, userId, now }, offerRecovery);
    await adapter.putRecoveryBlob(null);
    this.identityForBackup = created.extractableIdentity;
    return created.record;
  }

  /** Publishes the user's bundle again with the backup's public key (or none), keeping identity and devices. */
  private async republish(backup: Backup | null, device?: DeviceRecord): Promise<void> {
    const { adapter, userId } = this.options;
    const [bundle] = await adapter.fetchKeys([userId]);
    device ??= await this.options.device();
    if (!bundle || bundle.identityKey !== toBase64Url(await exportSpki(device.identity.publicKey)))
      throw new RecoveryFlowError('not-enabled', 'The server does not hold this device’s keys');
    await adapter.publishKeys({
      identityKey: bundle.identityKey,
      signedDeviceList: bundle.signedDeviceList,
      devices: bundle.devices,
      backup: backup
        ? { recipientId: backup.recipientId, hpkeKey: toBase64Url(await exportSpki(backup.publicKey)) }
        : null,
    });
  }
}
