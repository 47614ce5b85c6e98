/**
 * Linked devices (PROTOCOL.md 1.11): linking a new browser of the same user from a device that holds the identity
 * key, the user's signed device list, and revoking a device. It lives in the crypto chunk with thread-security.ts.
 *
 * The one entry point for a fresh browser is `linkThisDevice()`: it makes this browser's device keys, walks the
 * link request with the other device, and stores the device in the vault (with the identity's public key only)
 * once the other device has signed it into the list. Until then `EncryptedThreads.ensureDevice` waits for it
 * instead of creating an identity of its own.
 */
import type { ChatAdapter, KeyBundle, LinkRequest } from '../../adapter/types.js';
import {
  checkLinkCommitment,
  CryptoError,
  deviceEntry,
  deviceIdFor,
  deviceIdFromSpki,
  exportSpki,
  fromBase64Url,
  generateDeviceKeys,
  importEcdhPublicSpki,
  importEcdsaPublicSpki,
  linkCode,
  linkCommitment,
  linkNonce,
  signDeviceList,
  toBase64Url,
  verifyDeviceList,
  type DeviceEntry,
  type DeviceList,
  type LinkingDevice,
} from '../../crypto/index.js';
import type { DeviceRecord, Vault } from '../../vault/index.js';

export type DeviceLinkFailure =
  /** The new device's revealed nonce does not match its commitment: its keys or nonce changed on the way. */
  | 'commitment-mismatch'
  /** The request's device id does not derive from its signing key, or a key is not a P-256 public key. */
  | 'bad-request'
  /** The other device (or the user) denied the request. */
  | 'denied'
  | 'expired'
  /** This device does not hold the identity private key, so it cannot sign the device list. */
  | 'not-owner'
  /** The device list published after the approval is not signed by the identity compared, or lacks this device. */
  | 'not-linked'
  /** This browser already holds a device: linking is for a fresh one. */
  | 'vault-not-empty'
  /** Revoking a device that is not in the signed list. */
  | 'unknown-device'
  /** Revoking the device that is signing: use another one, or sign out here. */
  | 'self'
  /** The server holds no signed device list for this user yet. */
  | 'no-device-list'
  /** This device is no longer in the user's signed list: it seals nothing (its messages would be refused). */
  | 'revoked'
  | 'cancelled';

export class DeviceLinkError extends Error {
  override readonly name = 'DeviceLinkError';
  constructor(
    readonly reason: DeviceLinkFailure,
    message: string = reason,
  ) {
    super(message);
  }
}

export interface DeviceSummary {
  deviceId: string;
  /** This browser. */
  current: boolean;
}

export interface DeviceListView {
  version: number;
  issuedAt: number;
  devices: DeviceSummary[];
  /** This device holds the identity key: it may link and revoke. */
  owner: boolean;
}

export type ThisDevice =
  /** No device here. `firstDevice`: the server has no keys for this user either, so this one may make them. */
  | { kind: 'none'; firstDevice: boolean }
  | { kind: 'owner' | 'linked'; deviceId: string }
  /** This device's keys are here but the user's signed list no longer holds it. */
  | { kind: 'revoked'; deviceId: string };

/** The existing device's side of one link: the code to compare, then approve or deny. */
export interface OwnerLink {
  requestId: string;
  deviceId: string;
  /** Six digits; the new device shows the same ones unless someone changed a key on the way. */
  code: string;
  /** The user saw the same code on both screens: signs and publishes the list with the new device. */
  approve(): Promise<void>;
  deny(): Promise<void>;
}

/** The new device's side of one link. */
export interface NewDeviceLink {
  requestId: string;
  deviceId: string;
  /** Resolves once the other device answered and this one revealed its nonce. */
  code: Promise<string>;
  /** Resolves when the other device approved, rejects when it denied or the request expired. */
  outcome: Promise<void>;
  /** The user saw the same code on both screens: waits for the other device's approval, then stores the device. */
  confirm(): Promise<DeviceRecord>;
  /** Denies the request (the codes differ, or the user changed their mind) and forgets the keys. */
  cancel(): Promise<void>;
}

