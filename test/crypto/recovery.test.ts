import { expect } from '@open-wc/testing';
import {
  changeRecoveryPassphrase,
  createRecoveryBackup,
  MIN_RECOVERY_ITERATIONS,
  openRecoveryBackup,
} from '../../src/crypto/recovery.js';
import { RecoveryError } from '../../src/crypto/recovery-errors.js';

const PASSPHRASE = 'orbit lantern quietly seven';
const NEW_PASSPHRASE = 'velvet harbour tumbles eighty';
/** Tests run PBKDF2 with few iterations; only the marked test pays for the real 600,000. */
const FAST = { iterations: 1_000, minimumIterations: 1_000 };
const HEADER_BYTES = 108;

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RecoveryError) return error.reason;
    throw error;
  }
  throw new Error('Expected a RecoveryError');
}

async function sharedSecret(privateKey: CryptoKey, publicKey: CryptoKey): Promise<string> {
  const bits = await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  return [...new Uint8Array(bits)].join(',');
}

async function rawPublic(key: CryptoKey): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.exportKey('raw', key))].join(',');
}

function withByte(blob: Uint8Array, offset: number, change: (byte: number) => number): Uint8Array {
  const copy = blob.slice();
  copy[offset] = change(copy[offset]!);
  return copy;
}

function storedIterations(blob: Uint8Array): number {
  return new DataView(blob.buffer, blob.byteOffset).getUint32(6);
}

describe('recovery backup: create and open', () => {
  it('creates a non-extractable backup private key that pairs with the published public key', async () => {
    const backup = await createRecoveryBackup(PASSPHRASE, FAST);
    expect(backup.backupPrivateKey.extractable).to.equal(false);
    expect(backup.backupPrivateKey.algorithm).to.include({ name: 'ECDH' });
    const other = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ]);
    expect(await sharedSecret(backup.backupPrivateKey, other.publicKey)).to.equal(
      await sharedSecret(other.privateKey, backup.backupPublicKey),
    );
  });

  it('writes the documented header: magic, version, KDF, iterations, salt, check, flags, public key', async () => {
    const backup = await createRecoveryBackup(PASSPHRASE, { ...FAST, iterations: 1_234 });
    const blob = backup.blob;
    expect(new TextDecoder().decode(blob.slice(0, 4))).to.equal('BMRK');
    expect([blob[4], blob[5]]).to.deep.equal([1, 1]);
    expect(storedIterations(blob)).to.equal(1_234);
    expect(blob[42]).to.equal(0);
    expect([...blob.slice(43, 108)].join(',')).to.equal(await rawPublic(backup.backupPublicKey));
    expect(blob[HEADER_BYTES]).to.equal(1);
    const wrappedLength = new DataView(blob.buffer).getUint16(HEADER_BYTES + 13);
    expect(blob.length).to.equal(HEADER_BYTES + 15 + wrappedLength);
  });

  it('opens with the passphrase and yields the same key pair, non-extractable', async () => {
    const backup = await createRecoveryBackup(PASSPHRASE, FAST);
    const opened = await openRecoveryBackup(backup.blob, PASSPHRASE, FAST);
    expect(opened.backupPrivateKey.extractable).to.equal(false);
    expect(await rawPublic(opened.backupPublicKey)).to.equal(await rawPublic(backup.backupPublicKey));
    expect(await sharedSecret(opened.backupPrivateKey, backup.backupPublicKey)).to.equal(
      await sharedSecret(backup.backupPrivateKey, backup.backupPublicKey),
    );
    expect(opened.identityKeyPair).to.equal(undefined);
  });

  it('gives the same key for a passphrase typed with composed or decomposed accents', async () => {
    const composed = 'caf\u00e9 lantern quietly seven';
    const backup = await createRecoveryBackup(composed, FAST);
    const opened = await openRecoveryBackup(backup.blob, 'cafe\u0301 lantern quietly seven', FAST);
    expect(await rawPublic(opened.backupPublicKey)).to.equal(await rawPublic(backup.backupPublicKey));
  });

  it('uses 600,000 PBKDF2 iterations by default and opens at that cost', async () => {
    const started = Date.now();
    const backup = await createRecoveryBackup(PASSPHRASE);
    const created = Date.now();
    expect(storedIterations(backup.blob)).to.equal(MIN_RECOVERY_ITERATIONS);
    expect(MIN_RECOVERY_ITERATIONS).to.equal(600_000);
    const opened = await openRecoveryBackup(backup.blob, PASSPHRASE);
    console.log(
      `recovery: create ${(created - started).toFixed(0)} ms, open ${(Date.now() - created).toFixed(0)} ms at 600,000 iterations`,
    );
    expect(opened.iterations).to.equal(600_000);
  });
});

