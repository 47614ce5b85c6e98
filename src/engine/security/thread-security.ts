/**
 * The encrypted-thread half of the engine: device keys, epochs and envelopes over one adapter and one vault.
 * It lives in the lazily loaded crypto chunk (see `loadThreadSecurity`).
 */
import {
  AdapterError,
  type ChatAdapter,
  type MessageBody,
  type MessageContent,
  type MessageRecord,
  type Thread,
} from '../../adapter/types.js';
import {
  CryptoError,
  epochKeyCommitment,
  fromBase64Url,
  generateEpochKey,
  importAesGcmKey,
  importEcdsaPublicSpki,
  openEnvelope,
  safetyNumber,
  openSealedEpochKeyBytes,
  parseAnnouncement,
  sealEnvelope,
  sealEpochKeyToMany,
  signAnnouncement,
  toBase64Url,
  verifyAnnouncement,
  verifyDeviceList,
  type EpochReason,
  type KdfOptions,
  type SealTarget,
} from '../../crypto/index.js';
import type { DeviceRecord, PeerRecord, PinnedDevice, Vault } from '../../vault/index.js';
import type { TimelineFailure } from '../../state/timeline.js';
import type { PeerTrust } from '../../state/key-changes.js';
import type { ThreadSecurity } from '../engine.js';
import { TrustError, type ContactSafetyNumber, type TrustActions } from '../trust.js';
import { fileCrypto } from './attachment-crypto.js';
import { SenderSequences, type SequenceChecker } from '../sequence-check.js';
import { DeviceLinkError, DeviceLinks, verifiedOwnList, type DeviceActions } from './device-link.js';
import { DeviceSetupError, type RecoveryActions, type SetupChoice } from '../recovery.js';
import { createNewIdentityDevice, ensurePublished, setupChoices } from './device-setup.js';
import { AccountRecovery } from './recovery.js';
import { MembershipLedger } from './membership-ledger.js';

const ROTATE_AFTER_MESSAGES = 100;
const ROTATE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export interface ThreadSecurityOptions {
  adapter: ChatAdapter;
  vault: Vault;
  userId: string;
  now?: () => number;
  /**
   * A pinned contact's identity key or signed device list changed, or the server listed a device their identity
   * never signed (`untrusted-device`, ignored). `wasVerified`: the contact had been verified.
   */
  onKeyChange?: (userId: string, wasVerified: boolean, kind: KeyChangeKind) => void;
  /** A contact's trust state changed (pinned, verified, changed, settled): feeds the UI's key-change store. */
  onTrust?: (userId: string, trust: PeerTrust) => void;
  /**
   * This browser's vault is empty but the user has keys on the server: nothing was created; the UI asks which
   * of `choices` to take (device-setup.ts) and calls `recovery.restore` or `recovery.startFresh`.
   */
  onSetupNeeded?: (choices: SetupChoice[]) => void;
  /** Offer the opt-in recovery passphrase when this page creates the user's identity (the UI passes true). */
  offerRecovery?: boolean;
  /** The identity was created on this page and recovery may be offered now (only with `offerRecovery`). */
  onRecoveryOffer?: () => void;
  /** Tests only: fewer PBKDF2 iterations for recovery backups. Production never passes it. */
  recoveryKdf?: KdfOptions;
}

export type KeyChangeKind = 'identity' | 'devices' | 'untrusted-device';

const sameDevices = (a: PinnedDevice[], b: PinnedDevice[]) =>
  a.length === b.length &&
  a.every((d) =>
    b.some((e) => e.deviceId === d.deviceId && e.signingKey === d.signingKey && e.hpkeKey === d.hpkeKey),
  );

/** The last identity change, while the user has not looked at it. */
const openChange = (peer: PeerRecord) => {
  const last = peer.keyChanges.at(-1);
  return last && !last.resolvedAt ? last : null;
};

/** A verified contact's key changed and the user has not chosen: nothing may be sealed to them. */
const blocksSending = (peer: PeerRecord) => !peer.verified && !!openChange(peer)?.wasVerified;

/** Verified devices of one user, as their identity key signed them. */
interface TrustedDevices {
  devices: PinnedDevice[];
  signingKeys: Map<string, CryptoKey>;
}

