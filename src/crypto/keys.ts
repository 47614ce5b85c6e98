import { concat, toBase64Url, utf8 } from './encoding.js';
import { exportSpki, sha256 } from './primitives.js';
import { ECDH, ECDSA, LABELS } from './suite.js';

const subtle = () => globalThis.crypto.subtle;

/**
 * The user's identity signing key (ECDSA P-256). It signs the user's device list. Extractable only when the
 * caller asks, for the one export into a recovery backup at creation; the vault keeps it non-extractable.
 */
export function generateIdentityKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return subtle().generateKey(ECDSA, extractable, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

export interface DeviceKeys {
  /** ECDSA P-256: signs envelopes and epoch announcements. */
  signing: CryptoKeyPair;
  /** ECDH P-256: the HPKE key epoch keys are sealed to. */
  hpke: CryptoKeyPair;
}

/** A new device's key pairs; private keys are non-extractable. */
export async function generateDeviceKeys(): Promise<DeviceKeys> {
  const [signing, hpke] = await Promise.all([
    subtle().generateKey(ECDSA, false, ['sign', 'verify']) as Promise<CryptoKeyPair>,
    subtle().generateKey(ECDH, false, ['deriveBits']) as Promise<CryptoKeyPair>,
  ]);
  return { signing, hpke };
}

/** base64url of the first 16 bytes of SHA-256(label || 0x00 || SPKI): 22 characters. */
async function idFor(label: string, spki: Uint8Array): Promise<string> {
  const digest = await sha256(concat(utf8(label), Uint8Array.of(0), spki));
  return toBase64Url(digest.subarray(0, 16));
}

/** A device id is derived from its signing public key, so a server cannot give two devices one id. */
export async function deviceIdFor(signingPublicKey: CryptoKey): Promise<string> {
  return idFor(LABELS.deviceId, await exportSpki(signingPublicKey));
}

/** A short, stable id of an identity key (for key-change notices and logs). */
export async function identityKeyIdFor(identityPublicKey: CryptoKey): Promise<string> {
  return idFor(LABELS.userKeyId, await exportSpki(identityPublicKey));
}

export async function deviceIdFromSpki(signingSpki: Uint8Array): Promise<string> {
  return idFor(LABELS.deviceId, signingSpki);
}
