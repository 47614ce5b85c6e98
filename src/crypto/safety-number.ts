import { concat, utf8 } from './encoding.js';
import { exportRawPublic, sha512 } from './primitives.js';

/** Signal's iteration count; changing it changes every safety number. */
export const SAFETY_NUMBER_ITERATIONS = 5200;
const VERSION = Uint8Array.of(0, 0);

/**
 * Signal's NumericFingerprintGenerator over raw bytes (libsignal `rust/protocol/src/fingerprint.rs`,
 * `libsignal-protocol-java` `NumericFingerprintGenerator.getFingerprint`): hash = version || key || id, then
 * `iterations` times hash = SHA-512(hash || key). Exposed over bytes so that Signal's own test vector checks it.
 */
export async function iteratedFingerprint(
  keyBytes: Uint8Array,
  stableId: Uint8Array,
  iterations = SAFETY_NUMBER_ITERATIONS,
): Promise<Uint8Array> {
  let hash = concat(VERSION, keyBytes, stableId);
  for (let i = 0; i < iterations; i++) hash = await sha512(concat(hash, keyBytes));
  return hash;
}

/** 30 digits: the first 30 bytes as six 5-byte big-endian numbers, each mod 100000, zero-padded to 5. */
export function fingerprintToDigits(hash: Uint8Array): string {
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    // 40-bit values stay exact in a double (< 2^53).
    for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i]!;
    digits += String(value % 100000).padStart(5, '0');
  }
  return digits;
}

/**
 * One person's half of a safety number. Our key bytes are the identity key's uncompressed P-256 point
 * (65 bytes, where Signal uses its 33-byte Curve25519 encoding); the stable id is the user id in UTF-8.
 */
export async function fingerprintDigits(identityPublicKey: CryptoKey, userId: string): Promise<string> {
  const key = await exportRawPublic(identityPublicKey);
  return fingerprintToDigits(await iteratedFingerprint(key, utf8(userId)));
}

/** Both halves sorted (as strings) and joined: the same 60 digits on both sides. */
export function combineHalves(a: string, b: string): string {
  return a < b ? a + b : b + a;
}

export interface SafetyNumber {
  /** 60 digits: both halves, the smaller first, so both people see the same number. */
  digits: string;
  /** Twelve groups of five, for display. */
  groups: string[];
  /** What the QR code encodes (PROTOCOL.md): the ASCII string `BMSN1:` and the 60 digits. */
  qrPayload: string;
}

export async function safetyNumber(
  mine: { identityKey: CryptoKey; userId: string },
  theirs: { identityKey: CryptoKey; userId: string },
): Promise<SafetyNumber> {
  const [a, b] = await Promise.all([
    fingerprintDigits(mine.identityKey, mine.userId),
    fingerprintDigits(theirs.identityKey, theirs.userId),
  ]);
  const digits = combineHalves(a, b);
  return { digits, groups: digits.match(/.{5}/g) ?? [], qrPayload: `BMSN1:${digits}` };
}

/** True when a scanned QR payload is the same safety number. */
export function matchesQrPayload(number: SafetyNumber, scanned: string): boolean {
  return scanned.trim() === number.qrPayload;
}