export class EncryptedThreads implements ThreadSecurity, TrustActions {
  private device: Promise<DeviceRecord> | null = null;
  private readonly trusted = new Map<string, Promise<TrustedDevices>>();
  /** When a contact's signed device list last changed (this page's life), until the user dismisses it. */
  private readonly deviceChanges = new Map<string, number>();
  /** Unsigned devices the server listed, per contact, already reported. */
  private readonly untrusted = new Map<string, Set<string>>();
  private readonly now: () => number;
  readonly files = fileCrypto;
  readonly trust: TrustActions = this;
  private senderSequences: SenderSequences | null = null;
  private readonly backup: AccountRecovery;
  /** Recovery as the UI sees it: status, turn on and off, change the passphrase, restore or start fresh. */
  readonly recovery: RecoveryActions;
  /** Memberships this device saw, and saw end: a removal the server undoes is not believed. */
  readonly members: MembershipLedger;
  /** Replays dropped, gaps marked, per sender device (sequence-check.ts). */
  readonly sequences: SequenceChecker = {
    check: async (threadId, events, shown) => {
      if (!this.senderSequences) {
        const device = await this.ensureDevice().catch((error: unknown) => {
          if (error instanceof DeviceSetupError) return null;
          throw error;
        });
        // No keys here yet: nothing was opened, so there is no order to check.
        if (!device) return { put: events, remove: [] };
        this.senderSequences = new SenderSequences(this.options.vault.counters, device.deviceId);
      }
      return this.senderSequences.check(threadId, events, shown);
    },
  };

  /** Unknown sender devices already looked up again (a contact may have linked one since we fetched). */
  private readonly refetched = new Set<string>();
  /** Linked devices: link, list, revoke (device-link.ts). */
  readonly devices: DeviceActions;

  constructor(private readonly options: ThreadSecurityOptions) {
    this.now = options.now ?? Date.now;
    this.devices = new DeviceLinks({
      adapter: options.adapter,
      vault: options.vault,
      userId: options.userId,
      now: this.now,
      ensureDevice: () => this.ensureDevice(),
      holdDevice: (device) => {
        // While a link runs, ensureDevice waits for it instead of creating an identity; if it fails, it may again.
        this.device = device;
        device.catch(() => {
          if (this.device === device) this.device = null;
        });
      },
      ownListChanged: () => this.trusted.delete(options.userId),
    });
    this.backup = new AccountRecovery({
      adapter: options.adapter,
      vault: options.vault,
      userId: options.userId,
      now: this.now,
      device: () => this.ensureDevice(),
      resolveDeviceKey: (user, id) => this.deviceKey(user, id),
      kdf: options.recoveryKdf,
    });
    const backup = this.backup;
    this.recovery = {
      status: () => backup.status(),
      enable: (passphrase) => backup.enable(passphrase),
      changePassphrase: (old, next) => backup.changePassphrase(old, next),
      disable: () => backup.disable(),
      declineOffer: () => backup.declineOffer(),
      restore: async (passphrase) => this.setUp(backup.restore(passphrase)),
      startFresh: async () => {
        await this.setUp(backup.startFresh(!!options.offerRecovery));
        if (options.offerRecovery) options.onRecoveryOffer?.();
      },
    };
    this.members = new MembershipLedger(options.vault, options.userId);
  }

  /**
   * This browser's device: loaded from the vault, or, for a user with no keys anywhere, created and published.
   * A user who has keys on the server gets DeviceSetupError instead (device-setup.ts decides), and nothing is
   * created until they choose.
   */
  ensureDevice(): Promise<DeviceRecord> {
    if (!this.device) {
      const pending = this.loadOrCreateDevice();
      this.device = pending;
      pending.catch(() => {
        if (this.device === pending) this.device = null;
      });
    }
    return this.device;
  }

  private async loadOrCreateDevice(): Promise<DeviceRecord> {
    const { vault, adapter, userId } = this.options;
    const existing = await vault.loadDevice();
    // A restore an earlier page began and did not finish: the user restores again, and it goes on from there.
    if (existing && (await this.backup.unfinished())) {
      this.options.onSetupNeeded?.(['finish-restore']);
      throw new DeviceSetupError(['finish-restore']);
    }
    if (existing) {
      await ensurePublished({ adapter, vault, userId, now: this.now }, existing);
      return existing;
    }
    const choices = await setupChoices(adapter, userId);
    if (choices) {
      this.options.onSetupNeeded?.(choices);
      throw new DeviceSetupError(choices);
    }
    const offer = !!this.options.offerRecovery;
    const created = await createNewIdentityDevice({ adapter, vault, userId, now: this.now }, offer);
    this.backup.holdIdentity(created.extractableIdentity);
    if (offer) this.options.onRecoveryOffer?.();
    return created.record;
  }