/** What the UI may ask about this user's devices. */
export interface DeviceActions {
  /** What this browser is. Creates nothing. */
  thisDevice(): Promise<ThisDevice>;
  listDevices(): Promise<DeviceListView>;
  /** Signs and publishes the list without that device; every thread rotates before anything else is sealed. */
  revokeDevice(deviceId: string): Promise<void>;
  /** Link requests waiting for an answer from a device that holds the identity key. */
  pendingLinks(): Promise<LinkRequest[]>;
  /** Answers a request and waits for the new device's nonce: resolves with the code to compare. */
  answerLink(requestId: string, options?: WaitOptions): Promise<OwnerLink>;
  /** On a fresh browser: starts linking it to the user's other device. */
  linkThisDevice(options?: WaitOptions): Promise<NewDeviceLink>;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** How often to ask the server whether the other device moved (default 1000 ms). */
  pollMs?: number;
}

export interface DeviceLinkOptions {
  adapter: ChatAdapter;
  vault: Vault;
  userId: string;
  now: () => number;
  /** This browser's device (created on first use, on a device that is not linking). */
  ensureDevice: () => Promise<DeviceRecord>;
  /** While the link runs, `ensureDevice` answers with this promise instead of creating an identity. */
  holdDevice: (device: Promise<DeviceRecord>) => void;
  /** The user's own signed list changed: drop what was cached of it. */
  ownListChanged: () => void;
}

const FINISHED = ['approved', 'denied', 'expired'];

/** Verifies this user's own list against the identity key this device holds; refuses a rollback. */
export async function verifiedOwnList(
  vault: Vault,
  userId: string,
  bundle: KeyBundle,
  identityKey: CryptoKey,
): Promise<DeviceList> {
  const list = await verifyDeviceList(fromBase64Url(bundle.signedDeviceList), identityKey, userId);
  const seen = (await vault.settings.get('ownDeviceListVersion')) ?? 0;
  if (list.version < seen)
    throw new CryptoError('replayed', `Device list version ${list.version} is older than ${seen}`);
  if (list.version > seen) await vault.settings.put('ownDeviceListVersion', list.version);
  return list;
}

const published = (entry: DeviceEntry) => ({
  deviceId: entry.deviceId,
  signingKey: toBase64Url(entry.signingKey),
  hpkeKey: toBase64Url(entry.hpkeKey),
});

export class DeviceLinks implements DeviceActions {
  constructor(private readonly options: DeviceLinkOptions) {}

  private async ownBundle(): Promise<KeyBundle> {
    const [bundle] = await this.options.adapter.fetchKeys([this.options.userId]);
    if (!bundle) throw new DeviceLinkError('no-device-list', 'No signed device list is published yet');
    return bundle;
  }

  private async owner(): Promise<DeviceRecord & { identity: { privateKey: CryptoKey } }> {
    const device = await this.options.ensureDevice();
    if (!device.identity.privateKey)
      throw new DeviceLinkError('not-owner', 'Only a device holding the identity key signs the device list');
    return device as DeviceRecord & { identity: { privateKey: CryptoKey } };
  }

  private async ownList(device: DeviceRecord): Promise<{ bundle: KeyBundle; list: DeviceList }> {
    const bundle = await this.ownBundle();
    const { vault, userId } = this.options;
    return { bundle, list: await verifiedOwnList(vault, userId, bundle, device.identity.publicKey) };
  }

  /** Signs `devices` as the next version of the list and publishes it, keeping the backup as it is. */
  private async publishList(
    device: DeviceRecord & { identity: { privateKey: CryptoKey } },
    bundle: KeyBundle,
    previous: DeviceList,
    devices: DeviceEntry[],
  ): Promise<void> {
    const list: DeviceList = {
      userId: this.options.userId,
      version: previous.version + 1,
      issuedAt: this.options.now(),
      devices,
    };
    await this.options.adapter.publishKeys({
      identityKey: toBase64Url(await exportSpki(device.identity.publicKey)),
      signedDeviceList: toBase64Url(await signDeviceList(list, device.identity.privateKey)),
      devices: devices.map(published),
      ...(bundle.backup ? { backup: bundle.backup } : {}),
    });
    await this.options.vault.settings.put('ownDeviceListVersion', list.version);
    this.options.ownListChanged();
  }

