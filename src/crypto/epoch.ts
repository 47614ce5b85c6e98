import { ByteReader, ByteWriter, concat, equalBytes, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { hpkeSuite } from './hpke.js';
import {
  ecdsaSign,
  ecdsaVerify,
  importAesGcmKey,
  importEcdhPublicSpki,
  randomBytes,
  sha256,
} from './primitives.js';
import { AES_GCM_KEY_BYTES, LABELS, PROTOCOL_VERSION, SIGNATURE_BYTES, SUITE_P256 } from './suite.js';

/**
 * Why an epoch began (PROTOCOL.md, rotation rules). `pending-device`: a participant who had no device yet
 * (pending) now has one, and the epoch is started so that it includes that device.
 */
export type EpochReason =
  'enable' | 'join' | 'leave' | 'revoke' | 'rotate-count' | 'rotate-age' | 'pending-device';
/** The reason's byte in the signed announcement. */
export const EPOCH_REASON_CODES: Readonly<Record<EpochReason, number>> = {
  enable: 1,
  join: 2,
  leave: 3,
  revoke: 4,
  'rotate-count': 5,
  'rotate-age': 6,
  'pending-device': 7,
};
const REASON_CODES = EPOCH_REASON_CODES;

/** A fresh epoch key: the raw bytes (to seal, then drop) and a non-extractable AES-GCM key (to keep). */
export async function generateEpochKey(): Promise<{ raw: Uint8Array; key: CryptoKey }> {
  const raw = randomBytes(AES_GCM_KEY_BYTES);
  return { raw, key: await importAesGcmKey(raw) };
}

/** SHA-256(label || 0x00 || key): published in the signed announcement so a sealed key can be checked. */
export function epochKeyCommitment(raw: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(utf8(LABELS.keyCommitment), Uint8Array.of(0), raw));
}

/** HPKE `info`: label || 0x00 || u8 len thread || u32 epoch || u8 len recipient. */
export function epochKeyInfo(threadId: string, epoch: number, recipientId: string): Uint8Array {
  return new ByteWriter()
    .bytes(utf8(LABELS.epochKey))
    .u8(0)
    .shortString(threadId)
    .u32(epoch)
    .shortString(recipientId)
    .finish();
}

export interface SealTarget {
  recipientId: string;
  /** SPKI of the recipient's HPKE (ECDH P-256) public key. */
  hpkeKey: Uint8Array;
}

/** Seals an epoch key to one recipient: u8 version || u8 suite || u16 len enc || enc || HPKE ciphertext. */
export async function sealEpochKey(
  raw: Uint8Array,
  threadId: string,
  epoch: number,
  target: SealTarget,
): Promise<Uint8Array> {
  const recipientPublicKey = await importEcdhPublicSpki(target.hpkeKey);
  const sealed = await hpkeSuite().seal(
    { recipientPublicKey, info: epochKeyInfo(threadId, epoch, target.recipientId) },
    raw,
  );
  return new ByteWriter()
    .u8(PROTOCOL_VERSION)
    .u8(SUITE_P256)
    .shortBytes(new Uint8Array(sealed.enc))
    .bytes(new Uint8Array(sealed.ct))
    .finish();
}

/** Seals one epoch key to many devices at once. */
export function sealEpochKeyToMany(
  raw: Uint8Array,
  threadId: string,
  epoch: number,
  targets: SealTarget[],
): Promise<Array<{ recipientId: string; sealed: Uint8Array }>> {
  return Promise.all(
    targets.map(async (target) => ({
      recipientId: target.recipientId,
      sealed: await sealEpochKey(raw, threadId, epoch, target),
    })),
  );
}

/**
 * Opens a sealed epoch key addressed to this device for this thread and epoch, and checks it against the
 * commitment of the signed announcement: HPKE base mode does not authenticate the sender, so without that
 * check anyone holding the recipient's public key (the server) could hand it a key of their own.
 */
export async function openSealedEpochKey(options: OpenSealedOptions): Promise<CryptoKey> {
  const raw = await openSealedEpochKeyBytes(options);
  const key = await importAesGcmKey(raw);
  raw.fill(0);
  return key;
}

export interface OpenSealedOptions {
  sealed: Uint8Array;
  threadId: string;
  epoch: number;
  recipientId: string;
  recipientKeyPair: CryptoKeyPair;
  commitment: Uint8Array;
}

/**
 * `openSealedEpochKey`, returning the raw key bytes once they match the commitment: for sealing the same key to
 * the user's recovery backup at the moment it arrives. The caller overwrites the bytes when done.
 */
