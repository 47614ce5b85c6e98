import { expect } from '@open-wc/testing';
import { VaultError, type PersistentStorage } from '../../src/vault/index.js';
import { cleanUpVaults, openTestVault, rejection, uniqueUserId } from './helpers.js';

function reasonOf(error: unknown): string | undefined {
  return error instanceof VaultError ? error.reason : undefined;
}

function aesKey(extractable = false): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, extractable, ['encrypt', 'decrypt']);
}

describe('vault: counters', () => {
  afterEach(cleanUpVaults);

  it('hands out 50 distinct sequence numbers to 50 concurrent calls from two connections', async () => {
    const userId = uniqueUserId();
    const tabA = await openTestVault(userId);
    const tabB = await openTestVault(userId);
    const calls = Array.from({ length: 50 }, (_, i) => (i % 2 ? tabA : tabB).nextSequence('thread-1'));
    const numbers = await Promise.all(calls);
    expect([...numbers].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await tabA.counters.currentSequence('thread-1')).to.equal(50);
  });

  it('counts each thread on its own, and the count survives a reopen', async () => {
    const userId = uniqueUserId();
    const vault = await openTestVault(userId);
    await vault.nextSequence('a');
    await vault.nextSequence('a');
    expect(await vault.nextSequence('b')).to.equal(1);
    vault.close();
    expect(await (await openTestVault(userId)).nextSequence('a')).to.equal(3);
  });

  it('keeps the receive replay state per thread and sender device', async () => {
    const vault = await openTestVault(uniqueUserId());
    await vault.counters.putReceiveState('t', 'device-1', { highest: 7, missing: [3, 5] });
    await vault.counters.putReceiveState('t', 'device-2', { highest: 1, missing: [] });
    expect(await vault.counters.getReceiveState('t', 'device-1')).to.deep.equal({
      highest: 7,
      missing: [3, 5],
    });
    expect(await vault.counters.getReceiveState('other', 'device-1')).to.equal(undefined);
  });
});

describe('vault: outbox', () => {
  afterEach(cleanUpVaults);

  it('survives a reopen in insertion order', async () => {
    const userId = uniqueUserId();
    const vault = await openTestVault(userId);
    const ids = ['z-last-alphabetically', 'a-first', 'm-middle', 'b'];
    for (const clientId of ids) {
      await vault.outbox.enqueue({
        clientId,
        threadId: 't',
        payload: { kind: 'content', content: { text: clientId } },
      });
    }
    vault.close();
    const reopened = await openTestVault(userId);
    expect((await reopened.outbox.list()).map((item) => item.clientId)).to.deep.equal(ids);
    expect((await reopened.outbox.list('t')).map((item) => item.clientId)).to.deep.equal(ids);
    expect((await reopened.outbox.list())[1]?.payload).to.deep.equal({
      kind: 'content',
      content: { text: 'a-first' },
    });
  });

  it('refuses a second item with the same client id', async () => {
    const vault = await openTestVault(uniqueUserId());
    const item = { clientId: 'same', threadId: 't', payload: { kind: 'envelope' as const, envelope: 'e' } };
    await vault.outbox.enqueue(item);
    expect(reasonOf(await rejection(vault.outbox.enqueue(item)))).to.equal('duplicate');
  });

  it('records attempts and removes sent items', async () => {
    const vault = await openTestVault(uniqueUserId());
    await vault.outbox.enqueue({
      clientId: 'c1',
      threadId: 't',
      payload: { kind: 'envelope', envelope: 'e' },
    });
    await vault.outbox.enqueue({
      clientId: 'c2',
      threadId: 'u',
      payload: { kind: 'envelope', envelope: 'f' },
    });
    await vault.outbox.update('c1', { attempts: 1, status: 'failed', lastError: 'network' });
    expect(await vault.outbox.get('c1')).to.include({ attempts: 1, status: 'failed', lastError: 'network' });
    await vault.outbox.remove('c1');
    expect((await vault.outbox.list()).map((item) => item.clientId)).to.deep.equal(['c2']);
    expect(reasonOf(await rejection(vault.outbox.update('c1', { attempts: 2 })))).to.equal('not-found');
  });
});