  /** After a restore or a fresh start: the new device is this browser's, and the user's own list is re-read. */
  private async setUp(created: Promise<DeviceRecord>): Promise<void> {
    const record = await created;
    this.device = Promise.resolve(record);
    this.trusted.delete(this.options.userId);
  }

  /**
   * A user's devices that their identity key signed. The identity key is pinned on first sight (trust on first
   * use). A changed key or device list is pinned with the change recorded and reported through onKeyChange; the
   * devices are used for reading, and for sealing unless the contact was verified and the user has not chosen
   * yet (see `recipients`). A device the server lists without the identity's signature is ignored and reported.
   */
  private devicesOf(userId: string): Promise<TrustedDevices> {
    let pending = this.trusted.get(userId);
    if (!pending) {
      pending = this.fetchDevices(userId);
      this.trusted.set(userId, pending);
      pending.catch(() => this.trusted.delete(userId));
    }
    return pending;
  }

  private async fetchDevices(userId: string): Promise<TrustedDevices> {
    const [bundle] = await this.options.adapter.fetchKeys([userId]);
    if (!bundle) return { devices: [], signingKeys: new Map() };
    const self = userId === this.options.userId;
    // Our own list is checked with the identity key this vault holds, never the one the server sends.
    const identityKey = self
      ? (await this.ensureDevice()).identity.publicKey
      : await importEcdsaPublicSpki(fromBase64Url(bundle.identityKey));
    const list = self
      ? await verifiedOwnList(this.options.vault, userId, bundle, identityKey)
      : await verifyDeviceList(fromBase64Url(bundle.signedDeviceList), identityKey, userId);
    const devices = list.devices.map((d) => ({
      deviceId: d.deviceId,
      signingKey: toBase64Url(d.signingKey),
      hpkeKey: toBase64Url(d.hpkeKey),
    }));
    if (!self) {
      const { peers } = this.options.vault;
      const before = await peers.get(userId);
      // A list older than one seen under the same identity is a rollback (a revoked device put back).
      if (before?.identityKey === bundle.identityKey && (before.listVersion ?? 0) > list.version)
        throw new CryptoError('replayed', `${userId}'s device list is older than one seen before`);
      const pin = await peers.pin(userId, bundle.identityKey, devices, this.now(), list.version);
      const unsigned = bundle.devices
        .filter((d) => !devices.some((s) => sameDevices([s], [d])))
        .map((d) => d.deviceId);
      const reported = this.untrusted.get(userId) ?? new Set<string>();
      const fresh = unsigned.filter((id) => !reported.has(id));
      for (const id of fresh) reported.add(id);
      this.untrusted.set(userId, reported);
      if (pin.status === 'changed') {
        this.options.onKeyChange?.(userId, pin.wasVerified, 'identity');
      } else if (before && !sameDevices(before.devices, devices)) {
        this.deviceChanges.set(userId, this.now());
        this.options.onKeyChange?.(userId, pin.peer.verified, 'devices');
      }
      if (fresh.length) this.options.onKeyChange?.(userId, pin.peer.verified, 'untrusted-device');
      this.publish(pin.peer);
    }
    const signingKeys = new Map<string, CryptoKey>();
    for (const device of list.devices) {
      signingKeys.set(device.deviceId, await importEcdsaPublicSpki(device.signingKey));
    }
    return { devices, signingKeys };
  }

  private async deviceKey(userId: string, deviceId: string): Promise<CryptoKey | null> {
    const known = (await this.devicesOf(userId)).signingKeys.get(deviceId);
    if (known) return known;
    // A device linked since the list was fetched: ask once more per device and page life.
    const key = `${userId}\n${deviceId}`;
    if (this.refetched.has(key)) return null;
    this.refetched.add(key);
    this.trusted.delete(userId);
    return (await this.devicesOf(userId)).signingKeys.get(deviceId) ?? null;
  }

