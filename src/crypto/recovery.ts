/**
 * The opt-in recovery backup: a passphrase protects a backup HPKE (ECDH P-256) private key, and,
 * optionally, the user's identity signing key.
 *
 * Epoch keys are later sealed to the backup PUBLIC key like to any device, so the backup stays current
 * without asking for the passphrase again. Private keys are wrapped with `wrapKey`/`unwrapKey`, so their
 * PKCS#8 bytes never pass through JavaScript; the only extractable moment is the one `wrapKey` at creation.
 * Byte format and parameters: docs/recovery.md.
 */
import { RecoveryError } from './recovery-errors.js';
import {
  CHECK_BYTES,
  encodeBlob,
  encodeHeader,
  NONCE_BYTES,
  parseBlob,
  SALT_BYTES,
  sectionAad,
  TAG_BACKUP_KEY,
  TAG_IDENTITY_KEY,
  type Bytes,
  type ParsedRecoveryBlob,
  type RecoveryHeader,
  type WrappedSection,
} from './recovery-format.js';
import { estimatePassphraseStrength } from './recovery-strength.js';

export { RecoveryError, type RecoveryErrorReason } from './recovery-errors.js';
export { estimatePassphraseStrength, type PassphraseStrength } from './recovery-strength.js';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; also the default. */
export const MIN_RECOVERY_ITERATIONS = 600_000;
/** Above this a blob would freeze the browser for a minute: treat it as an attack, not a setting. */
export const MAX_RECOVERY_ITERATIONS = 10_000_000;

const WRAP_INFO = new TextEncoder().encode('bm-secure-chat recovery v1 wrapping key');
const CHECK_INFO = new TextEncoder().encode('bm-secure-chat recovery v1 passphrase check');
const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface KdfOptions {
  /** PBKDF2 iterations for a new blob; defaults to MIN_RECOVERY_ITERATIONS. */
  iterations?: number;
  /**
   * The lowest iteration count accepted. Tests lower it to stay fast; production code never passes it.
   * Defaults to MIN_RECOVERY_ITERATIONS.
   */
  minimumIterations?: number;
}

export interface CreateRecoveryOptions extends KdfOptions {
  /** The identity key pair to back up, with an extractable private key (exported once, here). */
  identityKeyPair?: CryptoKeyPair;
}

export interface RecoveryKeys {
  /** The backup HPKE key pair; the private key is non-extractable. */
  backupPublicKey: CryptoKey;
  backupPrivateKey: CryptoKey;
  /** The identity key pair, present when the backup holds it; the private key is non-extractable. */
  identityKeyPair?: CryptoKeyPair;
  /** The PBKDF2 iteration count the blob uses. */
  iterations: number;
}

export interface CreatedRecoveryBackup extends RecoveryKeys {
  /** The serialised, versioned backup: what the server stores, opaque to it. */
  blob: Uint8Array;
}

function assertIterations(iterations: number, minimum: number): void {
  if (!Number.isInteger(iterations) || iterations < minimum || iterations > MAX_RECOVERY_ITERATIONS) {
    throw new RecoveryError(
      'kdf-too-weak',
      `PBKDF2 iterations must be between ${minimum} and ${MAX_RECOVERY_ITERATIONS}, not ${iterations}`,
    );
  }
}

function assertStrongPassphrase(passphrase: string): void {
  const strength = estimatePassphraseStrength(passphrase);
  if (!strength.acceptable) {
    throw new RecoveryError(
      'passphrase-too-weak',
      `The passphrase is too weak (${strength.feedback.join(', ')})`,
    );
  }
}

interface DerivedKeys {
  wrappingKey: CryptoKey;
  check: Bytes;
}

/**
 * PBKDF2 runs once per attempt (the expensive step); HKDF then splits its output into the AES-GCM
 * wrapping key and a check value, so a wrong passphrase is told apart from an altered blob at no
 * saving to an attacker: testing a guess against the check costs the same PBKDF2 run.
 */
