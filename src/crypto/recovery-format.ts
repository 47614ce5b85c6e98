/**
 * The recovery backup's byte format, version 1 (docs/recovery.md has the table):
 *
 *   magic "BMRK" (4) | format version 0x01 (1) | KDF id 0x01 = PBKDF2-HMAC-SHA-256 (1) |
 *   iterations uint32 BE (4) | salt (16) | passphrase check (16) | flags (1) |
 *   backup public key, SEC1 uncompressed P-256 (65) | [identity public key (65) if flags bit 0] |
 *   sections: backup key, then identity key if flags bit 0; each is
 *   tag (1) | nonce (12) | length uint16 BE (2) | AES-256-GCM wrapped PKCS#8 (length)
 *
 * Everything before the first section is the header; each section's AAD is the header plus its tag.
 */
import { buffer, concat as concatBytes } from './encoding.js';
import { RecoveryError } from './recovery-errors.js';

export const MAGIC = new Uint8Array([0x42, 0x4d, 0x52, 0x4b]); // "BMRK"
export const FORMAT_VERSION = 1;
export const KDF_PBKDF2_SHA256 = 1;
export const SALT_BYTES = 16;
export const CHECK_BYTES = 16;
export const NONCE_BYTES = 12;
export const P256_POINT_BYTES = 65;
export const FLAG_IDENTITY = 0x01;
export const TAG_BACKUP_KEY = 1;
export const TAG_IDENTITY_KEY = 2;

/** Bytes backed by a plain ArrayBuffer, which is what Web Crypto accepts. */
export type Bytes = Uint8Array<ArrayBuffer>;

export interface WrappedSection {
  tag: number;
  nonce: Bytes;
  wrapped: Bytes;
}

export interface RecoveryHeader {
  iterations: number;
  salt: Bytes;
  check: Bytes;
  backupPublicKey: Bytes;
  identityPublicKey?: Bytes;
}

export interface ParsedRecoveryBlob extends RecoveryHeader {
  /** The exact header bytes, for use as AAD. */
  headerBytes: Bytes;
  sections: WrappedSection[];
}

function concat(parts: readonly Uint8Array[]): Bytes {
  return buffer(concatBytes(...parts));
}

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function uint16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value);
  return bytes;
}

export function encodeHeader(header: RecoveryHeader): Bytes {
  const fixedLengths: [Uint8Array, number, string][] = [
    [header.salt, SALT_BYTES, 'salt'],
    [header.check, CHECK_BYTES, 'check'],
    [header.backupPublicKey, P256_POINT_BYTES, 'backup public key'],
  ];
  if (header.identityPublicKey)
    fixedLengths.push([header.identityPublicKey, P256_POINT_BYTES, 'identity key']);
  for (const [bytes, length, what] of fixedLengths) {
    if (bytes.length !== length) throw new RecoveryError('malformed', `The ${what} must be ${length} bytes`);
  }
  return concat([
    MAGIC,
    new Uint8Array([FORMAT_VERSION, KDF_PBKDF2_SHA256]),
    uint32(header.iterations),
    header.salt,
    header.check,
    new Uint8Array([header.identityPublicKey ? FLAG_IDENTITY : 0]),
    header.backupPublicKey,
    ...(header.identityPublicKey ? [header.identityPublicKey] : []),
  ]);
}

/** The additional data that binds a wrapped key to the header and to its own position. */
export function sectionAad(headerBytes: Uint8Array, tag: number): Bytes {
  return concat([headerBytes, new Uint8Array([tag])]);
}

export function encodeBlob(headerBytes: Uint8Array, sections: readonly WrappedSection[]): Bytes {
  const parts: Uint8Array[] = [headerBytes];
  for (const section of sections) {
    if (section.nonce.length !== NONCE_BYTES)
      throw new RecoveryError('malformed', 'A nonce must be 12 bytes');
    if (section.wrapped.length > 0xffff) throw new RecoveryError('malformed', 'A wrapped key is too long');
    parts.push(new Uint8Array([section.tag]), section.nonce, uint16(section.wrapped.length), section.wrapped);
  }
  return concat(parts);
}

/** Reads a blob strictly: every length checked, unknown flags and trailing bytes refused. */
export function parseBlob(blob: Uint8Array): ParsedRecoveryBlob {
  if (!(blob instanceof Uint8Array))
    throw new RecoveryError('malformed', 'A recovery backup is a Uint8Array');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let offset = 0;
  const take = (length: number, what: string): Bytes => {
    if (offset + length > blob.length)
      throw new RecoveryError('malformed', `The backup ends inside the ${what}`);
    const bytes = blob.slice(offset, offset + length);
    offset += length;
    return bytes;
  };

  const magic = take(MAGIC.length, 'magic');
  if (!magic.every((byte, i) => byte === MAGIC[i]))
    throw new RecoveryError('malformed', 'Not a recovery backup');
  const [version, kdf] = take(2, 'version');
  if (version !== FORMAT_VERSION) {
    throw new RecoveryError('unsupported-version', `Recovery backup format ${version} is not supported`);
  }
  if (kdf !== KDF_PBKDF2_SHA256)
    throw new RecoveryError('unsupported-version', `KDF ${kdf} is not supported`);
  take(4, 'iteration count');
  const iterations = view.getUint32(offset - 4);
  const salt = take(SALT_BYTES, 'salt');
  const check = take(CHECK_BYTES, 'passphrase check');
  const [flags] = take(1, 'flags');
  if ((flags! & ~FLAG_IDENTITY) !== 0) throw new RecoveryError('malformed', 'Unknown flags are set');
  const backupPublicKey = take(P256_POINT_BYTES, 'backup public key');
  const identityPublicKey =
    flags! & FLAG_IDENTITY ? take(P256_POINT_BYTES, 'identity public key') : undefined;
  const headerBytes = blob.slice(0, offset);

  const expectedTags = identityPublicKey ? [TAG_BACKUP_KEY, TAG_IDENTITY_KEY] : [TAG_BACKUP_KEY];
  const sections: WrappedSection[] = [];
  for (const expected of expectedTags) {
    const [tag] = take(1, 'section tag');
    if (tag !== expected) throw new RecoveryError('malformed', `Expected section ${expected}, found ${tag}`);
    const nonce = take(NONCE_BYTES, 'nonce');
    take(2, 'section length');
    const length = view.getUint16(offset - 2);
    sections.push({ tag, nonce, wrapped: take(length, 'wrapped key') });
  }
  if (offset !== blob.length) throw new RecoveryError('malformed', 'The backup has trailing bytes');
  return { iterations, salt, check, backupPublicKey, identityPublicKey, headerBytes, sections };
}