describe('recovery backup: refusals', () => {
  it('says wrong-passphrase for the wrong passphrase', async () => {
    const backup = await createRecoveryBackup(PASSPHRASE, FAST);
    expect(await reasonOf(openRecoveryBackup(backup.blob, 'orbit lantern quietly seven!', FAST))).to.equal(
      'wrong-passphrase',
    );
  });

  it('says tampered when a wrapped key byte is flipped', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    const tampered = withByte(blob, blob.length - 1, (byte) => byte ^ 1);
    expect(await reasonOf(openRecoveryBackup(tampered, PASSPHRASE, FAST))).to.equal('tampered');
  });

  it('says tampered when the public key in the header is swapped (it is authenticated as AAD)', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    const other = await createRecoveryBackup(PASSPHRASE, FAST);
    const swapped = blob.slice();
    swapped.set(other.blob.slice(43, 108), 43);
    expect(await reasonOf(openRecoveryBackup(swapped, PASSPHRASE, FAST))).to.equal('tampered');
  });

  it('says malformed for a truncated blob, a bad magic, unknown flags or trailing bytes', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    const trailing = new Uint8Array(blob.length + 1);
    trailing.set(blob);
    for (const broken of [
      blob.slice(0, blob.length - 1),
      blob.slice(0, 20),
      withByte(blob, 0, () => 0x58),
      withByte(blob, 42, () => 0x80),
      trailing,
      new Uint8Array(0),
    ]) {
      expect(await reasonOf(openRecoveryBackup(broken, PASSPHRASE, FAST))).to.equal('malformed');
    }
  });

  it('says unsupported-version for a newer format', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    expect(
      await reasonOf(
        openRecoveryBackup(
          withByte(blob, 4, () => 2),
          PASSPHRASE,
          FAST,
        ),
      ),
    ).to.equal('unsupported-version');
  });

  it('derives with the stored iteration count: changing it breaks the passphrase', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, { ...FAST, iterations: 1_500 });
    const opened = await openRecoveryBackup(blob, PASSPHRASE, FAST);
    expect(opened.iterations).to.equal(1_500);
    const changed = withByte(blob, 9, (byte) => byte + 1);
    expect(storedIterations(changed)).to.equal(1_501);
    expect(await reasonOf(openRecoveryBackup(changed, PASSPHRASE, FAST))).to.equal('wrong-passphrase');
  });

  it('refuses a stored iteration count below 600,000 unless the caller lowered the minimum', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    expect(await reasonOf(openRecoveryBackup(blob, PASSPHRASE))).to.equal('kdf-too-weak');
  });

  it('refuses an absurd stored iteration count instead of freezing the page', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    const huge = blob.slice();
    new DataView(huge.buffer).setUint32(6, 0xffffffff);
    expect(await reasonOf(openRecoveryBackup(huge, PASSPHRASE, FAST))).to.equal('kdf-too-weak');
  });

  it('refuses to create a backup below 600,000 iterations by default', async () => {
    expect(await reasonOf(createRecoveryBackup(PASSPHRASE, { iterations: 100_000 }))).to.equal(
      'kdf-too-weak',
    );
  });

  it('refuses a weak passphrase', async () => {
    expect(await reasonOf(createRecoveryBackup('P@ssw0rd2024!', FAST))).to.equal('passphrase-too-weak');
  });
});

describe('recovery backup: identity key', () => {
  const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };

  it('backs up the identity key once and restores it non-extractable, signing as before', async () => {
    const identity = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const backup = await createRecoveryBackup(PASSPHRASE, { ...FAST, identityKeyPair: identity });
    expect(backup.blob[42]).to.equal(1);
    expect(backup.identityKeyPair?.privateKey.extractable).to.equal(false);

    const opened = await openRecoveryBackup(backup.blob, PASSPHRASE, FAST);
    expect(opened.identityKeyPair?.privateKey.extractable).to.equal(false);
    const data = new TextEncoder().encode('device list');
    const signature = await crypto.subtle.sign(ecdsa, opened.identityKeyPair!.privateKey, data);
    expect(await crypto.subtle.verify(ecdsa, identity.publicKey, signature, data)).to.equal(true);
  });

  it('refuses an identity key that cannot be exported', async () => {
    const identity = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    expect(await reasonOf(createRecoveryBackup(PASSPHRASE, { ...FAST, identityKeyPair: identity }))).to.equal(
      'key-not-extractable',
    );
  });
});

describe('recovery backup: changing the passphrase', () => {
  it('opens with the new passphrase only, and keeps the same backup key pair', async () => {
    const identity = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const backup = await createRecoveryBackup(PASSPHRASE, { ...FAST, identityKeyPair: identity });
    const changed = await changeRecoveryPassphrase(backup.blob, PASSPHRASE, NEW_PASSPHRASE, FAST);

    expect([...changed.slice(10, 26)]).to.not.deep.equal([...backup.blob.slice(10, 26)]);
    expect(await reasonOf(openRecoveryBackup(changed, PASSPHRASE, FAST))).to.equal('wrong-passphrase');
    const opened = await openRecoveryBackup(changed, NEW_PASSPHRASE, FAST);
    expect(await rawPublic(opened.backupPublicKey)).to.equal(await rawPublic(backup.backupPublicKey));
    expect(await sharedSecret(opened.backupPrivateKey, backup.backupPublicKey)).to.equal(
      await sharedSecret(backup.backupPrivateKey, backup.backupPublicKey),
    );
    expect(opened.identityKeyPair).to.not.equal(undefined);
  });

  it('refuses the change with the wrong old passphrase', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    expect(await reasonOf(changeRecoveryPassphrase(blob, NEW_PASSPHRASE, NEW_PASSPHRASE, FAST))).to.equal(
      'wrong-passphrase',
    );
  });

  it('refuses a weak new passphrase', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    expect(await reasonOf(changeRecoveryPassphrase(blob, PASSPHRASE, 'letmein', FAST))).to.equal(
      'passphrase-too-weak',
    );
  });

  it('can raise the iteration count while changing the passphrase', async () => {
    const { blob } = await createRecoveryBackup(PASSPHRASE, FAST);
    const stronger = await changeRecoveryPassphrase(blob, PASSPHRASE, NEW_PASSPHRASE, {
      ...FAST,
      iterations: 2_000,
    });
    expect(storedIterations(stronger)).to.equal(2_000);
    expect((await openRecoveryBackup(stronger, NEW_PASSPHRASE, FAST)).iterations).to.equal(2_000);
  });
});
