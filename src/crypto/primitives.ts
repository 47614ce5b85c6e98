/**
 * Thin wrappers over Web Crypto: the only place this layer names an algorithm. Every other module, and the
 * outside test vectors, go through these, so the vectors check what the protocol actually runs.
 */
import { buffer } from './encoding.js';
import { CryptoError } from './errors.js';
import { ECDH, ECDSA, ECDSA_SIGN, SIGNATURE_BYTES } from './suite.js';

const subtle = () => globalThis.crypto.subtle;

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', buffer(data)));
}

export async function sha512(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-512', buffer(data)));
}

export function importAesGcmKey(raw: Uint8Array, extractable = false): Promise<CryptoKey> {
  return subtle().importKey('raw', buffer(raw), { name: 'AES-GCM' }, extractable, ['encrypt', 'decrypt']);
}

export async function aesGcmEncrypt(
  key: CryptoKey,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
  tagBytes = 16,
): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: buffer(nonce), additionalData: buffer(aad), tagLength: tagBytes * 8 };
  return new Uint8Array(await subtle().encrypt(params, key, buffer(plaintext)));
}

/** Decrypts and authenticates; any failure is CryptoError('decrypt-failed'), never partial plaintext. */
export async function aesGcmDecrypt(
  key: CryptoKey,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array = new Uint8Array(0),
  tagBytes = 16,
): Promise<Uint8Array> {
  try {
    const params = {
      name: 'AES-GCM',
      iv: buffer(nonce),
      additionalData: buffer(aad),
      tagLength: tagBytes * 8,
    };
    return new Uint8Array(await subtle().decrypt(params, key, buffer(ciphertext)));
  } catch (cause) {
    throw new CryptoError('decrypt-failed', 'The ciphertext does not authenticate', { cause });
  }
}

export async function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', buffer(ikm), 'HKDF', false, ['deriveBits']);
  const params = { name: 'HKDF', hash: 'SHA-256', salt: buffer(salt), info: buffer(info) };
  return new Uint8Array(await subtle().deriveBits(params, key, length * 8));
}

export async function hmacSha256(key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const hmacKey = await subtle().importKey('raw', buffer(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await subtle().sign('HMAC', hmacKey, buffer(message)));
}

/** Verifies a (possibly truncated) HMAC-SHA-256 tag in constant time through Web Crypto's verify. */
export async function hmacSha256Verify(
  key: Uint8Array,
  message: Uint8Array,
  tag: Uint8Array,
): Promise<boolean> {
  const full = await hmacSha256(key, message);
  if (tag.length === 0 || tag.length > full.length) return false;
  if (tag.length === full.length) {
    const hmacKey = await subtle().importKey('raw', buffer(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    return subtle().verify('HMAC', hmacKey, buffer(tag), buffer(message));
  }
  let diff = 0;
  for (let i = 0; i < tag.length; i++) diff |= full[i]! ^ tag[i]!;
  return diff === 0;
}

export async function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', buffer(password), 'PBKDF2', false, ['deriveBits']);
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: buffer(salt), iterations };
  return new Uint8Array(await subtle().deriveBits(params, key, length * 8));
}

/** Imports a peer's ECDH P-256 public key from JWK; an invalid point or another curve is 'invalid-key'. */
export async function importEcdhPublicJwk(jwk: JsonWebKey): Promise<CryptoKey> {
  try {
    return await subtle().importKey('jwk', jwk, ECDH, true, []);
  } catch (cause) {
    throw new CryptoError('invalid-key', 'Not a valid P-256 public key', { cause });
  }
}

export async function importEcdhPrivateJwk(jwk: JsonWebKey): Promise<CryptoKey> {
  try {
    return await subtle().importKey('jwk', jwk, ECDH, false, ['deriveBits']);
  } catch (cause) {
    throw new CryptoError('invalid-key', 'Not a valid P-256 private key', { cause });
  }
}

export async function ecdhP256(privateKey: CryptoKey, publicKey: CryptoKey): Promise<Uint8Array> {
  try {
    return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256));
  } catch (cause) {
    throw new CryptoError('invalid-key', 'ECDH failed', { cause });
  }
}

export async function importEcdhPublicSpki(spki: Uint8Array): Promise<CryptoKey> {
  try {
    return await subtle().importKey('spki', buffer(spki), ECDH, true, []);
  } catch (cause) {
    throw new CryptoError('invalid-key', 'Not a valid P-256 public key', { cause });
  }
}

export async function importEcdsaPublicSpki(spki: Uint8Array): Promise<CryptoKey> {
  try {
    return await subtle().importKey('spki', buffer(spki), ECDSA, true, ['verify']);
  } catch (cause) {
    throw new CryptoError('invalid-key', 'Not a valid P-256 public key', { cause });
  }
}

export async function exportSpki(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('spki', publicKey));
}

export async function exportRawPublic(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('raw', publicKey));
}

/** ECDSA P-256 with SHA-256; the signature is IEEE P1363 (r || s, 64 bytes). */
export async function ecdsaSign(privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(ECDSA_SIGN, privateKey, buffer(message)));
}

export async function ecdsaVerify(
  publicKey: CryptoKey,
  signature: Uint8Array,
  message: Uint8Array,
): Promise<boolean> {
  // Firefox accepts P1363 signatures of the wrong length (Wycheproof ECDSA P1363 "incorrect size of
  // signature", #121 and others); a P-256 signature is exactly r || s, 64 bytes.
  if (signature.length !== SIGNATURE_BYTES) return false;
  try {
    return await subtle().verify(ECDSA_SIGN, publicKey, buffer(signature), buffer(message));
  } catch {
    return false;
  }
}