  /**
   * Every device of every participant this device believes (membership-ledger.ts): who a new epoch is sealed to.
   * Refuses (`key-change-unresolved`) while a verified participant's key change waits for the user, so nothing is
   * sealed, and so nothing sent, there. `owners`, when given, learns whose device each target is.
   */
  private async recipients(thread: Thread, owners?: Map<string, string>): Promise<SealTarget[]> {
    const targets: SealTarget[] = [];
    for (const participant of await this.members.believed(thread)) {
      this.trusted.delete(participant.userId); // refresh device lists before sealing
      const { devices } = await this.devicesOf(participant.userId);
      if (participant.userId === this.options.userId) {
        const { deviceId } = await this.ensureDevice();
        // (No list at all is a server that lost it, not a revocation: the first seal publishes one.)
        if (devices.length > 0 && !devices.some((d) => d.deviceId === deviceId))
          throw new DeviceLinkError('revoked', 'This device was removed from the signed device list');
      }
      const peer = await this.options.vault.peers.get(participant.userId);
      if (peer && blocksSending(peer)) throw new TrustError('key-change-unresolved', participant.userId);
      for (const device of devices) {
        targets.push({ recipientId: device.deviceId, hpkeKey: fromBase64Url(device.hpkeKey) });
        owners?.set(device.deviceId, participant.userId);
      }
    }
    return targets;
  }

  /** What the UI shows for a contact, from the pinned record and this page's reports. */
  private publish(peer: PeerRecord): void {
    const identity = openChange(peer);
    const devicesAt = this.deviceChanges.get(peer.userId);
    const trust: PeerTrust = {
      verified: peer.verified,
      change: identity
        ? { kind: 'identity', blocking: blocksSending(peer), seenAt: identity.seenAt }
        : devicesAt
          ? { kind: 'devices', blocking: false, seenAt: devicesAt }
          : null,
      untrustedDevices: [...(this.untrusted.get(peer.userId) ?? [])],
    };
    this.options.onTrust?.(peer.userId, trust);
  }

  private async pinned(userId: string): Promise<PeerRecord> {
    const peer = await this.options.vault.peers.get(userId);
    if (!peer) throw new TrustError('not-pinned', userId);
    return peer;
  }

  async safetyNumber(userId: string): Promise<ContactSafetyNumber> {
    const device = await this.ensureDevice();
    this.trusted.delete(userId); // show the number of the key the server gives now
    await this.devicesOf(userId);
    const peer = await this.pinned(userId);
    const number = await safetyNumber(
      { identityKey: device.identity.publicKey, userId: this.options.userId },
      { identityKey: await importEcdsaPublicSpki(fromBase64Url(peer.identityKey)), userId },
    );
    return { ...number, identityKey: peer.identityKey };
  }

  async setVerified(userId: string, verified: boolean, identityKey?: string): Promise<void> {
    const peer = await this.pinned(userId);
    if (identityKey !== undefined && peer.identityKey !== identityKey)
      throw new TrustError('key-changed', userId);
    const { peers } = this.options.vault;
    if (verified) await this.settle(peer);
    this.deviceChanges.delete(userId);
    this.publish(await peers.setVerified(userId, verified));
  }

  async acceptKeyChange(userId: string): Promise<void> {
    this.deviceChanges.delete(userId);
    this.publish(await this.settle(await this.pinned(userId)));
  }

  /** Marks the open key change as looked at. */
  private async settle(peer: PeerRecord): Promise<PeerRecord> {
    const last = openChange(peer);
    if (!last) return peer;
    const settled = {
      ...peer,
      keyChanges: [...peer.keyChanges.slice(0, -1), { ...last, resolvedAt: this.now() }],
    };
    await this.options.vault.peers.put(settled);
    return settled;
  }

  private async createEpoch(thread: Thread, epoch: number, reason: EpochReason): Promise<CryptoKey> {
    const device = await this.ensureDevice();
    const targets = await this.recipients(thread);
    const fresh = await generateEpochKey();
    const announcement = await signAnnouncement(
      {
        threadId: thread.id,
        epoch,
        creatorUserId: this.options.userId,
        creatorDeviceId: device.deviceId,
        createdAt: this.now(),
        reason,
        commitment: await epochKeyCommitment(fresh.raw),
        recipients: targets.map((t) => t.recipientId),
      },
      device.signing.privateKey,
    );
    const sealed = await sealEpochKeyToMany(fresh.raw, thread.id, epoch, targets);
    // The backup's copy travels with the devices' copies but is not in the announcement's recipients, which
    // name devices only (they drive rotation).
    const backupCopy = await this.backup.sealForBackup(fresh.raw, thread.id, epoch);
    fresh.raw.fill(0);
    const result = await this.options.adapter.putEpochKeys({
      threadId: thread.id,
      epoch,
      announcement: toBase64Url(announcement),
      sealed: [
        ...sealed.map((s) => ({ recipientId: s.recipientId, sealed: toBase64Url(s.sealed) })),
        ...(backupCopy ? [backupCopy] : []),
      ],
    });
    if (result.status === 'conflict') {
      // Another member created this epoch first: adopt theirs.
      const adopted = await this.fetchEpochKey(thread, epoch);
      if (!adopted) throw new CryptoError('epoch-unknown', `Epoch ${epoch} was created without this device`);
      return adopted;
    }
    await this.options.vault.epochKeys.put({
      threadId: thread.id,
      epoch,
      key: fresh.key,
      announcement: toBase64Url(announcement),
      sealedTo: targets.map((t) => t.recipientId),
    });
    return fresh.key;
  }

