import { expect } from '@open-wc/testing';
import type {
  EpochKeysUpload,
  EpochRecord,
  KeyBundle,
  MessageRecord,
  PutEpochResult,
  SealedKeyRecord,
  Thread,
} from '../../src/adapter/types.js';
import { EncryptedThreads } from '../../src/engine/security/thread-security.js';
import { createNewIdentityDevice, createRestoredDevice } from '../../src/engine/security/device-setup.js';
import {
  exportSpki,
  fromBase64Url,
  importEcdsaPublicSpki,
  toBase64Url,
  verifyDeviceList,
} from '../../src/crypto/index.js';
import { cleanUpVaults, openTestVault, rejection, uniqueUserId } from '../vault/helpers.js';

/**
 * The backend is this unit's neighbour: an in-memory store of key bundles, epochs and sealed keys with the
 * server's first-writer-wins rule. Crypto, vaults and the unit itself are real.
 */
class KeyServer {
  bundles = new Map<string, KeyBundle>();
  epochs = new Map<string, EpochRecord>();
  sealed: SealedKeyRecord[] = [];

  adapterFor(userId: string) {
    return {
      publishKeys: async (bundle: Omit<KeyBundle, 'userId' | 'updatedAt'>) => {
        this.bundles.set(userId, { ...bundle, userId });
      },
      fetchKeys: async (userIds: string[]) =>
        userIds.map((id) => this.bundles.get(id)).filter((b): b is KeyBundle => !!b),
      putEpochKeys: async (upload: EpochKeysUpload): Promise<PutEpochResult> => {
        const key = `${upload.threadId}#${upload.epoch}`;
        const existing = this.epochs.get(key);
        if (existing) return { status: 'conflict', epoch: existing };
        const epoch = {
          threadId: upload.threadId,
          epoch: upload.epoch,
          announcement: upload.announcement,
          createdBy: userId,
          createdAt: new Date().toISOString(),
        };
        this.epochs.set(key, epoch);
        for (const s of upload.sealed) {
          this.sealed.push({
            ...s,
            threadId: upload.threadId,
            epoch: upload.epoch,
            announcement: upload.announcement,
          });
        }
        return { status: 'created', epoch };
      },
      listEpochs: async (threadId: string) =>
        [...this.epochs.values()].filter((e) => e.threadId === threadId),
      getSealedKeys: async (recipientId: string, query: { threadId?: string } = {}) =>
        this.sealed.filter(
          (s) => s.recipientId === recipientId && (!query.threadId || s.threadId === query.threadId),
        ),
    };
  }
}

function thread(id: string, userIds: string[], joinedAt = '2026-01-01T00:00:00.000Z'): Thread {
  return {
    id,
    title: 'Matter',
    participants: userIds.map((userId) => ({ userId, displayName: userId, joinedAt, readUpTo: 0 })),
    encrypted: true,
    encryptedAt: joinedAt,
    createdBy: userIds[0]!,
    createdAt: joinedAt,
    lastActivityAt: joinedAt,
    lastSeq: 0,
    unreadCount: 0,
  };
}

async function person(server: KeyServer, label: string) {
  const userId = uniqueUserId(label);
  const vault = await openTestVault(userId);
  const adapter = server.adapterFor(userId) as never;
  const threads = new EncryptedThreads({ adapter, vault, userId });
  await threads.ensureDevice();
  return { userId, vault, threads };
}

function record(t: Thread, senderId: string, clientId: string, envelope: string, seq = 1): MessageRecord {
  return {
    id: `m${seq}`,
    threadId: t.id,
    clientId,
    senderId,
    seq,
    createdAt: new Date().toISOString(),
    body: { kind: 'envelope', envelope },
  };
}

