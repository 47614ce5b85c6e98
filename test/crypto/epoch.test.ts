import { expect } from '@open-wc/testing';
import { failureReason } from './vectors.js';
import {
  epochKeyCommitment,
  generateEpochKey,
  openSealedEpochKey,
  parseAnnouncement,
  sealEpochKey,
  sealEpochKeyToMany,
  signAnnouncement,
  verifyAnnouncement,
  EPOCH_REASON_CODES,
  type EpochAnnouncement,
  type EpochReason,
} from '../../src/crypto/epoch.js';
import { generateDeviceKeys } from '../../src/crypto/keys.js';
import { aesGcmDecrypt, aesGcmEncrypt, exportSpki, randomBytes } from '../../src/crypto/primitives.js';

const reasonOf = failureReason;

async function setup() {
  const creator = await generateDeviceKeys();
  const bob = await generateDeviceKeys();
  const epoch = await generateEpochKey();
  const commitment = await epochKeyCommitment(epoch.raw);
  const bobTarget = { recipientId: 'bob-phone', hpkeKey: await exportSpki(bob.hpke.publicKey) };
  return { creator, bob, epoch, commitment, bobTarget };
}

describe('epoch keys', () => {
  it('seals an epoch key to a device that opens it as a non-extractable key that decrypts', async () => {
    const { bob, epoch, commitment, bobTarget } = await setup();
    const sealed = await sealEpochKey(epoch.raw, 'thread-1', 1, bobTarget);
    const key = await openSealedEpochKey({
      sealed,
      threadId: 'thread-1',
      epoch: 1,
      recipientId: 'bob-phone',
      recipientKeyPair: bob.hpke,
      commitment,
    });
    expect(key.extractable).to.equal(false);
    const nonce = randomBytes(12);
    const ct = await aesGcmEncrypt(epoch.key, nonce, new TextEncoder().encode('hi'));
    expect(new TextDecoder().decode(await aesGcmDecrypt(key, nonce, ct))).to.equal('hi');
  });

  it('refuses a sealed key moved to another thread, epoch or recipient id', async () => {
    const { bob, epoch, commitment, bobTarget } = await setup();
    const sealed = await sealEpochKey(epoch.raw, 'thread-1', 1, bobTarget);
    const base = {
      sealed,
      threadId: 'thread-1',
      epoch: 1,
      recipientId: 'bob-phone',
      recipientKeyPair: bob.hpke,
      commitment,
    };
    expect(await reasonOf(openSealedEpochKey({ ...base, threadId: 'thread-2' }))).to.equal('wrong-recipient');
    expect(await reasonOf(openSealedEpochKey({ ...base, epoch: 2 }))).to.equal('wrong-recipient');
    expect(await reasonOf(openSealedEpochKey({ ...base, recipientId: 'bob-laptop' }))).to.equal(
      'wrong-recipient',
    );
  });

  it("refuses a key sealed to the device's public key by someone else (the server) that the announcement does not commit to", async () => {
    const { bob, commitment, bobTarget } = await setup();
    const serversKey = await generateEpochKey();
    const sealed = await sealEpochKey(serversKey.raw, 'thread-1', 1, bobTarget);
    const reason = await reasonOf(
      openSealedEpochKey({
        sealed,
        threadId: 'thread-1',
        epoch: 1,
        recipientId: 'bob-phone',
        recipientKeyPair: bob.hpke,
        commitment,
      }),
    );
    expect(reason).to.equal('key-commitment-mismatch');
  });

  it('seals to many devices at once, each opening only its own', async () => {
    const { epoch, commitment } = await setup();
    const devices = await Promise.all([0, 1, 2].map(() => generateDeviceKeys()));
    const targets = await Promise.all(
      devices.map(async (d, i) => ({ recipientId: `d${i}`, hpkeKey: await exportSpki(d.hpke.publicKey) })),
    );
    const sealed = await sealEpochKeyToMany(epoch.raw, 't', 5, targets);
    expect(sealed.map((s) => s.recipientId)).to.deep.equal(['d0', 'd1', 'd2']);
    const open = (i: number, j: number) =>
      openSealedEpochKey({
        sealed: sealed[i]!.sealed,
        threadId: 't',
        epoch: 5,
        recipientId: `d${i}`,
        recipientKeyPair: devices[j]!.hpke,
        commitment,
      });
    expect((await open(1, 1)).type).to.equal('secret');
    expect((await open(0, 0)).extractable).to.equal(false);
    expect(await reasonOf(open(1, 2))).to.equal('wrong-recipient');
  });
});

