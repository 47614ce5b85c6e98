// Messages, envelopes and epochs (PROTOCOL.md 2.6 and 2.7): idempotent sends, history cursors, the strict
// envelope rules of an encrypted thread, one-way encryption, first writer wins per (thread, epoch).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, envelope, envelopeBytes, plain, startTestServer } from './helpers.mjs';

describe('messages', () => {
  let t;
  let alice;
  let bob;
  before(async () => {
    t = await startTestServer();
    const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }]);
    alice = client(t.url, tokens.alice);
    bob = client(t.url, tokens.bob);
  });
  after(() => t.close());

  const thread = async (encrypted = false) =>
    (await alice.post('/v1/threads', { title: 'T', participantIds: ['bob'], encrypted })).json;

  it('stores a send repeated ten times in parallel once, and answers repeats 200 with the stored record', async () => {
    const { id } = await thread();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        alice.post(`/v1/threads/${id}/messages`, { clientId: 'same', body: plain(`attempt ${i}`) }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    assert.equal(new Set(results.map((r) => r.json.id)).size, 1);
    assert.equal(new Set(results.map((r) => JSON.stringify(r.json.body))).size, 1);
    const history = await bob.get(`/v1/threads/${id}/messages`);
    assert.equal(history.json.items.length, 1);
    const rows = t.server.db.prepare('SELECT count(*) FROM messages WHERE thread_id = ?').pluck().get(id);
    assert.equal(rows, 1);
  });

  it('numbers messages per thread from 1 and pages history both ways by seq', async () => {
    const { id } = await thread();
    for (let i = 1; i <= 5; i++) {
      const r = await alice.post(`/v1/threads/${id}/messages`, { clientId: `c${i}`, body: plain(`m${i}`) });
      assert.equal(r.json.seq, i);
    }
    const seqs = (r) => r.json.items.map((m) => m.seq);
    const newest = await bob.get(`/v1/threads/${id}/messages?limit=2`);
    assert.deepEqual(seqs(newest), [5, 4]);
    assert.equal(newest.json.next, '4');
    const older = await bob.get(`/v1/threads/${id}/messages?limit=2&before=${newest.json.next}`);
    assert.deepEqual(seqs(older), [3, 2]);
    const oldest = await bob.get(`/v1/threads/${id}/messages?limit=2&before=${older.json.next}`);
    assert.deepEqual(seqs(oldest), [1]);
    assert.equal(oldest.json.next, null);
    const forward = await bob.get(`/v1/threads/${id}/messages?limit=2&after=${older.json.next}`);
    assert.deepEqual(seqs(forward), [3, 4]);
    const rest = await bob.get(`/v1/threads/${id}/messages?limit=2&after=${forward.json.next}`);
    assert.deepEqual(seqs(rest), [5]);
    assert.equal(rest.json.next, null);
    assert.equal((await bob.get(`/v1/threads/${id}/messages?before=abc`)).json.error.reason, 'bad-cursor');
    const view = await bob.get(`/v1/threads/${id}`);
    assert.equal(view.json.lastSeq, 5);
    assert.equal(view.json.unreadCount, 5);
  });

  it('refuses plain content of an unknown type or with wrong fields, and a body over maxMessageBytes', async () => {
    const { id } = await thread();
    const send = (body) => alice.post(`/v1/threads/${id}/messages`, { clientId: 'x', body });
    const reason = async (body) => (await send(body)).json.error.reason;
    assert.equal(await reason({ kind: 'plain', content: { type: 'shout', text: 'hi' } }), 'bad-field');
    assert.equal(await reason({ kind: 'plain', content: { type: 'text' } }), 'missing-field');
    assert.equal(
      await reason({ kind: 'plain', content: { type: 'reaction', target: 'c1', emoji: 5 } }),
      'bad-field',
    );
    assert.equal(await reason({ kind: 'smoke', content: {} }), 'bad-field');
    const big = await send(plain('x'.repeat(70 * 1024)));
    assert.equal(big.status, 413);
    assert.equal(big.json.error.reason, 'message-too-large');
    assert.equal(
      (await send({ kind: 'plain', content: { type: 'reaction', target: 'c1', emoji: '👍' } })).status,
      201,
    );
  });

  it('refuses plaintext and every malformed or misaddressed envelope in an encrypted thread', async () => {
    const { id } = await thread(true);
    const send = (clientId, body) => alice.post(`/v1/threads/${id}/messages`, { clientId, body });
    const good = { threadId: id, senderId: 'alice', clientId: 'e1' };

    const plaintext = await send('p1', plain('secret in the clear'));
    assert.equal(plaintext.status, 400);
    assert.deepEqual(plaintext.json.error.code, 'encryption-required');

    const bad = {
      'not base64url': { kind: 'envelope', envelope: 'AQE+/w==' },
      'too short': { kind: 'envelope', envelope: 'AQEAAAAB' },
      'version 2': envelope({ ...good, version: 2 }),
      'suite 7': envelope({ ...good, suite: 7 }),
      'sequence 0': envelope({ ...good, sequence: 0 }),
      'ciphertext shorter than its tag': envelope({ ...good, ciphertextLength: 15 }),
      'signature of 63 bytes': envelope({ ...good, signatureLength: 63 }),
      'a trailing byte': envelope({ ...good, trailing: 1 }),
      'another thread': envelope({ ...good, threadId: 't_other' }),
      'another sender': envelope({ ...good, senderId: 'bob' }),
      'another client id': envelope({ ...good, clientId: 'e2' }),
    };
    for (const [what, body] of Object.entries(bad)) {
      const r = await send('e1', body);
      assert.equal(r.status, 400, what);
      assert.equal(r.json.error.reason, 'envelope-malformed', what);
    }
    // Cut short anywhere, a good envelope is refused too.
    const bytes = envelopeBytes(good);
    for (const cut of [10, 20, bytes.length - 65, bytes.length - 1]) {
      const r = await send('e1', {
        kind: 'envelope',
        envelope: bytes.subarray(0, cut).toString('base64url'),
      });
      assert.equal(r.json.error.reason, 'envelope-malformed', `cut at ${cut}`);
    }
    assert.equal((await bob.get(`/v1/threads/${id}/messages`)).json.items.length, 0);

    const ok = await send('e1', { kind: 'envelope', envelope: bytes.toString('base64url') });
    assert.equal(ok.status, 201);
    assert.equal(ok.json.body.envelope, bytes.toString('base64url'));
  });

  it('refuses an envelope in a plain thread', async () => {
    const { id } = await thread(false);
    const r = await alice.post(`/v1/threads/${id}/messages`, {
      clientId: 'e1',
      body: envelope({ threadId: id, senderId: 'alice', clientId: 'e1' }),
    });
    assert.equal(r.json.error.reason, 'thread-not-encrypted');
  });

  it('turns encryption on one way', async () => {
    const { id } = await thread(false);
    await alice.post(`/v1/threads/${id}/messages`, { clientId: 'before', body: plain('before') });
    const on = await alice.post(`/v1/threads/${id}/encryption`);
    assert.equal(on.json.encrypted, true);
    const again = await bob.post(`/v1/threads/${id}/encryption`);
    assert.equal(again.json.encryptedAt, on.json.encryptedAt);
    // No route turns it off: a PATCH with `encrypted` is an unknown field, and plain text is refused now.
    assert.equal(
      (await alice.patch(`/v1/threads/${id}`, { encrypted: false })).json.error.reason,
      'unknown-field',
    );
    assert.equal((await alice.delete(`/v1/threads/${id}/encryption`)).status, 405);
    const after = await alice.post(`/v1/threads/${id}/messages`, { clientId: 'after', body: plain('after') });
    assert.equal(after.json.error.code, 'encryption-required');
    assert.equal((await alice.get(`/v1/threads/${id}`)).json.encrypted, true);
  });
});