export async function openSealedEpochKeyBytes(options: OpenSealedOptions): Promise<Uint8Array> {
  const reader = new ByteReader(options.sealed);
  if (reader.u8() !== PROTOCOL_VERSION) throw new CryptoError('version-unsupported');
  if (reader.u8() !== SUITE_P256) throw new CryptoError('suite-unsupported');
  const enc = reader.shortBytes();
  const ciphertext = reader.bytes(reader.remaining);
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(
      await hpkeSuite().open(
        {
          recipientKey: options.recipientKeyPair,
          enc,
          info: epochKeyInfo(options.threadId, options.epoch, options.recipientId),
        },
        ciphertext,
      ),
    );
  } catch (cause) {
    throw new CryptoError('wrong-recipient', 'The sealed key is not for this device, thread and epoch', {
      cause,
    });
  }
  if (raw.length !== AES_GCM_KEY_BYTES || !equalBytes(await epochKeyCommitment(raw), options.commitment)) {
    raw.fill(0);
    throw new CryptoError('key-commitment-mismatch', 'The sealed key is not the one the announcement names');
  }
  return raw;
}

export interface EpochAnnouncement {
  threadId: string;
  epoch: number;
  creatorUserId: string;
  creatorDeviceId: string;
  createdAt: number;
  reason: EpochReason;
  /** epochKeyCommitment of the epoch key. */
  commitment: Uint8Array;
  /** Device (and backup) ids the creator sealed the key to. */
  recipients: string[];
}

function encodeAnnouncement(a: EpochAnnouncement): Uint8Array {
  const writer = new ByteWriter()
    .u8(PROTOCOL_VERSION)
    .u8(SUITE_P256)
    .shortString(a.threadId)
    .u32(a.epoch)
    .shortString(a.creatorUserId)
    .shortString(a.creatorDeviceId)
    .u64(a.createdAt)
    .u8(REASON_CODES[a.reason])
    .bytes(a.commitment)
    .u16(a.recipients.length);
  for (const recipient of a.recipients) writer.shortString(recipient);
  return writer.finish();
}

function announcementSignedPart(body: Uint8Array): Uint8Array {
  return concat(utf8(LABELS.announcement), Uint8Array.of(0), body);
}

/** body || 64-byte ECDSA signature by the creator device. */
export async function signAnnouncement(
  a: EpochAnnouncement,
  deviceSigningKey: CryptoKey,
): Promise<Uint8Array> {
  if (a.commitment.length !== 32) throw new CryptoError('malformed', 'A commitment is 32 bytes');
  const body = encodeAnnouncement(a);
  return concat(body, await ecdsaSign(deviceSigningKey, announcementSignedPart(body)));
}

/** Reads an announcement without checking its signature (to learn which device key to check it with). */
export function parseAnnouncement(signed: Uint8Array): EpochAnnouncement {
  if (signed.length <= SIGNATURE_BYTES) throw new CryptoError('malformed', 'Announcement too short');
  const reader = new ByteReader(signed.subarray(0, signed.length - SIGNATURE_BYTES));
  if (reader.u8() !== PROTOCOL_VERSION) throw new CryptoError('version-unsupported');
  if (reader.u8() !== SUITE_P256) throw new CryptoError('suite-unsupported');
  const threadId = reader.shortString();
  const epoch = reader.u32();
  const creatorUserId = reader.shortString();
  const creatorDeviceId = reader.shortString();
  const createdAt = reader.u64();
  const code = reader.u8();
  const reason = (Object.keys(REASON_CODES) as EpochReason[]).find((r) => REASON_CODES[r] === code);
  if (!reason) throw new CryptoError('malformed', `Unknown epoch reason ${code}`);
  const commitment = reader.bytes(32);
  const count = reader.u16();
  const recipients: string[] = [];
  for (let i = 0; i < count; i++) recipients.push(reader.shortString());
  reader.end();
  return { threadId, epoch, creatorUserId, creatorDeviceId, createdAt, reason, commitment, recipients };
}

/**
 * Verifies an announcement for the thread it was delivered in. `resolveDeviceKey` returns the creator device's
 * signing key from the creator's verified device list, or null when that device is not in it.
 */
export async function verifyAnnouncement(
  signed: Uint8Array,
  expectedThreadId: string,
  resolveDeviceKey: (userId: string, deviceId: string) => Promise<CryptoKey | null>,
): Promise<EpochAnnouncement> {
  const announcement = parseAnnouncement(signed);
  if (announcement.threadId !== expectedThreadId) throw new CryptoError('wrong-thread');
  const key = await resolveDeviceKey(announcement.creatorUserId, announcement.creatorDeviceId);
  if (!key)
    throw new CryptoError('device-unknown', 'The announcing device is not in its owner’s device list');
  const body = signed.subarray(0, signed.length - SIGNATURE_BYTES);
  const signature = signed.subarray(signed.length - SIGNATURE_BYTES);
  if (!(await ecdsaVerify(key, signature, announcementSignedPart(body)))) {
    throw new CryptoError('signature-invalid', 'The announcement signature does not verify');
  }
  return announcement;
}
