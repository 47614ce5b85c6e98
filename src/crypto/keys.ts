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

/**
 * A recovery backup's recipient id: "backup:" and the same construction as a device id over the backup's HPKE
 * public key (SPKI), with its own label, so it can never collide with a device id.
 */
export async function backupRecipientIdFor(backupPublicKey: CryptoKey): Promise<string> {
  return `backup:${await idFor(LABELS.backupId, await exportSpki(backupPublicKey))}`;
}

/**
 * A non-extractable copy of an extractable ECDSA key pair: the private key is wrapped under a throwaway AES-GCM
 * key and unwrapped non-extractable, so its bytes never pass through JavaScript. (For the identity key, which is
 * made extractable only so that it can go into a recovery backup.)
 */
export async function nonExtractableSigningPair(pair: CryptoKeyPair): Promise<CryptoKeyPair> {
  const wrapping = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'wrapKey',
    'unwrapKey',
  ]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await subtle().wrapKey('pkcs8', pair.privateKey, wrapping, { name: 'AES-GCM', iv });
  const privateKey = await subtle().unwrapKey(
    'pkcs8',
    wrapped,
    wrapping,
    { name: 'AES-GCM', iv },
    ECDSA,
    false,
    ['sign'],
  );
  return { privateKey, publicKey: pair.publicKey };
}