describe('epochs and sealed keys', () => {
  let t;
  let alice;
  let bob;
  let eve;
  before(async () => {
    t = await startTestServer();
    const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }, { id: 'eve' }]);
    alice = client(t.url, tokens.alice);
    bob = client(t.url, tokens.bob);
    eve = client(t.url, tokens.eve);
    await bob.put('/v1/keys', {
      identityKey: 'aWQ',
      signedDeviceList: 'bGlzdA',
      devices: [{ deviceId: 'bob-d1', signingKey: 'c2ln', hpkeKey: 'aHBrZQ' }],
      backup: { recipientId: 'bob-backup', hpkeKey: 'YmFjaw' },
    });
  });
  after(() => t.close());

  const encryptedThread = async () =>
    (await alice.post('/v1/threads', { title: 'E', participantIds: ['bob'], encrypted: true })).json;
  const upload = (threadId, epoch, announcement, sealed = []) => ({ threadId, epoch, announcement, sealed });

  it('lets exactly one of many racing writers create an epoch; the others get the winner', async () => {
    const { id } = await encryptedThread();
    const racers = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        alice.post(`/v1/threads/${id}/epochs`, upload(id, 1, `QUxJ${i}`)),
      ),
      ...Array.from({ length: 5 }, (_, i) => bob.post(`/v1/threads/${id}/epochs`, upload(id, 1, `Qk9C${i}`))),
    ]);
    const created = racers.filter((r) => r.status === 201);
    const conflicts = racers.filter((r) => r.status === 200);
    assert.equal(created.length, 1);
    assert.equal(conflicts.length, 9);
    assert.equal(created[0].json.status, 'created');
    for (const r of conflicts) {
      assert.equal(r.json.status, 'conflict');
      assert.deepEqual(r.json.epoch, created[0].json.epoch);
    }
    const epochs = await bob.get(`/v1/threads/${id}/epochs`);
    assert.deepEqual(epochs.json, [created[0].json.epoch]);
  });

  it('keeps an existing sealed copy and adds only missing ones; hands keys only to their owner', async () => {
    const { id } = await encryptedThread();
    await alice.post(
      `/v1/threads/${id}/epochs`,
      upload(id, 1, 'YW5u', [{ recipientId: 'bob-d1', sealed: 'Zmlyc3Q' }]),
    );
    assert.equal(
      (
        await alice.post(`/v1/threads/${id}/epochs/1/sealed`, {
          sealed: [
            { recipientId: 'bob-d1', sealed: 'c2Vjb25k' },
            { recipientId: 'bob-backup', sealed: 'YmFja3Vw' },
          ],
        })
      ).status,
      204,
    );
    const keys = await bob.get(`/v1/sealed-keys/bob-d1?threadId=${id}`);
    assert.deepEqual(keys.json, [
      { threadId: id, epoch: 1, announcement: 'YW5u', recipientId: 'bob-d1', sealed: 'Zmlyc3Q' },
    ]);
    assert.equal((await bob.get(`/v1/sealed-keys/bob-backup?threadId=${id}`)).json[0].sealed, 'YmFja3Vw');
    assert.equal((await eve.get('/v1/sealed-keys/bob-d1')).json.error.reason, 'not-your-device');
    assert.equal(
      (await alice.post(`/v1/threads/${id}/epochs/9/sealed`, { sealed: [] })).json.error.reason,
      'unknown-epoch',
    );
    // Once bob leaves, the thread's keys are no longer handed to him.
    await bob.delete(`/v1/threads/${id}/participants/bob`);
    assert.deepEqual((await bob.get(`/v1/sealed-keys/bob-d1?threadId=${id}`)).json, []);
  });

  it('accepts epochs only in encrypted threads, from participants, numbered from 1', async () => {
    const plainThread = (
      await alice.post('/v1/threads', { title: 'P', participantIds: [], encrypted: false })
    ).json;
    const r = await alice.post(`/v1/threads/${plainThread.id}/epochs`, upload(plainThread.id, 1, 'YQ'));
    assert.equal(r.json.error.reason, 'thread-not-encrypted');
    const { id } = await encryptedThread();
    assert.equal(
      (await alice.post(`/v1/threads/${id}/epochs`, upload(id, 0, 'YQ'))).json.error.reason,
      'bad-field',
    );
    assert.equal(
      (await eve.post(`/v1/threads/${id}/epochs`, upload(id, 1, 'YQ'))).json.error.reason,
      'not-a-participant',
    );
    assert.equal(
      (await alice.post(`/v1/threads/${id}/epochs`, upload('t_other', 1, 'YQ'))).json.error.reason,
      'bad-field',
    );
  });
});
