import { expect } from '@open-wc/testing';
import { Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { createRecoveryBackup, openRecoveryBackup } from '../../src/crypto/recovery.js';
import { RecoveryError } from '../../src/crypto/recovery-errors.js';
import { cleanUpVaults, newDevice, openTestVault, uniqueUserId } from '../vault/helpers.js';

const PASSPHRASE = 'orbit lantern quietly seven';
const FAST = { iterations: 1_000, minimumIterations: 1_000 };
const suite = new CipherSuite({
  kem: new DhkemP256HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});
const info = new TextEncoder().encode('bm-secure-chat epoch key|thread-1|1|backup');

describe('recovery backup: restore on a new device', () => {
  afterEach(cleanUpVaults);

  it('lets a fresh vault read a message from the old one with only the blob, a sealed key and the passphrase', async () => {
    const userId = uniqueUserId();
    // Device A: its vault, its keys, and recovery turned on.
    const vaultA = await openTestVault(userId, { scope: 'device-a' });
    await vaultA.createDevice(await newDevice('device-a'));
    const backup = await createRecoveryBackup(PASSPHRASE, FAST);
    await vaultA.settings.put('backup', {
      enabled: true,
      publicKey: backup.backupPublicKey,
      privateKey: backup.backupPrivateKey,
      recipientId: 'backup-1',
      iterations: backup.iterations,
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });

    // A starts epoch 1: seals the epoch key to the backup public key, keeps it non-extractable, sends.
    const rawEpochKey = crypto.getRandomValues(new Uint8Array(32));
    const storedBackup = (await vaultA.settings.get('backup'))!;
    const sealed = await suite.seal({ recipientPublicKey: storedBackup.publicKey, info }, rawEpochKey);
    const epochKeyA = await crypto.subtle.importKey('raw', rawEpochKey, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    await vaultA.epochKeys.put({
      threadId: 'thread-1',
      epoch: 1,
      key: epochKeyA,
      announcement: 'a',
      sealedTo: ['backup-1'],
    });
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const aad = new TextEncoder().encode('header of message 1');
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad },
      (await vaultA.epochKeys.get('thread-1', 1))!.key,
      new TextEncoder().encode('the contract is signed'),
    );
    vaultA.close();

    // Device B: a fresh vault; what the server hands it is the blob and the sealed key.
    const vaultB = await openTestVault(userId, { scope: 'device-b' });
    expect(await vaultB.loadDevice()).to.equal(null);
    const restored = await openRecoveryBackup(backup.blob, PASSPHRASE, FAST);
    expect(restored.backupPrivateKey.extractable).to.equal(false);
    const recipientKey = { privateKey: restored.backupPrivateKey, publicKey: restored.backupPublicKey };
    const opened = await suite.open({ recipientKey, enc: sealed.enc, info }, sealed.ct);
    const epochKeyB = await crypto.subtle.importKey('raw', opened, 'AES-GCM', false, ['encrypt', 'decrypt']);
    await vaultB.epochKeys.put({ threadId: 'thread-1', epoch: 1, key: epochKeyB, announcement: 'a' });

    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: aad },
      (await vaultB.epochKeys.get('thread-1', 1))!.key,
      ciphertext,
    );
    expect(new TextDecoder().decode(plaintext)).to.equal('the contract is signed');
  });

  it('keeps the backup private key working and non-extractable in the vault after a reload', async () => {
    const userId = uniqueUserId();
    const vault = await openTestVault(userId);
    const backup = await createRecoveryBackup(PASSPHRASE, FAST);
    const now = Date.now();
    await vault.settings.put('backup', {
      enabled: true,
      publicKey: backup.backupPublicKey,
      privateKey: backup.backupPrivateKey,
      recipientId: 'backup-1',
      iterations: backup.iterations,
      createdAt: now,
      updatedAt: now,
    });
    vault.close();

    const stored = (await (await openTestVault(userId)).settings.get('backup'))!;
    expect(stored.privateKey.extractable).to.equal(false);
    const sealed = await suite.seal(
      { recipientPublicKey: stored.publicKey, info },
      new Uint8Array(32).fill(7),
    );
    const opened = await suite.open(
      { recipientKey: { privateKey: stored.privateKey, publicKey: stored.publicKey }, enc: sealed.enc, info },
      sealed.ct,
    );
    expect([...new Uint8Array(opened)]).to.deep.equal(new Array(32).fill(7));
  });

  it('cannot unseal anything without the right passphrase', async () => {
    const backup = await createRecoveryBackup(PASSPHRASE, FAST);
    let error: unknown;
    try {
      await openRecoveryBackup(backup.blob, 'orbit lantern quietly eight', FAST);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(RecoveryError);
    expect((error as RecoveryError).reason).to.equal('wrong-passphrase');
  });
});