describe('vault: epoch keys', () => {
  afterEach(cleanUpVaults);

  it('keeps a non-extractable epoch key that still decrypts after a reopen', async () => {
    const userId = uniqueUserId();
    const vault = await openTestVault(userId);
    const key = await aesKey();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      key,
      new TextEncoder().encode('hi'),
    );
    await vault.epochKeys.put({ threadId: 't', epoch: 1, key, announcement: 'ann', sealedTo: ['d1'] });
    vault.close();

    const stored = await (await openTestVault(userId)).epochKeys.get('t', 1);
    expect(stored?.key.extractable).to.equal(false);
    expect(stored).to.include({ announcement: 'ann', messageCount: 0 });
    const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, stored!.key, ciphertext);
    expect(new TextDecoder().decode(plaintext)).to.equal('hi');
  });

  it('refuses an extractable epoch key', async () => {
    const vault = await openTestVault(uniqueUserId());
    const error = await rejection(
      vault.epochKeys.put({ threadId: 't', epoch: 1, key: await aesKey(true), announcement: '' }),
    );
    expect(reasonOf(error)).to.equal('key-extractable');
  });

  it('finds the latest epoch of a thread and lists them in order', async () => {
    const vault = await openTestVault(uniqueUserId());
    for (const [threadId, epoch] of [
      ['t', 2],
      ['t', 10],
      ['t', 1],
      ['u', 99],
    ] as const) {
      await vault.epochKeys.put({
        threadId,
        epoch,
        key: await aesKey(),
        announcement: `${threadId}${epoch}`,
      });
    }
    expect((await vault.epochKeys.latest('t'))?.epoch).to.equal(10);
    expect((await vault.epochKeys.list('t')).map((record) => record.epoch)).to.deep.equal([1, 2, 10]);
    expect(await vault.epochKeys.latest('none')).to.equal(undefined);
  });

  it('counts sent messages atomically and records sealed recipients once', async () => {
    const vault = await openTestVault(uniqueUserId());
    await vault.epochKeys.put({ threadId: 't', epoch: 1, key: await aesKey(), announcement: '' });
    await Promise.all(Array.from({ length: 20 }, () => vault.epochKeys.countMessage('t', 1)));
    await vault.epochKeys.addSealedTo('t', 1, ['d1', 'backup']);
    await vault.epochKeys.addSealedTo('t', 1, ['d1', 'd2']);
    expect(await vault.epochKeys.get('t', 1)).to.deep.include({
      messageCount: 20,
      sealedTo: ['d1', 'backup', 'd2'],
    });
    expect(reasonOf(await rejection(vault.epochKeys.countMessage('t', 2)))).to.equal('not-found');
  });
});

describe('vault: pinned peers', () => {
  afterEach(cleanUpVaults);

  it('pins a first key, keeps it on a repeat, and records a change that clears verified', async () => {
    const vault = await openTestVault(uniqueUserId());
    expect((await vault.peers.pin('bob', 'key-1', [], 100)).status).to.equal('new');
    await vault.peers.setVerified('bob', true);
    const devices = [{ deviceId: 'd', signingKey: 's', hpkeKey: 'h' }];
    const same = await vault.peers.pin('bob', 'key-1', devices, 200);
    expect(same).to.deep.include({ status: 'same' });
    expect(same.peer).to.include({ verified: true, firstSeen: 100 });

    const changed = await vault.peers.pin('bob', 'key-2', [], 300);
    expect(changed).to.deep.include({ status: 'changed', wasVerified: true });
    const stored = await vault.peers.get('bob');
    expect(stored).to.include({ identityKey: 'key-2', verified: false, firstSeen: 100 });
    expect(stored?.keyChanges).to.deep.equal([
      { previousKey: 'key-1', newKey: 'key-2', seenAt: 300, wasVerified: true },
    ]);
  });
});

describe('vault: persistent storage', () => {
  afterEach(cleanUpVaults);

  const storage = (persisted: boolean, persist: boolean): PersistentStorage => ({
    persisted: () => Promise.resolve(persisted),
    persist: () => Promise.resolve(persist),
  });

  it('records granted when the browser agrees', async () => {
    const vault = await openTestVault(uniqueUserId());
    expect(await vault.requestPersistence(storage(false, true))).to.equal('granted');
    expect((await vault.settings.get('persistence'))?.answer).to.equal('granted');
  });

  it('records denied when the browser refuses', async () => {
    const vault = await openTestVault(uniqueUserId());
    expect(await vault.requestPersistence(storage(false, false))).to.equal('denied');
    expect((await vault.settings.get('persistence'))?.answer).to.equal('denied');
  });

  it('does not ask again when storage is already persisted', async () => {
    const vault = await openTestVault(uniqueUserId());
    let asked = false;
    const already: PersistentStorage = {
      persisted: () => Promise.resolve(true),
      persist: () => ((asked = true), Promise.resolve(true)),
    };
    expect(await vault.requestPersistence(already)).to.equal('granted');
    expect(asked).to.equal(false);
  });

  it('records unsupported without a StorageManager', async () => {
    const vault = await openTestVault(uniqueUserId());
    expect(await vault.requestPersistence(null)).to.equal('unsupported');
    expect((await vault.settings.get('persistence'))?.answer).to.equal('unsupported');
  });
});
