import { expect } from '@open-wc/testing';
import { fromHex, toHex, utf8 } from '../../src/crypto/encoding.js';
import { generateIdentityKeyPair } from '../../src/crypto/keys.js';
import {
  combineHalves,
  fingerprintDigits,
  fingerprintToDigits,
  iteratedFingerprint,
  matchesQrPayload,
  safetyNumber,
} from '../../src/crypto/safety-number.js';

/**
 * libsignal's own test vector (rust/protocol/src/fingerprint.rs `fingerprint_test_v1`, the Java
 * testVectorsVersion1): two Curve25519 identity keys in Signal's 33-byte encoding, 5200 iterations.
 */
const SIGNAL = {
  aliceKey: '0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868',
  bobKey: '05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b',
  aliceId: '+14152222222',
  bobId: '+14153333333',
  displayable: '300354477692869396892869876765458257569162576843440918079131',
  // The scannable form carries the first 32 bytes of each side's iterated hash.
  aliceHashPrefix: '1e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df',
  bobHashPrefix: 'd62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d',
};

describe('safety numbers', () => {
  it("reproduces libsignal's published fingerprint vector exactly", async () => {
    const alice = await iteratedFingerprint(fromHex(SIGNAL.aliceKey), utf8(SIGNAL.aliceId));
    const bob = await iteratedFingerprint(fromHex(SIGNAL.bobKey), utf8(SIGNAL.bobId));
    expect(toHex(alice.subarray(0, 32))).to.equal(SIGNAL.aliceHashPrefix);
    expect(toHex(bob.subarray(0, 32))).to.equal(SIGNAL.bobHashPrefix);
    const aliceDigits = fingerprintToDigits(alice);
    const bobDigits = fingerprintToDigits(bob);
    expect(combineHalves(aliceDigits, bobDigits)).to.equal(SIGNAL.displayable);
    expect(combineHalves(bobDigits, aliceDigits)).to.equal(SIGNAL.displayable);
  });

  it('gives both people the same 60 digits, and a different number for a different key', async () => {
    const alice = await generateIdentityKeyPair();
    const bob = await generateIdentityKeyPair();
    const mallory = await generateIdentityKeyPair();
    const forAlice = await safetyNumber(
      { identityKey: alice.publicKey, userId: 'alice' },
      { identityKey: bob.publicKey, userId: 'bob' },
    );
    const forBob = await safetyNumber(
      { identityKey: bob.publicKey, userId: 'bob' },
      { identityKey: alice.publicKey, userId: 'alice' },
    );
    expect(forAlice.digits).to.match(/^\d{60}$/);
    expect(forAlice.digits).to.equal(forBob.digits);
    expect(forAlice.groups).to.have.length(12);
    expect(forAlice.groups.join('')).to.equal(forAlice.digits);
    const swapped = await safetyNumber(
      { identityKey: alice.publicKey, userId: 'alice' },
      { identityKey: mallory.publicKey, userId: 'bob' },
    );
    expect(swapped.digits).not.to.equal(forAlice.digits);
  });

  it("encodes the QR payload as BMSN1: and the digits, and matches only the same number's payload", async () => {
    const alice = await generateIdentityKeyPair();
    const bob = await generateIdentityKeyPair();
    const mallory = await generateIdentityKeyPair();
    const number = await safetyNumber(
      { identityKey: alice.publicKey, userId: 'alice' },
      { identityKey: bob.publicKey, userId: 'bob' },
    );
    const bobsView = await safetyNumber(
      { identityKey: bob.publicKey, userId: 'bob' },
      { identityKey: alice.publicKey, userId: 'alice' },
    );
    const forged = await safetyNumber(
      { identityKey: mallory.publicKey, userId: 'alice' },
      { identityKey: bob.publicKey, userId: 'bob' },
    );
    expect(number.qrPayload).to.equal(`BMSN1:${number.digits}`);
    expect(matchesQrPayload(number, bobsView.qrPayload)).to.equal(true);
    expect(matchesQrPayload(number, forged.qrPayload)).to.equal(false);
  });

  it('binds the user id into each half', async () => {
    const key = await generateIdentityKeyPair();
    expect(await fingerprintDigits(key.publicKey, 'bob')).not.to.equal(
      await fingerprintDigits(key.publicKey, 'bob2'),
    );
  });
});