  /** Fetches, verifies and stores this device's sealed copy of an epoch key; null when there is none. */
  private async fetchEpochKey(thread: Thread, epoch: number): Promise<CryptoKey | null> {
    const device = await this.ensureDevice();
    const sealedKeys = await this.options.adapter
      .getSealedKeys(device.deviceId, { threadId: thread.id })
      .catch((error: unknown) => {
        // A revoked device is no longer the user's on the server: it holds no key, like any stranger.
        if (error instanceof AdapterError && error.reason === 'not-your-device') return [];
        throw error;
      });
    const mine = sealedKeys.find((k) => k.epoch === epoch && k.threadId === thread.id);
    if (!mine) return null;
    const announcementBytes = fromBase64Url(mine.announcement);
    const announcement = await verifyAnnouncement(announcementBytes, thread.id, (user, id) =>
      this.deviceKey(user, id),
    );
    if (announcement.epoch !== epoch)
      throw new CryptoError('wrong-recipient', 'The announcement is for another epoch');
    const raw = await openSealedEpochKeyBytes({
      sealed: fromBase64Url(mine.sealed),
      threadId: thread.id,
      epoch,
      recipientId: device.deviceId,
      recipientKeyPair: device.hpke,
      commitment: announcement.commitment,
    });
    const key = await importAesGcmKey(raw);
    // The raw key is in hand only now: the backup gets its copy before the bytes are overwritten.
    await this.backup.keep(raw, thread.id, epoch).catch(() => undefined);
    raw.fill(0);
    await this.options.vault.epochKeys.put({
      threadId: thread.id,
      epoch,
      key,
      announcement: mine.announcement,
      sealedTo: announcement.recipients,
    });
    return key;
  }

  private async epochKey(thread: Thread, epoch: number): Promise<CryptoKey | null> {
    const stored = await this.options.vault.epochKeys.get(thread.id, epoch);
    return stored?.key ?? this.fetchEpochKey(thread, epoch);
  }

  /** Why the current epoch must be replaced before sending, or null when it may be used. */
  private async rotationReason(
    thread: Thread,
    announcement: string,
    messageCount: number,
  ): Promise<EpochReason | null> {
    const parsed = parseAnnouncement(fromBase64Url(announcement));
    if (messageCount >= ROTATE_AFTER_MESSAGES) return 'rotate-count';
    if (this.now() - parsed.createdAt >= ROTATE_AFTER_MS) return 'rotate-age';
    const owners = new Map<string, string>();
    const current = new Set((await this.recipients(thread, owners)).map((t) => t.recipientId));
    const sealedTo = new Set(parsed.recipients);
    if ([...sealedTo].some((id) => !current.has(id))) return 'leave';
    const added = [...current].filter((id) => !sealedTo.has(id));
    if (!added.length) return null;
    // A participant who had no device in this epoch, though already a member when it began, was pending.
    const pendingBefore = (userId: string) => {
      const joinedAt = Date.parse(thread.participants.find((p) => p.userId === userId)?.joinedAt ?? '');
      const hadDevice = [...owners].some(([id, owner]) => owner === userId && sealedTo.has(id));
      return !hadDevice && joinedAt <= parsed.createdAt;
    };
    return added.every((id) => pendingBefore(owners.get(id) ?? '')) ? 'pending-device' : 'join';
  }

  /** Compares participant lists with what this device saw before, and remembers them (membership-ledger.ts). */
  observeMembers(threads: readonly Thread[]): Promise<void> {
    return this.members.observe(
      threads.filter((t) => t.participants.some((p) => p.userId === this.options.userId)),
    );
  }

  /** This device removed a member: that membership is never sealed to again, whatever the server lists. */
  endMembership(threadId: string, membership: { userId: string; joinedAt: string }): Promise<void> {
    return this.members.end(threadId, membership);
  }

