import { ByteReader, ByteWriter, concat, fromUtf8, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { pad, unpad } from './padding.js';
import { aesGcmDecrypt, aesGcmEncrypt, ecdsaSign, ecdsaVerify, randomBytes } from './primitives.js';
import {
  GCM_NONCE_BYTES,
  GCM_TAG_BYTES,
  LABELS,
  PROTOCOL_VERSION,
  SIGNATURE_BYTES,
  SUITE_P256,
} from './suite.js';

/** The plaintext of an envelope: a JSON object with a `type` (the engine's MessageContent). */
export type EnvelopeContent = { type: string; [field: string]: unknown };

/** What the server may read of an envelope. */
export interface EnvelopeHeader {
  version: number;
  suite: number;
  epoch: number;
  /** Per thread, per sender device, from 1. */
  sequence: number;
  /** The sender's clock, ms since the Unix epoch. */
  timestamp: number;
  threadId: string;
  senderUserId: string;
  senderDeviceId: string;
  clientMessageId: string;
}

export interface EnvelopeParts {
  header: EnvelopeHeader;
  /** The header's bytes exactly as sent: the AES-GCM additional data. */
  headerBytes: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

export function encodeHeader(header: Omit<EnvelopeHeader, 'version' | 'suite'>): Uint8Array {
  return new ByteWriter()
    .u8(PROTOCOL_VERSION)
    .u8(SUITE_P256)
    .u32(header.epoch)
    .u32(header.sequence)
    .u64(header.timestamp)
    .shortString(header.threadId)
    .shortString(header.senderUserId)
    .shortString(header.senderDeviceId)
    .shortString(header.clientMessageId)
    .finish();
}

/** Parses an envelope strictly: every field present, nothing after the signature. */
export function decodeEnvelope(bytes: Uint8Array): EnvelopeParts {
  const reader = new ByteReader(bytes);
  const version = reader.u8();
  if (version !== PROTOCOL_VERSION)
    throw new CryptoError('version-unsupported', `Envelope version ${version}`);
  const suite = reader.u8();
  if (suite !== SUITE_P256) throw new CryptoError('suite-unsupported', `Suite ${suite}`);
  const header: EnvelopeHeader = {
    version,
    suite,
    epoch: reader.u32(),
    sequence: reader.u32(),
    timestamp: reader.u64(),
    threadId: reader.shortString(),
    senderUserId: reader.shortString(),
    senderDeviceId: reader.shortString(),
    clientMessageId: reader.shortString(),
  };
  if (header.sequence === 0) throw new CryptoError('malformed', 'Sequence numbers start at 1');
  const headerBytes = bytes.subarray(0, reader.position);
  const nonce = reader.bytes(GCM_NONCE_BYTES);
  const length = reader.u32();
  if (length < GCM_TAG_BYTES) throw new CryptoError('malformed', 'Ciphertext shorter than its tag');
  const ciphertext = reader.bytes(length);
  const signature = reader.bytes(SIGNATURE_BYTES);
  reader.end();
  return { header, headerBytes, nonce, ciphertext, signature };
}

function signedPart(headerBytes: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const length = new ByteWriter().u32(ciphertext.length).finish();
  return concat(utf8(LABELS.envelope), Uint8Array.of(0), headerBytes, nonce, length, ciphertext);
}

export interface SealEnvelopeInput {
  header: Omit<EnvelopeHeader, 'version' | 'suite'>;
  content: EnvelopeContent;
  epochKey: CryptoKey;
  /** The sender device's ECDSA signing key. */
  signingKey: CryptoKey;
}

/** Encrypts content under the epoch key with the header as AAD, and signs the whole with the device key. */
export async function sealEnvelope(input: SealEnvelopeInput): Promise<Uint8Array> {
  const headerBytes = encodeHeader(input.header);
  const nonce = randomBytes(GCM_NONCE_BYTES);
  const plaintext = pad(utf8(JSON.stringify(input.content)));
  const ciphertext = await aesGcmEncrypt(input.epochKey, nonce, plaintext, headerBytes);
  const signature = await ecdsaSign(input.signingKey, signedPart(headerBytes, nonce, ciphertext));
  return concat(headerBytes, nonce, new ByteWriter().u32(ciphertext.length).finish(), ciphertext, signature);
}

const CONTENT_TYPES = new Set(['text', 'reply', 'edit', 'delete', 'reaction', 'attachment']);

function parseContent(bytes: Uint8Array): EnvelopeContent {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (cause) {
    throw new CryptoError('malformed', 'The plaintext is not JSON', { cause });
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== 'object' || value === null || typeof type !== 'string' || !CONTENT_TYPES.has(type)) {
    throw new CryptoError('malformed', 'The plaintext is not a message');
  }
  return value as EnvelopeContent;
}

export interface OpenEnvelopeContext {
  /** The thread the envelope was delivered in. */
  expectedThreadId: string;
  /** The sender's user id as the server reported it; the header must agree. */
  expectedSenderUserId?: string;
  /** The epoch key, or null when this device has none for that epoch. */
  resolveEpochKey(epoch: number): Promise<CryptoKey | null>;
  /** The device's signing key from the sender's verified device list, or null when it is not in it. */
  resolveDeviceKey(userId: string, deviceId: string): Promise<CryptoKey | null>;
}

/**
 * Opens an envelope. Order matters: the signature is checked before anything is decrypted, so a forged or
 * altered envelope never reaches the cipher. Each refusal is a CryptoError with its reason.
 */
export async function openEnvelope(
  bytes: Uint8Array,
  context: OpenEnvelopeContext,
): Promise<{ header: EnvelopeHeader; content: EnvelopeContent }> {
  const parts = decodeEnvelope(bytes);
  const { header } = parts;
  if (header.threadId !== context.expectedThreadId) throw new CryptoError('wrong-thread');
  if (context.expectedSenderUserId !== undefined && header.senderUserId !== context.expectedSenderUserId) {
    throw new CryptoError('signature-invalid', 'The header names another sender than the server reported');
  }
  const deviceKey = await context.resolveDeviceKey(header.senderUserId, header.senderDeviceId);
  if (!deviceKey) throw new CryptoError('device-unknown');
  const signed = signedPart(parts.headerBytes, parts.nonce, parts.ciphertext);
  if (!(await ecdsaVerify(deviceKey, parts.signature, signed))) throw new CryptoError('signature-invalid');
  const epochKey = await context.resolveEpochKey(header.epoch);
  if (!epochKey) throw new CryptoError('epoch-unknown');
  let padded: Uint8Array;
  try {
    padded = await aesGcmDecrypt(epochKey, parts.nonce, parts.ciphertext, parts.headerBytes);
  } catch (cause) {
    // The signature held, so the bytes are the sender's: a failure here means the sender sealed under
    // another key than the epoch names, or bound another header.
    throw new CryptoError('aad-mismatch', 'The ciphertext does not authenticate under its header', { cause });
  }
  return { header, content: parseContent(unpad(padded)) };
}
