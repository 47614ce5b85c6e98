import { concat, utf8 } from './encoding.js';
import { exportRawPublic, sha512 } from './primitives.js';

const ITERATIONS = 5200;
const VERSION = Uint8Array.of(0, 0);

/**
 * One side of a safety number, as Signal's NumericFingerprintGenerator computes it: hash = SHA-512(version ||
 * key || id), then 5200 times hash = SHA-512(hash || key); the first 30 bytes, as six 5-byte big-endian
 * numbers mod 100000, give 30 digits. Our key is the identity key's uncompressed P-256 point (65 bytes); the id
 * is the user id in UTF-8.
 */
export async function fingerprintDigits(identityPublicKey: CryptoKey, userId: string): Promise<string> {
  const key = await exportRawPublic(identityPublicKey);
  let hash = await sha512(concat(VERSION, key, utf8(userId)));
  for (let i = 0; i < ITERATIONS; i++) hash = await sha512(concat(hash, key));
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i]!;
    digits += String(value % 100000).padStart(5, '0');
  }
  return digits;
}

export interface SafetyNumber {
  /** 60 digits: both halves, the smaller first, so both people see the same number. */
  digits: string;
  /** Twelve groups of five, for display. */
  groups: string[];
  /** What the QR code encodes (PROTOCOL.md): `BMSN1:` and the 60 digits. */
  qrPayload: string;
}

export async function safetyNumber(
  mine: { identityKey: CryptoKey; userId: string },
  theirs: { identityKey: CryptoKey; userId: string },
): Promise<SafetyNumber> {
  const halves = await Promise.all([
    fingerprintDigits(mine.identityKey, mine.userId),
    fingerprintDigits(theirs.identityKey, theirs.userId),
  ]);
  const digits = halves.sort().join('');
  return { digits, groups: digits.match(/.{5}/g) ?? [], qrPayload: `BMSN1:${digits}` };
}

/** True when a scanned QR payload is the same safety number. */
export function matchesQrPayload(number: SafetyNumber, scanned: string): boolean {
  return scanned.trim() === number.qrPayload;
}