  /**
   * Participants (believed, not this user) who have published no device their identity signed: nothing can be
   * sealed to them yet. The next send after their device appears starts an epoch that includes it.
   */
  async pendingMembers(thread: Thread): Promise<string[]> {
    const pending: string[] = [];
    for (const participant of await this.members.believed(thread)) {
      if (participant.userId === this.options.userId) continue;
      if ((await this.devicesOf(participant.userId)).devices.length === 0) pending.push(participant.userId);
    }
    return pending;
  }

  /** A live event said a user published keys: their devices are fetched again when next needed. */
  keysChanged(userId: string): void {
    this.trusted.delete(userId);
  }

  async prepare(): Promise<void> {
    try {
      await this.ensureDevice();
    } catch (error) {
      // Reported through onSetupNeeded; the widget keeps working for plain threads meanwhile.
      if (error instanceof DeviceSetupError) return;
      throw error;
    }
    // The backup gets the keys that arrived while this page was closed (a no-op with recovery off).
    void this.backup.catchUp().catch(() => undefined);
    if (this.options.offerRecovery && (await this.backup.status()).offerDue) this.options.onRecoveryOffer?.();
    // Verified badges and open key changes from earlier visits.
    for (const peer of await this.options.vault.peers.list()) this.publish(peer);
  }

  async start(thread: Thread): Promise<void> {
    const epochs = await this.options.adapter.listEpochs(thread.id);
    if (epochs.length === 0) await this.createEpoch(thread, 1, 'enable');
  }

  async seal(thread: Thread, clientId: string, content: MessageContent): Promise<MessageBody> {
    const device = await this.ensureDevice();
    const epochs = await this.options.adapter.listEpochs(thread.id);
    const newest = epochs.reduce((max, e) => Math.max(max, e.epoch), 0);
    let epoch = newest;
    let key = newest ? await this.epochKey(thread, newest) : null;
    if (!key) {
      key = await this.createEpoch(thread, newest + 1, newest ? 'join' : 'enable');
      epoch = newest + 1;
    } else {
      const stored = (await this.options.vault.epochKeys.get(thread.id, epoch))!;
      const reason = await this.rotationReason(thread, stored.announcement, stored.messageCount);
      if (reason) {
        epoch += 1;
        key = await this.createEpoch(thread, epoch, reason);
      }
    }
    const sequence = await this.options.vault.nextSequence(thread.id);
    const envelope = await sealEnvelope({
      header: {
        epoch,
        sequence,
        timestamp: this.now(),
        threadId: thread.id,
        senderUserId: this.options.userId,
        senderDeviceId: device.deviceId,
        clientMessageId: clientId,
      },
      content,
      epochKey: key,
      signingKey: device.signing.privateKey,
    });
    await this.options.vault.epochKeys.countMessage(thread.id, epoch);
    return { kind: 'envelope', envelope: toBase64Url(envelope) };
  }

  async open(
    thread: Thread,
    record: MessageRecord,
  ): Promise<
    { content: MessageContent; sender: { deviceId: string; sequence: number } } | { failure: TimelineFailure }
  > {
    if (record.body.kind !== 'envelope') return { failure: { reason: 'malformed', expected: false } };
    try {
      const opened = await openEnvelope(fromBase64Url(record.body.envelope), {
        expectedThreadId: thread.id,
        expectedSenderUserId: record.senderId,
        resolveEpochKey: (epoch) => this.epochKey(thread, epoch),
        resolveDeviceKey: (userId, deviceId) => this.deviceKey(userId, deviceId),
      });
      if (opened.header.clientMessageId !== record.clientId) {
        return { failure: { reason: 'malformed', expected: false } };
      }
      const { senderDeviceId: deviceId, sequence } = opened.header;
      return { content: opened.content as MessageContent, sender: { deviceId, sequence } };
    } catch (error) {
      if (error instanceof DeviceSetupError) return { failure: { reason: 'setup-needed', expected: true } };
      if (!(error instanceof CryptoError)) throw error;
      // A key this device never received is expected for messages from before it joined the thread, or from
      // before this device existed; any other failure is a real one.
      if (error.reason === 'epoch-unknown') {
        const me = thread.participants.find((p) => p.userId === this.options.userId);
        if (me && record.createdAt < me.joinedAt)
          return { failure: { reason: 'before-join', expected: true } };
        const device = await this.ensureDevice();
        if (Date.parse(record.createdAt) < device.createdAt) {
          return { failure: { reason: 'device-added-later', expected: true } };
        }
      }
      return { failure: { reason: error.reason, expected: false } };
    }
  }
}
