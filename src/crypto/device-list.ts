import { ByteReader, ByteWriter, concat, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { deviceIdFromSpki } from './keys.js';
import { ecdsaSign, ecdsaVerify, exportSpki, importEcdsaPublicSpki } from './primitives.js';
import { LABELS, PROTOCOL_VERSION, SIGNATURE_BYTES, SUITE_P256 } from './suite.js';

export interface DeviceEntry {
  deviceId: string;
  /** SPKI of the device's ECDSA P-256 signing key. */
  signingKey: Uint8Array;
  /** SPKI of the device's ECDH P-256 HPKE key. */
  hpkeKey: Uint8Array;
}

export interface DeviceList {
  userId: string;
  /** Increases with every change; a receiver refuses a list older than one it has seen. */
  version: number;
  issuedAt: number;
  devices: DeviceEntry[];
}

function encodeBody(list: DeviceList): Uint8Array {
  const writer = new ByteWriter()
    .u8(PROTOCOL_VERSION)
    .u8(SUITE_P256)
    .shortString(list.userId)
    .u32(list.version)
    .u64(list.issuedAt)
    .u16(list.devices.length);
  for (const device of list.devices) {
    writer.shortString(device.deviceId).shortBytes(device.signingKey).shortBytes(device.hpkeKey);
  }
  return writer.finish();
}

function signedPart(body: Uint8Array): Uint8Array {
  return concat(utf8(LABELS.deviceList), Uint8Array.of(0), body);
}

/** Signs a user's device list with their identity key: body || 64-byte signature. */
export async function signDeviceList(list: DeviceList, identityPrivateKey: CryptoKey): Promise<Uint8Array> {
  const body = encodeBody(list);
  return concat(body, await ecdsaSign(identityPrivateKey, signedPart(body)));
}

function decodeBody(body: Uint8Array): DeviceList {
  const reader = new ByteReader(body);
  if (reader.u8() !== PROTOCOL_VERSION) throw new CryptoError('version-unsupported');
  if (reader.u8() !== SUITE_P256) throw new CryptoError('suite-unsupported');
  const userId = reader.shortString();
  const version = reader.u32();
  const issuedAt = reader.u64();
  const count = reader.u16();
  const devices: DeviceEntry[] = [];
  for (let i = 0; i < count; i++) {
    devices.push({
      deviceId: reader.shortString(),
      signingKey: reader.shortBytes(),
      hpkeKey: reader.shortBytes(),
    });
  }
  reader.end();
  return { userId, version, issuedAt, devices };
}

/**
 * Verifies a signed device list against the identity key the caller trusts for that user, and checks that
 * each device id is the one its signing key derives. A device the identity never signed is not in the result.
 */
export async function verifyDeviceList(
  signed: Uint8Array,
  identityPublicKey: CryptoKey,
  expectedUserId: string,
): Promise<DeviceList> {
  if (signed.length <= SIGNATURE_BYTES) throw new CryptoError('malformed', 'Device list too short');
  const body = signed.subarray(0, signed.length - SIGNATURE_BYTES);
  const signature = signed.subarray(signed.length - SIGNATURE_BYTES);
  if (!(await ecdsaVerify(identityPublicKey, signature, signedPart(body)))) {
    throw new CryptoError('signature-invalid', 'The device list is not signed by this identity');
  }
  const list = decodeBody(body);
  if (list.userId !== expectedUserId)
    throw new CryptoError('wrong-recipient', 'The device list is for another user');
  for (const device of list.devices) {
    if ((await deviceIdFromSpki(device.signingKey)) !== device.deviceId) {
      throw new CryptoError('malformed', 'A device id does not match its signing key');
    }
    await importEcdsaPublicSpki(device.signingKey);
  }
  return list;
}

/** The entry a device publishes for itself. */
export async function deviceEntry(
  deviceId: string,
  signingPublicKey: CryptoKey,
  hpkePublicKey: CryptoKey,
): Promise<DeviceEntry> {
  return {
    deviceId,
    signingKey: await exportSpki(signingPublicKey),
    hpkeKey: await exportSpki(hpkePublicKey),
  };
}
