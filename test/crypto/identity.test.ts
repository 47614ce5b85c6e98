import { expect } from '@open-wc/testing';
import { failureReason } from './vectors.js';
import { deviceEntry, signDeviceList, verifyDeviceList } from '../../src/crypto/device-list.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { deviceIdFor, generateDeviceKeys, generateIdentityKeyPair } from '../../src/crypto/keys.js';
import { bucketFor, pad, unpad } from '../../src/crypto/padding.js';

const reasonOf = failureReason;

async function signedList(identity: CryptoKeyPair, userId = 'bob') {
  const device = await generateDeviceKeys();
  const deviceId = await deviceIdFor(device.signing.publicKey);
  const entry = await deviceEntry(deviceId, device.signing.publicKey, device.hpke.publicKey);
  const list = { userId, version: 1, issuedAt: Date.UTC(2026, 10, 24), devices: [entry] };
  return { list, signed: await signDeviceList(list, identity.privateKey), device, deviceId };
}

describe('keys and device lists', () => {
  it('creates private keys that cannot be exported', async () => {
    const identity = await generateIdentityKeyPair();
    const device = await generateDeviceKeys();
    for (const key of [identity.privateKey, device.signing.privateKey, device.hpke.privateKey]) {
      expect(key.extractable).to.equal(false);
    }
  });

  it('derives the same device id from the same key and different ids from different keys', async () => {
    const a = await generateDeviceKeys();
    const b = await generateDeviceKeys();
    expect(await deviceIdFor(a.signing.publicKey)).to.equal(await deviceIdFor(a.signing.publicKey));
    expect(await deviceIdFor(a.signing.publicKey)).not.to.equal(await deviceIdFor(b.signing.publicKey));
    expect(await deviceIdFor(a.signing.publicKey)).to.match(/^[A-Za-z0-9_-]{22}$/);
  });

  it('verifies a device list signed by the identity key', async () => {
    const identity = await generateIdentityKeyPair();
    const { list, signed } = await signedList(identity);
    expect(await verifyDeviceList(signed, identity.publicKey, 'bob')).to.deep.equal(list);
  });

  it('refuses a list with a ghost device the identity never signed', async () => {
    const identity = await generateIdentityKeyPair();
    const server = await generateIdentityKeyPair();
    // The server builds its own list with its own device and signs it with its own key.
    const { signed } = await signedList(server);
    expect(await reasonOf(verifyDeviceList(signed, identity.publicKey, 'bob'))).to.equal('signature-invalid');
  });

  it('refuses a signed list presented for another user, and a tampered one', async () => {
    const identity = await generateIdentityKeyPair();
    const { signed } = await signedList(identity);
    expect(await reasonOf(verifyDeviceList(signed, identity.publicKey, 'carol'))).to.equal('wrong-recipient');
    const tampered = signed.slice();
    tampered[20]! ^= 0x01;
    expect(await reasonOf(verifyDeviceList(tampered, identity.publicKey, 'bob'))).to.equal(
      'signature-invalid',
    );
  });
});

describe('padding', () => {
  it('pads to buckets and restores the content exactly', () => {
    for (const length of [0, 1, 252, 253, 1020, 5000, 40000]) {
      const content = crypto.getRandomValues(new Uint8Array(length));
      const padded = pad(content);
      expect(padded.length).to.equal(bucketFor(length));
      expect(unpad(padded)).to.deep.equal(content);
    }
    expect(bucketFor(0)).to.equal(256);
    expect(bucketFor(253)).to.equal(1024);
    expect(bucketFor(20000)).to.equal(32768);
  });

  it('refuses padding that is not zero or a length that lies', () => {
    const padded = pad(new Uint8Array([1, 2, 3]));
    padded[200] = 1;
    expect(() => unpad(padded)).to.throw(CryptoError);
    const lying = pad(new Uint8Array([1, 2, 3]));
    lying[3] = 253;
    expect(() => unpad(lying)).to.throw(CryptoError);
  });
});
