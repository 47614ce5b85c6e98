/**
 * Linking a second device (PROTOCOL.md 1.11): a commit-then-reveal exchange of two nonces through the server,
 * and a six-digit code over both devices' keys and both nonces that the user compares on both screens.
 */
import { ByteWriter, concat, equalBytes, utf8 } from './encoding.js';
import { randomBytes, sha256 } from './primitives.js';
import { PROTOCOL_VERSION, SUITE_P256 } from './suite.js';

export const LINK_LABELS = {
  commitment: 'bm-secure-chat/v1 device-link-commitment',
  code: 'bm-secure-chat/v1 device-link-code',
} as const;

export const LINK_NONCE_BYTES = 32;
export const LINK_CODE_DIGITS = 6;

/** The new device's public keys, as it put them in its link request. */
export interface LinkingDevice {
  deviceId: string;
  /** SPKI of its ECDSA P-256 signing key. */
  signingKey: Uint8Array;
  /** SPKI of its ECDH P-256 HPKE key. */
  hpkeKey: Uint8Array;
}

export function linkNonce(): Uint8Array {
  return randomBytes(LINK_NONCE_BYTES);
}

function deviceBytes(userId: string, device: LinkingDevice): ByteWriter {
  return new ByteWriter()
    .u8(PROTOCOL_VERSION)
    .u8(SUITE_P256)
    .shortString(userId)
    .shortString(device.deviceId)
    .shortBytes(device.signingKey)
    .shortBytes(device.hpkeKey);
}

const labelled = (label: string, body: Uint8Array) => concat(utf8(label), Uint8Array.of(0), body);

/** What the new device publishes before it sees the existing device's nonce: SHA-256 over its keys and nonce. */
export async function linkCommitment(
  userId: string,
  device: LinkingDevice,
  nonce: Uint8Array,
): Promise<Uint8Array> {
  if (nonce.length !== LINK_NONCE_BYTES) throw new RangeError('A link nonce is 32 bytes');
  return sha256(labelled(LINK_LABELS.commitment, concat(deviceBytes(userId, device).finish(), nonce)));
}

/** True when the revealed nonce (with the keys the request carried) is the one committed to. */
export async function checkLinkCommitment(
  userId: string,
  device: LinkingDevice,
  nonce: Uint8Array,
  commitment: Uint8Array,
): Promise<boolean> {
  if (nonce.length !== LINK_NONCE_BYTES) return false;
  return equalBytes(await linkCommitment(userId, device, nonce), commitment);
}

/**
 * The code both screens show: SHA-256 over the user id, the identity key the existing device answered with, the
 * new device's keys and both nonces; its first four bytes as a big-endian number mod 10^6, six digits.
 */
export async function linkCode(input: {
  userId: string;
  /** SPKI of the user's identity key, as the existing device sent it. */
  identityKey: Uint8Array;
  device: LinkingDevice;
  /** The existing device's nonce. */
  ownerNonce: Uint8Array;
  /** The new device's nonce (the one it committed to). */
  deviceNonce: Uint8Array;
}): Promise<string> {
  const body = deviceBytes(input.userId, input.device)
    .shortBytes(input.identityKey)
    .shortBytes(input.ownerNonce)
    .shortBytes(input.deviceNonce)
    .finish();
  const digest = await sha256(labelled(LINK_LABELS.code, body));
  const value = new DataView(digest.buffer, digest.byteOffset).getUint32(0);
  return String(value % 10 ** LINK_CODE_DIGITS).padStart(LINK_CODE_DIGITS, '0');
}
