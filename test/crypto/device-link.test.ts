import { expect } from '@open-wc/testing';
import {
  checkLinkCommitment,
  linkCode,
  linkCommitment,
  linkNonce,
  type LinkingDevice,
} from '../../src/crypto/index.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const device: LinkingDevice = { deviceId: 'dev-1', signingKey: bytes(91, 1), hpkeKey: bytes(91, 2) };

/** PROTOCOL.md 1.11 written out byte by byte, apart from the code under test. */
async function expectedCode(
  userId: string,
  identityKey: Uint8Array,
  ownerNonce: Uint8Array,
  deviceNonce: Uint8Array,
) {
  const enc = new TextEncoder();
  const u8 = (s: string) => [enc.encode(s).length, ...enc.encode(s)];
  const u16 = (b: Uint8Array) => [b.length >> 8, b.length & 255, ...b];
  const input = Uint8Array.from([
    ...enc.encode('bm-secure-chat/v1 device-link-code'),
    0,
    1,
    1,
    ...u8(userId),
    ...u8(device.deviceId),
    ...u16(device.signingKey),
    ...u16(device.hpkeKey),
    ...u16(identityKey),
    ...u16(ownerNonce),
    ...u16(deviceNonce),
  ]);
  const digest = new DataView(await crypto.subtle.digest('SHA-256', input));
  return String(digest.getUint32(0) % 1_000_000).padStart(6, '0');
}

describe('device link: commitment and code (PROTOCOL.md 1.11)', () => {
  it('computes the code exactly as the protocol writes it: six digits over both devices and both nonces', async () => {
    const identityKey = bytes(91, 3);
    const ownerNonce = bytes(32, 4);
    const deviceNonce = bytes(32, 5);
    const code = await linkCode({ userId: 'ana', identityKey, device, ownerNonce, deviceNonce });
    expect(code).to.match(/^\d{6}$/);
    expect(code).to.equal(await expectedCode('ana', identityKey, ownerNonce, deviceNonce));
  });

  it('gives another code for another identity key or nonce', async () => {
    const base = {
      userId: 'ana',
      identityKey: bytes(91, 3),
      device,
      ownerNonce: bytes(32, 4),
      deviceNonce: bytes(32, 5),
    };
    const code = await linkCode(base);
    const others = await Promise.all([
      linkCode({ ...base, identityKey: bytes(91, 9) }),
      linkCode({ ...base, ownerNonce: bytes(32, 9) }),
      linkCode({ ...base, deviceNonce: bytes(32, 9) }),
      linkCode({ ...base, device: { ...device, hpkeKey: bytes(91, 9) } }),
    ]);
    // One in a million of these could collide by chance; these fixed inputs do not.
    for (const other of others) expect(other).not.to.equal(code);
  });

  it('accepts the committed nonce only, with the keys it was committed with', async () => {
    const nonce = linkNonce();
    expect(nonce).to.have.length(32);
    const commitment = await linkCommitment('ana', device, nonce);
    expect(await checkLinkCommitment('ana', device, nonce, commitment)).to.equal(true);
    expect(await checkLinkCommitment('ana', device, linkNonce(), commitment)).to.equal(false);
    expect(
      await checkLinkCommitment('ana', { ...device, hpkeKey: bytes(91, 7) }, nonce, commitment),
    ).to.equal(false);
    expect(await checkLinkCommitment('bob', device, nonce, commitment)).to.equal(false);
    expect(await checkLinkCommitment('ana', device, nonce.subarray(0, 31), commitment)).to.equal(false);
  });
});
