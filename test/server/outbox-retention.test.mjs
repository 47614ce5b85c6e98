// Notifications (an outbox row per recipient; never a preview of an encrypted message; an optional webhook)
// and the retention sweep (old messages, blobs and their files, old feed events).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { client, envelope, plain, startTestServer, until } from './helpers.mjs';

const DAY = 24 * 3600 * 1000;

describe('notifications', () => {
  let t;
  let hook;
  /** @type {any[]} */
  const received = [];
  const as = {};
  before(async () => {
    hook = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
    t = await startTestServer({ webhookUrl: `http://127.0.0.1:${hook.address().port}/notify` });
    const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }]);
    for (const [id, token] of Object.entries(tokens)) as[id] = client(t.url, token);
  });
  after(async () => {
    await t.close();
    await new Promise((resolve) => hook.close(resolve));
  });

  const rowsOf = (messageId) =>
    t.server.db
      .prepare('SELECT recipient_id, text FROM notifications WHERE message_id = ? ORDER BY recipient_id')
      .all(messageId);

  it('writes one row per recipient but the sender; an encrypted thread says only "New encrypted message"', async () => {
    const thread = (
      await as.alice.post('/v1/threads', { title: 'E', participantIds: ['bob', 'carol'], encrypted: true })
    ).json;
    const body = envelope({ threadId: thread.id, senderId: 'alice', clientId: 'e1' });
    const sent = (await as.alice.post(`/v1/threads/${thread.id}/messages`, { clientId: 'e1', body })).json;
    assert.deepEqual(rowsOf(sent.id), [
      { recipient_id: 'bob', text: 'New encrypted message' },
      { recipient_id: 'carol', text: 'New encrypted message' },
    ]);
    await until(() => received.filter((n) => n.messageId === sent.id).length === 2);
    for (const n of received.filter((x) => x.messageId === sent.id)) {
      assert.equal(n.text, 'New encrypted message');
      assert.equal(n.threadId, thread.id);
    }
    // Marked delivered once the webhook has answered.
    const delivered = t.server.db.prepare(
      'SELECT count(*) FROM notifications WHERE message_id = ? AND delivered_at IS NOT NULL',
    );
    await until(() => delivered.pluck().get(sent.id) === 2);
  });

  it('gives a plain thread a short preview', async () => {
    const thread = (
      await as.alice.post('/v1/threads', { title: 'P', participantIds: ['bob'], encrypted: false })
    ).json;
    const long = `Lunch at noon? ${'x'.repeat(200)}`;
    const sent = (
      await as.alice.post(`/v1/threads/${thread.id}/messages`, { clientId: 'p1', body: plain(long) })
    ).json;
    const [row] = rowsOf(sent.id);
    assert.equal(row.recipient_id, 'bob');
    assert.ok(row.text.startsWith('Lunch at noon?'));
    assert.ok([...row.text].length <= 80);
  });
});

describe('retention sweep', () => {
  let t;
  let alice;
  before(async () => {
    t = await startTestServer({ retentionDays: 30 });
    const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }]);
    alice = client(t.url, tokens.alice);
  });
  after(() => t.close());

  it('deletes messages and blobs older than the retention, files included, and nothing younger', async () => {
    const thread = (
      await alice.post('/v1/threads', { title: 'R', participantIds: ['bob'], encrypted: false })
    ).json;
    for (let i = 1; i <= 3; i++)
      await alice.post(`/v1/threads/${thread.id}/messages`, { clientId: `c${i}`, body: plain(`m${i}`) });
    const { blobId } = (
      await alice.post(`/v1/threads/${thread.id}/blobs`, Buffer.from('old bytes'), {
        'content-type': 'application/octet-stream',
      })
    ).json;
    const file = join(t.dataDir, 'blobs', blobId);
    assert.ok(existsSync(file));

    const early = t.server.sweep(Date.now() + 29 * DAY);
    assert.equal(early.messages, 0);
    assert.equal((await alice.get(`/v1/threads/${thread.id}/messages`)).json.items.length, 3);

    const removed = t.server.sweep(Date.now() + 31 * DAY);
    assert.equal(removed.messages, 3);
    assert.equal(removed.blobs, 1);
    assert.ok(!existsSync(file));
    assert.deepEqual((await alice.get(`/v1/threads/${thread.id}/messages`)).json.items, []);
    assert.equal(
      (await alice.get(`/v1/threads/${thread.id}/blobs/${blobId}`)).json.error.reason,
      'unknown-blob',
    );
    const events = t.server.db.prepare("SELECT count(*) FROM events WHERE type = 'message'").pluck().get();
    assert.equal(events, 0);
    // The thread goes on numbering where it was.
    const next = await alice.post(`/v1/threads/${thread.id}/messages`, { clientId: 'c4', body: plain('m4') });
    assert.equal(next.json.seq, 4);
  });
});

describe('feed retention', () => {
  it('keeps messages without a retention setting, and drops typing events after 5 minutes and others after 7 days', async () => {
    const t = await startTestServer();
    try {
      const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }]);
      const alice = client(t.url, tokens.alice);
      const thread = (
        await alice.post('/v1/threads', { title: 'F', participantIds: ['bob'], encrypted: false })
      ).json;
      await alice.post(`/v1/threads/${thread.id}/messages`, { clientId: 'c1', body: plain('m1') });
      await alice.post(`/v1/threads/${thread.id}/typing`);
      const count = (type) =>
        t.server.db.prepare('SELECT count(*) FROM events WHERE type = ?').pluck().get(type);
      assert.equal(count('typing'), 1);
      t.server.sweep(Date.now() + 6 * 60 * 1000);
      assert.equal(count('typing'), 0);
      assert.ok(count('message') > 0);
      t.server.sweep(Date.now() + 8 * DAY);
      assert.equal(count('message'), 0);
      assert.equal((await alice.get(`/v1/threads/${thread.id}/messages`)).json.items.length, 1);
    } finally {
      await t.close();
    }
  });
});