async function deriveKeys(passphrase: string, salt: Bytes, iterations: number): Promise<DerivedKeys> {
  // NFKC so that one passphrase typed on two keyboards (composed or decomposed accents) is one key.
  const secret = new TextEncoder().encode(passphrase.normalize('NFKC'));
  const base = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
  const master = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    256,
  );
  const hkdf = await crypto.subtle.importKey('raw', master, 'HKDF', false, ['deriveKey', 'deriveBits']);
  const hkdfParams = (info: Bytes) => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info });
  const wrappingKey = await crypto.subtle.deriveKey(
    hkdfParams(WRAP_INFO),
    hkdf,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
  const check = new Uint8Array(await crypto.subtle.deriveBits(hkdfParams(CHECK_INFO), hkdf, CHECK_BYTES * 8));
  return { wrappingKey, check };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

async function wrapSection(
  key: CryptoKey,
  tag: number,
  headerBytes: Bytes,
  wrappingKey: CryptoKey,
): Promise<WrappedSection> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const params = { name: 'AES-GCM', iv: nonce, additionalData: sectionAad(headerBytes, tag) };
  const wrapped = new Uint8Array(await crypto.subtle.wrapKey('pkcs8', key, wrappingKey, params));
  return { tag, nonce, wrapped };
}

async function unwrapSection(
  section: WrappedSection,
  headerBytes: Uint8Array,
  wrappingKey: CryptoKey,
  algorithm: EcKeyImportParams,
  extractable: boolean,
): Promise<CryptoKey> {
  const params = { name: 'AES-GCM', iv: section.nonce, additionalData: sectionAad(headerBytes, section.tag) };
  const usages: KeyUsage[] = algorithm.name === 'ECDH' ? ['deriveBits'] : ['sign'];
  try {
    return await crypto.subtle.unwrapKey(
      'pkcs8',
      section.wrapped,
      wrappingKey,
      params,
      algorithm,
      extractable,
      usages,
    );
  } catch (cause) {
    // The passphrase check passed, so a failing tag means the bytes were changed after they were written.
    throw new RecoveryError('tampered', 'A key in the recovery backup fails authentication', { cause });
  }
}

async function importPublicKey(raw: Bytes, algorithm: EcKeyImportParams): Promise<CryptoKey> {
  const usages: KeyUsage[] = algorithm.name === 'ECDSA' ? ['verify'] : [];
  try {
    return await crypto.subtle.importKey('raw', raw, algorithm, true, usages);
  } catch (cause) {
    throw new RecoveryError('malformed', 'A public key in the recovery backup is not a P-256 point', {
      cause,
    });
  }
}

async function exportPublicKey(key: CryptoKey): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.exportKey('raw', key));
}

/** Builds a blob around keys that are extractable right now (at creation, or during a passphrase change). */
async function sealKeys(
  passphrase: string,
  iterations: number,
  backup: CryptoKeyPair,
  identity: CryptoKeyPair | undefined,
): Promise<{ blob: Uint8Array; parsed: ParsedRecoveryBlob; wrappingKey: CryptoKey }> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const { wrappingKey, check } = await deriveKeys(passphrase, salt, iterations);
  const header: RecoveryHeader = {
    iterations,
    salt,
    check,
    backupPublicKey: await exportPublicKey(backup.publicKey),
    identityPublicKey: identity ? await exportPublicKey(identity.publicKey) : undefined,
  };
  const headerBytes = encodeHeader(header);
  const sections = [await wrapSection(backup.privateKey, TAG_BACKUP_KEY, headerBytes, wrappingKey)];
  if (identity)
    sections.push(await wrapSection(identity.privateKey, TAG_IDENTITY_KEY, headerBytes, wrappingKey));
  const blob = encodeBlob(headerBytes, sections);
  return { blob, parsed: { ...header, headerBytes, sections }, wrappingKey };
}

/** Unwraps every key in a parsed blob; `extractable` is true only to re-wrap them under a new passphrase. */
async function unsealKeys(
  parsed: ParsedRecoveryBlob,
  wrappingKey: CryptoKey,
  extractable: boolean,
): Promise<RecoveryKeys> {
  const [backupSection, identitySection] = parsed.sections;
  const backupPrivateKey = await unwrapSection(
    backupSection!,
    parsed.headerBytes,
    wrappingKey,
    ECDH_P256,
    extractable,
  );
  const backupPublicKey = await importPublicKey(parsed.backupPublicKey, ECDH_P256);
  const keys: RecoveryKeys = { backupPublicKey, backupPrivateKey, iterations: parsed.iterations };
  if (identitySection && parsed.identityPublicKey) {
    keys.identityKeyPair = {
      privateKey: await unwrapSection(
        identitySection,
        parsed.headerBytes,
        wrappingKey,
        ECDSA_P256,
        extractable,
      ),
      publicKey: await importPublicKey(parsed.identityPublicKey, ECDSA_P256),
    };
  }
  return keys;
}