describe('encrypted threads (engine, real crypto and vaults)', () => {
  afterEach(cleanUpVaults);

  it('lets Bob read what Alice sealed, after Alice turned encryption on', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const matter = thread('matter-1', [alice.userId, bob.userId]);
    await alice.threads.start(matter);
    const body = await alice.threads.seal(matter, 'c1', { type: 'text', text: 'Privileged: settle at 40k' });
    expect(body.kind).to.equal('envelope');
    const envelope = body.kind === 'envelope' ? body.envelope : '';
    expect(atob(envelope.replace(/-/g, '+').replace(/_/g, '/'))).not.to.contain('settle');
    const opened = await bob.threads.open(matter, record(matter, alice.userId, 'c1', envelope));
    expect(opened).to.deep.include({ content: { type: 'text', text: 'Privileged: settle at 40k' } });
    // The signed sender device and its sequence number, for replay, gap and order checks (sequence-check.ts).
    expect(opened).to.have.nested.property('sender.sequence', 1);
  });

  it('keeps the epoch key in the vault as a non-extractable key', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const matter = thread('matter-2', [alice.userId, bob.userId]);
    await alice.threads.start(matter);
    const body = await alice.threads.seal(matter, 'c1', { type: 'text', text: 'hi' });
    await bob.threads.open(
      matter,
      record(matter, alice.userId, 'c1', body.kind === 'envelope' ? body.envelope : ''),
    );
    const stored = await bob.vault.epochKeys.get('matter-2', 1);
    expect(stored?.key.extractable).to.equal(false);
  });

  it('starts a new epoch when a member joins, which the newcomer can read and older epochs stay closed to', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const carol = await person(server, 'carol');
    const before = thread('matter-3', [alice.userId, bob.userId]);
    await alice.threads.start(before);
    const old = await alice.threads.seal(before, 'c1', { type: 'text', text: 'before Carol' });
    const after = thread('matter-3', [alice.userId, bob.userId, carol.userId]);
    const fresh = await alice.threads.seal(after, 'c2', { type: 'text', text: 'welcome Carol' });
    expect([...server.epochs.keys()]).to.deep.equal(['matter-3#1', 'matter-3#2']);
    const carolView = thread(
      'matter-3',
      [alice.userId, bob.userId, carol.userId],
      new Date(Date.now() + 1000).toISOString(),
    );
    expect(
      await carol.threads.open(
        carolView,
        record(after, alice.userId, 'c2', fresh.kind === 'envelope' ? fresh.envelope : '', 2),
      ),
    ).to.deep.include({
      content: { type: 'text', text: 'welcome Carol' },
    });
    const oldOpened = await carol.threads.open(
      carolView,
      record(before, alice.userId, 'c1', old.kind === 'envelope' ? old.envelope : ''),
    );
    expect(oldOpened).to.deep.equal({ failure: { reason: 'before-join', expected: true } });
  });

  it('leaves a removed member without the key of the next epoch', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const mallory = await person(server, 'mallory');
    await alice.threads.start(thread('matter-4', [alice.userId, bob.userId, mallory.userId]));
    await alice.threads.seal(thread('matter-4', [alice.userId, bob.userId, mallory.userId]), 'c1', {
      type: 'text',
      text: 'hi all',
    });
    const withoutMallory = thread('matter-4', [alice.userId, bob.userId]);
    const secret = await alice.threads.seal(withoutMallory, 'c2', {
      type: 'text',
      text: 'after Mallory left',
    });
    const envelope = secret.kind === 'envelope' ? secret.envelope : '';
    const opened = await mallory.threads.open(
      withoutMallory,
      record(withoutMallory, alice.userId, 'c2', envelope, 2),
    );
    expect(opened).to.deep.equal({ failure: { reason: 'epoch-unknown', expected: false } });
    expect(
      await bob.threads.open(withoutMallory, record(withoutMallory, alice.userId, 'c2', envelope, 2)),
    ).to.deep.include({
      content: { type: 'text', text: 'after Mallory left' },
    });
  });

  it('shows a message sent before Bob had any device as an expected failure, and the next one as readable', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bobId = uniqueUserId('bob');
    const matter = thread('matter-8', [alice.userId, bobId]);
    const early = await alice.threads.seal(matter, 'c1', { type: 'text', text: 'before Bob set up' });
    const earlyRecord = record(matter, alice.userId, 'c1', early.kind === 'envelope' ? early.envelope : '');
    await new Promise((r) => setTimeout(r, 5));
    // Bob's widget starts later and publishes its device.
    const bobVault = await openTestVault(bobId);
    const bob = new EncryptedThreads({
      adapter: server.adapterFor(bobId) as never,
      vault: bobVault,
      userId: bobId,
    });
    await bob.prepare();
    expect(await bob.open(matter, earlyRecord)).to.deep.equal({
      failure: { reason: 'device-added-later', expected: true },
    });
    const late = await alice.threads.seal(matter, 'c2', { type: 'text', text: 'after Bob set up' });
    const lateRecord = record(matter, alice.userId, 'c2', late.kind === 'envelope' ? late.envelope : '', 2);
    expect(await bob.open(matter, lateRecord)).to.deep.include({
      content: { type: 'text', text: 'after Bob set up' },
    });
  });

  it('looks again for an epoch key it did not have, once the server has it', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const matter = thread('matter-late-key', [alice.userId, bob.userId]);
    await alice.threads.start(matter);
    const body = await alice.threads.seal(matter, 'c1', { type: 'text', text: 'the key comes late' });
    const sealed = record(matter, alice.userId, 'c1', body.kind === 'envelope' ? body.envelope : '');
    // The server has not delivered Bob's sealed copy yet.
    const held = server.sealed;
    server.sealed = [];
    expect(await bob.threads.open(matter, sealed)).to.deep.equal({
      failure: { reason: 'epoch-unknown', expected: false },
    });
    server.sealed = held;
    expect(await bob.threads.open(matter, sealed)).to.deep.include({
      content: { type: 'text', text: 'the key comes late' },
    });
  });

  it('publishes a first device whose publication failed (offline) at the next try, and only then', async () => {
    const server = new KeyServer();
    const userId = uniqueUserId('alice');
    const vault = await openTestVault(userId);
    const adapter = server.adapterFor(userId);
    let offline = true;
    let published = 0;
    const flaky = {
      ...adapter,
      publishKeys: async (bundle: Omit<KeyBundle, 'userId' | 'updatedAt'>) => {
        if (offline) throw new Error('network down');
        published++;
        return adapter.publishKeys(bundle);
      },
    } as never;
    const threads = new EncryptedThreads({ adapter: flaky, vault, userId });
    // The first encrypted use creates and stores the device, then cannot publish it.
    const error = await threads.ensureDevice().catch((e: unknown) => e);
    expect((error as Error).message).to.equal('network down');
    expect(server.bundles.has(userId)).to.equal(false);
    const stored = await vault.loadDevice();
    expect(stored, 'the device is kept').to.not.equal(null);
    offline = false;
    // The next try publishes the stored device: the server lists it.
    const device = await threads.ensureDevice();
    expect(device.deviceId).to.equal(stored!.deviceId);
    expect(server.bundles.get(userId)?.devices.map((d) => d.deviceId)).to.deep.equal([device.deviceId]);
    // A new page on the same vault does not publish it again.
    const later = new EncryptedThreads({ adapter: flaky, vault, userId });
    await later.ensureDevice();
    expect(published).to.equal(1);
  });

  describe('a device whose publication was cut short', () => {
    /** The user's adapter on `server`, failing every publication while `down.value`. */
    function flakyAdapter(server: KeyServer, userId: string, down: { value: boolean }) {
      const adapter = server.adapterFor(userId);
      return {
        ...adapter,
        publishKeys: async (bundle: Omit<KeyBundle, 'userId' | 'updatedAt'>) => {
          if (down.value) throw new Error('network down');
          return adapter.publishKeys(bundle);
        },
      } as never;
    }

    async function listedDevices(server: KeyServer, userId: string): Promise<string[]> {
      const bundle = server.bundles.get(userId)!;
      const identityKey = await importEcdsaPublicSpki(fromBase64Url(bundle.identityKey));
      const list = await verifyDeviceList(fromBase64Url(bundle.signedDeviceList), identityKey, userId);
      return list.devices.map((d) => d.deviceId);
    }

    const spki = async (key: CryptoKey) => toBase64Url(await exportSpki(key));

    /**
     * One user on a key server with two browsers: `here`, the vault under test, and `other`; every publication
     * fails while `down.value`. `reload` is this browser's next page: a new engine half on the same vault.
     */
    async function oneUser() {
      const server = new KeyServer();
      const userId = uniqueUserId('alice');
      const down = { value: false };
      const adapter = flakyAdapter(server, userId, down);
      const here = { adapter, vault: await openTestVault(userId), userId, now: Date.now };
      const other = { ...here, vault: await openTestVault(userId, { scope: 'other browser' }) };
      const reload = () => new EncryptedThreads({ adapter, vault: here.vault, userId }).ensureDevice();
      const listed = () => listedDevices(server, userId);
      const identityKey = () => server.bundles.get(userId)!.identityKey;
      return { down, here, other, reload, listed, identityKey };
    }

    it('a fresh start over old keys: the next try replaces them with the new identity', async () => {
      const { down, here, other, reload, listed, identityKey } = await oneUser();
      // The user's old browser published an identity; this one starts fresh, offline at the moment it publishes.
      const old = await createNewIdentityDevice(other, false);
      down.value = true;
      const error = await rejection(createNewIdentityDevice(here, false));
      expect((error as Error).message).to.equal('network down');
      expect(identityKey()).to.equal(await spki(old.record.identity.publicKey));
      down.value = false;
      const device = await reload();
      expect(identityKey()).to.equal(await spki(device.identity.publicKey));
      expect(await listed()).to.deep.equal([device.deviceId]);
    });

    it('a fresh start whose keys someone else replaced meanwhile does not overwrite theirs', async () => {
      const { down, here, other, reload, listed, identityKey } = await oneUser();
      down.value = true;
      await rejection(createNewIdentityDevice(here, false));
      // Another browser of the user set up keys while this one was offline.
      down.value = false;
      const theirs = await createNewIdentityDevice(other, false);
      await reload();
      expect(identityKey()).to.equal(await spki(theirs.record.identity.publicKey));
      expect(await listed()).to.deep.equal([theirs.record.deviceId]);
    });

    it('a restored device: the next try adds it to its identity’s list, beside the earlier device', async () => {
      const { down, here, other, reload, listed, identityKey } = await oneUser();
      const first = await createNewIdentityDevice(other, true);
      // The identity as a restore has it (non-extractable, from the backup), restored while offline.
      const identity = first.record.identity as CryptoKeyPair;
      down.value = true;
      const error = await rejection(createRestoredDevice(here, identity, null));
      expect((error as Error).message).to.equal('network down');
      expect(await listed()).to.deep.equal([first.record.deviceId]);
      down.value = false;
      const device = await reload();
      expect(await listed()).to.deep.equal([first.record.deviceId, device.deviceId]);
      expect(identityKey()).to.equal(await spki(identity.publicKey));
    });
  });

  it('adopts the winner when two members race to create the same epoch', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const matter = thread('matter-5', [alice.userId, bob.userId]);
    const [a, b] = await Promise.all([
      alice.threads.seal(matter, 'ca', { type: 'text', text: 'from Alice' }),
      bob.threads.seal(matter, 'cb', { type: 'text', text: 'from Bob' }),
    ]);
    expect(server.epochs.size).to.equal(1);
    const toBob = await bob.threads.open(
      matter,
      record(matter, alice.userId, 'ca', a.kind === 'envelope' ? a.envelope : ''),
    );
    const toAlice = await alice.threads.open(
      matter,
      record(matter, bob.userId, 'cb', b.kind === 'envelope' ? b.envelope : '', 2),
    );
    expect(toBob).to.deep.include({ content: { type: 'text', text: 'from Alice' } });
    expect(toAlice).to.deep.include({ content: { type: 'text', text: 'from Bob' } });
  });

  it('refuses an envelope the server claims another member sent', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const matter = thread('matter-6', [alice.userId, bob.userId]);
    await alice.threads.start(matter);
    const body = await alice.threads.seal(matter, 'c1', { type: 'text', text: 'hi' });
    const opened = await bob.threads.open(
      matter,
      record(matter, bob.userId, 'c1', body.kind === 'envelope' ? body.envelope : ''),
    );
    expect(opened).to.deep.equal({ failure: { reason: 'signature-invalid', expected: false } });
  });

  it('refuses a key the server sealed to Bob itself', async () => {
    const server = new KeyServer();
    const alice = await person(server, 'alice');
    const bob = await person(server, 'bob');
    const matter = thread('matter-7', [alice.userId, bob.userId]);
    await alice.threads.start(matter);
    const body = await alice.threads.seal(matter, 'c1', { type: 'text', text: 'hi' });
    // The server replaces Bob's sealed key with one it made for a key of its own.
    const { generateEpochKey, sealEpochKey, toBase64Url, fromBase64Url } =
      await import('../../src/crypto/index.js');
    const bobBundle = server.bundles.get(bob.userId)!;
    const own = await generateEpochKey();
    for (const s of server.sealed) {
      if (bobBundle.devices.some((d) => d.deviceId === s.recipientId)) {
        s.sealed = toBase64Url(
          await sealEpochKey(own.raw, 'matter-7', 1, {
            recipientId: s.recipientId,
            hpkeKey: fromBase64Url(bobBundle.devices[0]!.hpkeKey),
          }),
        );
      }
    }
    const opened = await bob.threads.open(
      matter,
      record(matter, alice.userId, 'c1', body.kind === 'envelope' ? body.envelope : ''),
    );
    expect(opened).to.deep.equal({ failure: { reason: 'key-commitment-mismatch', expected: false } });
  });
});