  async thisDevice(): Promise<ThisDevice> {
    const device = await this.options.vault.loadDevice();
    const [bundle] = await this.options.adapter.fetchKeys([this.options.userId]);
    if (!device) return { kind: 'none', firstDevice: !bundle };
    if (bundle) {
      const { vault, userId } = this.options;
      const list = await verifiedOwnList(vault, userId, bundle, device.identity.publicKey);
      if (!list.devices.some((d) => d.deviceId === device.deviceId))
        return { kind: 'revoked', deviceId: device.deviceId };
    }
    return { kind: device.identity.privateKey ? 'owner' : 'linked', deviceId: device.deviceId };
  }

  async listDevices(): Promise<DeviceListView> {
    const device = await this.options.ensureDevice();
    const { list } = await this.ownList(device);
    return {
      version: list.version,
      issuedAt: list.issuedAt,
      owner: !!device.identity.privateKey,
      devices: list.devices.map((d) => ({ deviceId: d.deviceId, current: d.deviceId === device.deviceId })),
    };
  }

  async revokeDevice(deviceId: string): Promise<void> {
    const device = await this.owner();
    if (deviceId === device.deviceId) throw new DeviceLinkError('self', 'This device cannot revoke itself');
    const { bundle, list } = await this.ownList(device);
    if (!list.devices.some((d) => d.deviceId === deviceId))
      throw new DeviceLinkError('unknown-device', `${deviceId} is not in the signed device list`);
    await this.publishList(
      device,
      bundle,
      list,
      list.devices.filter((d) => d.deviceId !== deviceId),
    );
  }

  async pendingLinks(): Promise<LinkRequest[]> {
    return (await this.options.adapter.listLinkRequests()).filter((r) => r.status === 'pending');
  }