async function parseAndDerive(
  blob: Uint8Array,
  passphrase: string,
  minimumIterations: number,
): Promise<{ parsed: ParsedRecoveryBlob; wrappingKey: CryptoKey }> {
  const parsed = parseBlob(blob);
  // Checked before deriving: a blob with 1 iteration is refused, not tried.
  assertIterations(parsed.iterations, minimumIterations);
  const { wrappingKey, check } = await deriveKeys(passphrase, parsed.salt, parsed.iterations);
  if (!sameBytes(check, parsed.check)) {
    throw new RecoveryError('wrong-passphrase', 'The passphrase does not open this recovery backup');
  }
  return { parsed, wrappingKey };
}

/**
 * Creates a recovery backup: a fresh backup HPKE key pair, wrapped (and the identity key too, if given)
 * under a key derived from the passphrase. Returns the blob and the keys to keep in the vault, all
 * private keys non-extractable.
 */
export async function createRecoveryBackup(
  passphrase: string,
  options: CreateRecoveryOptions = {},
): Promise<CreatedRecoveryBackup> {
  const iterations = options.iterations ?? MIN_RECOVERY_ITERATIONS;
  assertIterations(iterations, options.minimumIterations ?? MIN_RECOVERY_ITERATIONS);
  assertStrongPassphrase(passphrase);
  const identity = options.identityKeyPair;
  if (identity && !identity.privateKey.extractable) {
    throw new RecoveryError(
      'key-not-extractable',
      'The identity key must be extractable once, to be backed up',
    );
  }
  // Extractable only for the one wrapKey below; the caller keeps the non-extractable copy returned.
  const backup = await crypto.subtle.generateKey(ECDH_P256, true, ['deriveBits']);
  const { blob, parsed, wrappingKey } = await sealKeys(passphrase, iterations, backup, identity);
  // Unwrapping what was just written proves the blob opens, and yields the non-extractable keys.
  const keys = await unsealKeys(parsed, wrappingKey, false);
  return { blob, ...keys };
}

/**
 * Opens a recovery backup with its passphrase. Throws RecoveryError: 'wrong-passphrase', 'malformed',
 * 'tampered', 'unsupported-version', or 'kdf-too-weak' for a stored count below the minimum.
 */
export async function openRecoveryBackup(
  blob: Uint8Array,
  passphrase: string,
  options: Pick<KdfOptions, 'minimumIterations'> = {},
): Promise<RecoveryKeys> {
  const { parsed, wrappingKey } = await parseAndDerive(
    blob,
    passphrase,
    options.minimumIterations ?? MIN_RECOVERY_ITERATIONS,
  );
  return unsealKeys(parsed, wrappingKey, false);
}

/**
 * Re-wraps the same keys under a new passphrase (fresh salt and nonces; `iterations` may be raised).
 * The backup key pair is unchanged, so every epoch key already sealed to it stays readable.
 */
export async function changeRecoveryPassphrase(
  blob: Uint8Array,
  oldPassphrase: string,
  newPassphrase: string,
  options: KdfOptions = {},
): Promise<Uint8Array> {
  const minimum = options.minimumIterations ?? MIN_RECOVERY_ITERATIONS;
  const { parsed, wrappingKey } = await parseAndDerive(blob, oldPassphrase, minimum);
  const iterations = options.iterations ?? Math.max(parsed.iterations, minimum);
  assertIterations(iterations, minimum);
  assertStrongPassphrase(newPassphrase);
  const keys = await unsealKeys(parsed, wrappingKey, true);
  const backup = { publicKey: keys.backupPublicKey, privateKey: keys.backupPrivateKey };
  const resealed = await sealKeys(newPassphrase, iterations, backup, keys.identityKeyPair);
  return resealed.blob;
}