describe('epoch announcements', () => {
  const announcement = (commitment: Uint8Array): EpochAnnouncement => ({
    threadId: 'thread-1',
    epoch: 2,
    creatorUserId: 'alice',
    creatorDeviceId: 'alice-laptop',
    createdAt: Date.UTC(2026, 10, 24),
    reason: 'join',
    commitment,
    recipients: ['alice-laptop', 'bob-phone'],
  });

  it('verifies a signed announcement from a known device and reads it back', async () => {
    const { creator, commitment } = await setup();
    const signed = await signAnnouncement(announcement(commitment), creator.signing.privateKey);
    const verified = await verifyAnnouncement(signed, 'thread-1', async (user, device) =>
      user === 'alice' && device === 'alice-laptop' ? creator.signing.publicKey : null,
    );
    expect(verified).to.deep.equal(announcement(commitment));
    expect(parseAnnouncement(signed).reason).to.equal('join');
  });

  it('refuses an announcement signed by another device, from an unknown device, or for another thread', async () => {
    const { creator, bob, commitment } = await setup();
    const signed = await signAnnouncement(announcement(commitment), bob.signing.privateKey);
    const resolve = async () => creator.signing.publicKey;
    expect(await reasonOf(verifyAnnouncement(signed, 'thread-1', resolve))).to.equal('signature-invalid');
    expect(await reasonOf(verifyAnnouncement(signed, 'thread-1', async () => null))).to.equal(
      'device-unknown',
    );
    expect(await reasonOf(verifyAnnouncement(signed, 'thread-2', resolve))).to.equal('wrong-thread');
  });

  it('refuses an announcement whose recipient list was changed after signing', async () => {
    const { creator, commitment } = await setup();
    const signed = await signAnnouncement(announcement(commitment), creator.signing.privateKey);
    const text = new TextDecoder('latin1').decode(signed);
    signed[text.indexOf('bob-phone')]! ^= 0x01;
    expect(
      await reasonOf(verifyAnnouncement(signed, 'thread-1', async () => creator.signing.publicKey)),
    ).to.equal('signature-invalid');
  });

  it('carries every rotation reason, pending-device included, through signing and verification', async () => {
    const { creator, commitment } = await setup();
    const resolve = async () => creator.signing.publicKey;
    for (const reason of Object.keys(EPOCH_REASON_CODES) as EpochReason[]) {
      const signed = await signAnnouncement(
        { ...announcement(commitment), reason },
        creator.signing.privateKey,
      );
      expect((await verifyAnnouncement(signed, 'thread-1', resolve)).reason).to.equal(reason);
    }
    expect(EPOCH_REASON_CODES['pending-device']).to.equal(7);
  });

  it('refuses an announcement with an unknown reason byte as malformed', async () => {
    const { creator, commitment } = await setup();
    const signed = await signAnnouncement(announcement(commitment), creator.signing.privateKey);
    // The reason byte sits right before the 32-byte commitment.
    const commitmentAt = signed.length - 64 - 2 - (1 + 12) - (1 + 9) - 32;
    signed[commitmentAt - 1] = 99;
    expect(
      await reasonOf(verifyAnnouncement(signed, 'thread-1', async () => creator.signing.publicKey)),
    ).to.equal('malformed');
  });
});