  /** Asks the server about a request until `done` holds, it finished another way, or the wait is aborted. */
  private async waitFor(
    requestId: string,
    done: (request: LinkRequest) => boolean,
    options: WaitOptions = {},
  ): Promise<LinkRequest> {
    const pollMs = options.pollMs ?? 1000;
    for (;;) {
      if (options.signal?.aborted) throw new DeviceLinkError('cancelled');
      const request = await this.options.adapter.getLinkRequest(requestId);
      if (done(request)) return request;
      if (request.status === 'denied') throw new DeviceLinkError('denied', 'The link request was denied');
      if (request.status === 'expired') throw new DeviceLinkError('expired', 'The link request expired');
      if (FINISHED.includes(request.status))
        throw new DeviceLinkError('cancelled', `The link request is ${request.status}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, pollMs);
        options.signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  async answerLink(requestId: string, options: WaitOptions = {}): Promise<OwnerLink> {
    const device = await this.owner();
    const { adapter, userId } = this.options;
    const request = await adapter.getLinkRequest(requestId);
    if (request.status !== 'pending')
      throw new DeviceLinkError(request.status === 'expired' ? 'expired' : 'cancelled');
    const linking = await checkedDevice(request);
    const deny = async () => {
      await adapter.advanceLinkRequest(requestId, { step: 'deny' }).catch(() => undefined);
    };
    if (!linking) {
      await deny();
      throw new DeviceLinkError('bad-request', 'The request does not carry a well-formed device');
    }
    const identityKey = await exportSpki(device.identity.publicKey);
    const ownerNonce = linkNonce();
    await adapter.advanceLinkRequest(requestId, {
      step: 'answer',
      identityKey: toBase64Url(identityKey),
      nonce: toBase64Url(ownerNonce),
    });
    const revealed = await this.waitFor(requestId, (r) => r.status === 'revealed', options);
    const deviceNonce = fromBase64Url(revealed.nonce ?? '');
    if (!(await checkLinkCommitment(userId, linking, deviceNonce, fromBase64Url(request.commitment)))) {
      await deny();
      throw new DeviceLinkError(
        'commitment-mismatch',
        'The new device revealed a nonce it never committed to',
      );
    }
    const code = await linkCode({ userId, identityKey, device: linking, ownerNonce, deviceNonce });
    return {
      requestId,
      deviceId: linking.deviceId,
      code,
      deny,
      approve: async () => {
        const { bundle, list } = await this.ownList(device);
        const others = list.devices.filter((d) => d.deviceId !== linking.deviceId);
        await this.publishList(device, bundle, list, [...others, linking]);
        await adapter.advanceLinkRequest(requestId, { step: 'approve' });
      },
    };
  }

  /** ENTRY POINT for a fresh browser (see the module comment): link it to a device that holds the identity. */
  async linkThisDevice(options: WaitOptions = {}): Promise<NewDeviceLink> {
    const { adapter, vault, userId } = this.options;
    if (await vault.loadDevice()) throw new DeviceLinkError('vault-not-empty', 'This browser holds a device');
    const keys = await generateDeviceKeys();
    const deviceId = await deviceIdFor(keys.signing.publicKey);
    const entry = await deviceEntry(deviceId, keys.signing.publicKey, keys.hpke.publicKey);
    const deviceNonce = linkNonce();
    const request = await adapter.createLinkRequest({
      device: published(entry),
      commitment: toBase64Url(await linkCommitment(userId, entry, deviceNonce)),
    });
    let settle!: { resolve: (d: DeviceRecord) => void; reject: (e: unknown) => void };
    const result = new Promise<DeviceRecord>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => undefined);
    this.options.holdDevice(result);

    let identityKey: Uint8Array | null = null;
    const code = (async () => {
      const answered = await this.waitFor(request.id, (r) => r.status === 'answered', options);
      if (answered.status !== 'answered' || !answered.answer) throw new DeviceLinkError('cancelled');
      identityKey = fromBase64Url(answered.answer.identityKey);
      await adapter.advanceLinkRequest(request.id, { step: 'reveal', nonce: toBase64Url(deviceNonce) });
      return linkCode({
        userId,
        identityKey,
        device: entry,
        ownerNonce: fromBase64Url(answered.answer.nonce),
        deviceNonce,
      });
    })();
    code.catch((error: unknown) => settle.reject(error));
    const outcome = code.then(async () => {
      await this.waitFor(request.id, (r) => r.status === 'approved', options);
    });
    outcome.catch(() => undefined);

    const cancel = async () => {
      settle.reject(new DeviceLinkError('cancelled'));
      await adapter.advanceLinkRequest(request.id, { step: 'deny' }).catch(() => undefined);
      await adapter.deleteLinkRequest(request.id).catch(() => undefined);
    };

    const confirm = async (): Promise<DeviceRecord> => {
      try {
        await outcome;
        const bundle = await this.ownBundle();
        const identity = await importEcdsaPublicSpki(identityKey!);
        // The list must verify under the identity key the code was compared over, not whatever the server says.
        const list = await verifyDeviceList(fromBase64Url(bundle.signedDeviceList), identity, userId).catch(
          () => null,
        );
        const mine = list?.devices.find((d) => d.deviceId === deviceId);
        if (!list || !mine || toBase64Url(mine.hpkeKey) !== toBase64Url(entry.hpkeKey))
          throw new DeviceLinkError('not-linked', 'The published device list does not hold this device');
        const record = await vault.createDevice({
          deviceId,
          identity: { publicKey: identity, privateKey: null },
          signing: keys.signing,
          hpke: keys.hpke,
          createdAt: this.options.now(),
        });
        await vault.settings.put('ownDeviceListVersion', list.version);
        await adapter.deleteLinkRequest(request.id).catch(() => undefined);
        settle.resolve(record);
        return record;
      } catch (error) {
        settle.reject(error);
        throw error;
      }
    };
    return { requestId: request.id, deviceId, code, outcome, confirm, cancel };
  }
}

/** The request's device, when its id derives from its signing key and both keys are P-256 public keys. */
async function checkedDevice(request: LinkRequest): Promise<LinkingDevice | null> {
  try {
    const signingKey = fromBase64Url(request.device.signingKey);
    const hpkeKey = fromBase64Url(request.device.hpkeKey);
    if ((await deviceIdFromSpki(signingKey)) !== request.device.deviceId) return null;
    await importEcdsaPublicSpki(signingKey);
    await importEcdhPublicSpki(hpkeKey);
    return { deviceId: request.device.deviceId, signingKey, hpkeKey };
  } catch {
    return null;
  }
}
