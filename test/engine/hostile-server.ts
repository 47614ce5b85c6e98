/**
 * A backend that lies about keys on purpose: it wraps a real adapter (the in-memory hub's) and rewrites what
 * fetchKeys answers about one contact, and it records every sealed epoch key the client hands it.
 */
import type { ChatAdapter, KeyBundle } from '../../src/adapter/types.js';
import {
  deviceEntry,
  deviceIdFor,
  exportSpki,
  generateDeviceKeys,
  generateIdentityKeyPair,
  signDeviceList,
  toBase64Url,
} from '../../src/crypto/index.js';

export type Lie =
  /** Answers with an identity key and a device of the server's own, the device list signed by that key. */
  | 'swap-identity'
  /** Answers with the contact's real signed list plus a device of the server's own that nobody signed. */
  | 'ghost-device';

interface ServerDevice {
  identityKey: string;
  signedDeviceList: string;
  device: { deviceId: string; signingKey: string; hpkeKey: string };
}

export class HostileServer {
  /** What the server says about `victim` now; null: the truth. */
  lie: Lie | null = null;
  /** Recipient ids of every sealed epoch key the wrapped client uploaded. */
  readonly sealedTo: string[] = [];
  private own: Promise<ServerDevice> | null = null;

  /** `victim`: the contact the server lies about (may be set later, before the first lie). */
  constructor(public victim = '') {}

  /** The server's own keys (made once, so every answer tells the same lie). */
  serverDevice(): Promise<ServerDevice> {
    this.own ??= (async () => {
      const identity = await generateIdentityKeyPair();
      const keys = await generateDeviceKeys();
      const deviceId = await deviceIdFor(keys.signing.publicKey);
      const entry = await deviceEntry(deviceId, keys.signing.publicKey, keys.hpke.publicKey);
      const list = { userId: this.victim, version: 2, issuedAt: Date.now(), devices: [entry] };
      return {
        identityKey: toBase64Url(await exportSpki(identity.publicKey)),
        signedDeviceList: toBase64Url(await signDeviceList(list, identity.privateKey)),
        device: { deviceId, signingKey: toBase64Url(entry.signingKey), hpkeKey: toBase64Url(entry.hpkeKey) },
      };
    })();
    return this.own;
  }

  private async rewrite(bundle: KeyBundle): Promise<KeyBundle> {
    if (bundle.userId !== this.victim || !this.lie) return bundle;
    const own = await this.serverDevice();
    if (this.lie === 'ghost-device') return { ...bundle, devices: [...bundle.devices, own.device] };
    return {
      ...bundle,
      identityKey: own.identityKey,
      signedDeviceList: own.signedDeviceList,
      devices: [own.device],
    };
  }

  wrap(adapter: ChatAdapter): ChatAdapter {
    const fetchKeys: ChatAdapter['fetchKeys'] = async (userIds) =>
      Promise.all((await adapter.fetchKeys(userIds)).map((bundle) => this.rewrite(bundle)));
    const putEpochKeys: ChatAdapter['putEpochKeys'] = (upload) => {
      this.sealedTo.push(...upload.sealed.map((s) => s.recipientId));
      return adapter.putEpochKeys(upload);
    };
    const addSealedKeys: ChatAdapter['addSealedKeys'] = (threadId, epoch, sealed) => {
      this.sealedTo.push(...sealed.map((s) => s.recipientId));
      return adapter.addSealedKeys(threadId, epoch, sealed);
    };
    const overrides: Partial<ChatAdapter> = { fetchKeys, putEpochKeys, addSealedKeys };
    return new Proxy(adapter, {
      get(target, name) {
        if (name in overrides) return overrides[name as keyof ChatAdapter];
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
