import { expect } from '@open-wc/testing';
import { VaultError, vaultDatabaseName } from '../../src/vault/index.js';
import {
  cleanUpVaults,
  hpkeKeyPair,
  newDevice,
  openTestVault,
  rawOpen,
  rejection,
  requestDone,
  signingKeyPair,
  uniqueUserId,
} from './helpers.js';

const data = new TextEncoder().encode('a message to sign');
const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };

async function signsAndVerifies(pair: CryptoKeyPair): Promise<boolean> {
  const signature = await crypto.subtle.sign(ecdsa, pair.privateKey, data);
  return crypto.subtle.verify(ecdsa, pair.publicKey, signature, data);
}

async function agreesWith(pair: CryptoKeyPair, other: CryptoKeyPair): Promise<boolean> {
  const ours = await crypto.subtle.deriveBits(
    { name: 'ECDH', public: other.publicKey },
    pair.privateKey,
    256,
  );
  const theirs = await crypto.subtle.deriveBits(
    { name: 'ECDH', public: pair.publicKey },
    other.privateKey,
    256,
  );
  return new Uint8Array(ours).every((byte, i) => byte === new Uint8Array(theirs)[i]);
}

function reasonOf(error: unknown): string | undefined {
  return error instanceof VaultError ? error.reason : undefined;
}

describe('vault: device keys', () => {
  afterEach(cleanUpVaults);

  it('keeps every private key a working non-extractable CryptoKey after close and reopen', async () => {
    const userId = uniqueUserId();
    const first = await openTestVault(userId);
    const device = await newDevice();
    await first.createDevice(device);
    first.close();

    const reopened = await openTestVault(userId);
    const loaded = await reopened.loadDevice();
    expect(loaded?.deviceId).to.equal(device.deviceId);
    const identity = { publicKey: loaded!.identity.publicKey, privateKey: loaded!.identity.privateKey! };
    for (const pair of [identity, loaded!.signing, loaded!.hpke]) {
      expect(pair.privateKey).to.be.instanceOf(CryptoKey);
      expect(pair.privateKey.extractable).to.equal(false);
    }
    expect(await signsAndVerifies(identity)).to.equal(true);
    expect(await signsAndVerifies(loaded!.signing)).to.equal(true);
    expect(await agreesWith(loaded!.hpke, await hpkeKeyPair())).to.equal(true);
  });

  it('returns null from an empty vault and creates no keys by opening', async () => {
    const vault = await openTestVault(uniqueUserId());
    expect(await vault.loadDevice()).to.equal(null);
    expect(await vault.loadDevice()).to.equal(null);
  });

  it('refuses to create a second device and keeps the first', async () => {
    const vault = await openTestVault(uniqueUserId());
    const first = await newDevice('first');
    await vault.createDevice(first);
    const error = await rejection(vault.createDevice(await newDevice('second')));
    expect(reasonOf(error)).to.equal('device-exists');
    expect((await vault.loadDevice())?.deviceId).to.equal('first');
  });

  it('refuses an extractable private key', async () => {
    const vault = await openTestVault(uniqueUserId());
    const device = { ...(await newDevice()), signing: await signingKeyPair(true) };
    expect(reasonOf(await rejection(vault.createDevice(device)))).to.equal('key-extractable');
    expect(await vault.loadDevice()).to.equal(null);
  });

  it('reports damaged when the device store was emptied by hand, and makes no new keys', async () => {
    const userId = uniqueUserId();
    const vault = await openTestVault(userId);
    await vault.createDevice(await newDevice());
    vault.close();

    const raw = await rawOpen(vaultDatabaseName(userId));
    await requestDone(raw.transaction('device', 'readwrite').objectStore('device').clear());
    raw.close();

    const reopened = await openTestVault(userId);
    expect(reasonOf(await rejection(reopened.loadDevice()))).to.equal('damaged');
    expect(reasonOf(await rejection(reopened.createDevice(await newDevice())))).to.equal('damaged');
    const check = await rawOpen(vaultDatabaseName(userId));
    expect(await requestDone(check.transaction('device').objectStore('device').count())).to.equal(0);
    check.close();
  });

  it('reports damaged when the published bundle names a device this vault does not hold', async () => {
    const vault = await openTestVault(uniqueUserId());
    expect(reasonOf(await rejection(vault.loadDevice({ expectedDeviceId: 'published-device' })))).to.equal(
      'damaged',
    );
  });

  it('reports damaged for an unreadable device record', async () => {
    const userId = uniqueUserId();
    const vault = await openTestVault(userId);
    vault.close();
    const raw = await rawOpen(vaultDatabaseName(userId));
    const garbage = { userId, deviceId: 'd', createdAt: 1, identity: 'not a key', signing: null, hpke: {} };
    await requestDone(raw.transaction('device', 'readwrite').objectStore('device').put(garbage, 'current'));
    raw.close();

    const reopened = await openTestVault(userId);
    expect(reasonOf(await rejection(reopened.loadDevice()))).to.equal('damaged');
  });

  it('gives two users on one page separate databases', async () => {
    const alice = await openTestVault(uniqueUserId('alice'));
    const bob = await openTestVault(uniqueUserId('bob'));
    await alice.createDevice(await newDevice('alice-device'));
    expect(alice.databaseName).to.not.equal(bob.databaseName);
    expect(await bob.loadDevice()).to.equal(null);
    await bob.createDevice(await newDevice('bob-device'));
    expect((await alice.loadDevice())?.deviceId).to.equal('alice-device');
  });

  it('separates one user id on two backends by scope', async () => {
    const userId = uniqueUserId();
    const siteA = await openTestVault(userId, { scope: 'https://a.example/chat' });
    const siteB = await openTestVault(userId, { scope: 'https://b.example/chat' });
    await siteA.createDevice(await newDevice());
    expect(siteA.databaseName).to.not.equal(siteB.databaseName);
    expect(await siteB.loadDevice()).to.equal(null);
  });

  it('names databases so that a colon in a user id cannot collide with a scope', () => {
    expect(vaultDatabaseName('a:b')).to.not.equal(vaultDatabaseName('b', 'a'));
  });
});
