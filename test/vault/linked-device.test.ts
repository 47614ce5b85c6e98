import { expect } from '@open-wc/testing';
import {
  cleanUpVaults,
  hpkeKeyPair,
  openTestVault,
  rejection,
  signingKeyPair,
  uniqueUserId,
} from './helpers.js';

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;

describe('vault: a linked device (identity public key only)', () => {
  afterEach(cleanUpVaults);

  it('keeps a device whose identity has no private key across close and reopen, with the public key usable', async () => {
    const userId = uniqueUserId();
    const identity = await signingKeyPair();
    const vault = await openTestVault(userId);
    await vault.createDevice({
      deviceId: 'linked-device',
      identity: { publicKey: identity.publicKey, privateKey: null },
      signing: await signingKeyPair(),
      hpke: await hpkeKeyPair(),
    });
    vault.close();
    const loaded = (await (await openTestVault(userId)).loadDevice())!;
    expect(loaded.deviceId).to.equal('linked-device');
    expect(loaded.identity.privateKey).to.equal(null);
    const message = new TextEncoder().encode('signed on the device that holds the identity');
    const signature = await crypto.subtle.sign(ECDSA, identity.privateKey, message);
    expect(await crypto.subtle.verify(ECDSA, loaded.identity.publicKey, signature, message)).to.equal(true);
  });

  it('still refuses an extractable identity private key, and an identity that is not a key', async () => {
    const vault = await openTestVault(uniqueUserId());
    const device = { deviceId: 'd', signing: await signingKeyPair(), hpke: await hpkeKeyPair() };
    const extractable = await signingKeyPair(true);
    const error = await rejection(vault.createDevice({ ...device, identity: extractable }));
    expect((error as { reason: string }).reason).to.equal('key-extractable');
    const bogus = { publicKey: 'not a key', privateKey: null } as unknown as CryptoKeyPair;
    expect(
      ((await rejection(vault.createDevice({ ...device, identity: bogus }))) as { reason: string }).reason,
    ).to.equal('damaged');
    expect(await vault.loadDevice()).to.equal(null);
  });
});
