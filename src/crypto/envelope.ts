import type { MessageContent } from '../adapter/types.js';
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

/** The plaintext of an envelope: one MessageContent of the backend contract, as JSON. */
export type EnvelopeContent = MessageContent;

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

/** The header alone, parsed from a whole envelope with the same strictness (what a server reads). */
export function decodeEnvelopeHeader(bytes: Uint8Array): EnvelopeHeader {
  return decodeEnvelope(bytes).header;
}

/** Lays out an envelope from its parts: header || nonce || u32 N || ciphertext || signature. */
export function encodeEnvelope(parts: {
  headerBytes: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}): Uint8Array {
  if (parts.nonce.length !== GCM_NONCE_BYTES) throw new CryptoError('malformed', 'A nonce is 12 bytes');
  if (parts.ciphertext.length < GCM_TAG_BYTES) throw new CryptoError('malformed', 'Ciphertext without tag');
  if (parts.signature.length !== SIGNATURE_BYTES)
    throw new CryptoError('malformed', 'A signature is 64 bytes');
  const length = new ByteWriter().u32(parts.ciphertext.length).finish();
  return concat(parts.headerBytes, parts.nonce, length, parts.ciphertext, parts.signature);
}

/** label || 0x00, encoded once: every signature and verification starts with it. */
const SIGNED_PREFIX = concat(utf8(LABELS.envelope), Uint8Array.of(0));

function signedPart(headerBytes: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const length = new ByteWriter().u32(ciphertext.length).finish();
  return concat(SIGNED_PREFIX, headerBytes, nonce, length, ciphertext);
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
  // The same check a receiver makes, so that nothing is sent that every receiver would refuse.
  const plaintext = pad(utf8(JSON.stringify(checkContent(input.content))));
  const ciphertext = await aesGcmEncrypt(input.epochKey, nonce, plaintext, headerBytes);
  const signature = await ecdsaSign(input.signingKey, signedPart(headerBytes, nonce, ciphertext));
  return encodeEnvelope({ headerBytes, nonce, ciphertext, signature });
}

type FieldKind = 'string' | 'number' | 'boolean' | 'strings';
/** Required and optional fields of each event kind (src/adapter/types.ts MessageContent). */
const CONTENT_SHAPES: Record<
  MessageContent['type'],
  { required: Record<string, FieldKind>; optional: Record<string, FieldKind> }
> = {
  text: { required: { text: 'string' }, optional: { mentions: 'strings' } },
  reply: { required: { target: 'string', text: 'string' }, optional: { mentions: 'strings' } },
  edit: { required: { target: 'string', text: 'string' }, optional: { mentions: 'strings' } },
  delete: { required: { target: 'string' }, optional: {} },
  reaction: { required: { target: 'string', emoji: 'string' }, optional: { remove: 'boolean' } },
  attachment: {
    required: { blobId: 'string', name: 'string', mime: 'string', size: 'number' },
    optional: { sha256: 'string', key: 'string', caption: 'string', replyTo: 'string' },
  },
};

function hasKind(value: unknown, kind: FieldKind): boolean {
  if (kind === 'strings') return Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === kind;
}

/** Checks that a value is one well-formed MessageContent (known kind, typed fields); else 'malformed'. */
export function checkContent(value: unknown): EnvelopeContent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CryptoError('malformed', 'The plaintext is not a message');
  }
  const record = value as Record<string, unknown>;
  const type = record['type'];
  if (typeof type !== 'string' || !Object.hasOwn(CONTENT_SHAPES, type)) {
    throw new CryptoError('malformed', 'The plaintext is not a known event kind');
  }
  const shape = CONTENT_SHAPES[type as MessageContent['type']];
  for (const [field, kind] of Object.entries(shape.required)) {
    if (!hasKind(record[field], kind))
      throw new CryptoError('malformed', `The ${type} has no valid ${field}`);
  }
  for (const [field, kind] of Object.entries(shape.optional)) {
    if (record[field] !== undefined && !hasKind(record[field], kind)) {
      throw new CryptoError('malformed', `The ${type} has an invalid ${field}`);
    }
  }
  return value as EnvelopeContent;
}

function parseContent(bytes: Uint8Array): EnvelopeContent {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (cause) {
    throw new CryptoError('malformed', 'The plaintext is not JSON', { cause });
  }
  return checkContent(value);
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
