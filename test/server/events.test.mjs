// Live events (PROTOCOL.md 2.10): the persisted per-user feed, WebSocket replay-then-live without a gap or a
// duplicate, long-polling, and what a removed member's feed keeps.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { client, openFeed, plain, startTestServer, until } from './helpers.mjs';

describe('live events', () => {
  let t;
  let tokens;
  const as = {};
  before(async () => {
    t = await startTestServer();
    tokens = await t.users([{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }]);
    for (const [id, token] of Object.entries(tokens)) as[id] = client(t.url, token);
  });
  after(() => t.close());

  const thread = async (participantIds = ['bob']) =>
    (await as.alice.post('/v1/threads', { title: 'L', participantIds, encrypted: false })).json;
  const send = (threadId, i) =>
    as.alice.post(`/v1/threads/${threadId}/messages`, { clientId: `c${i}`, body: plain(`m${i}`) });
  const texts = (events) =>
    events.filter((e) => e.type === 'message').map((e) => e.message.body.content.text);

  it('replays strictly after a cursor, then goes live, each event once', async () => {
    const { id } = await thread();
    const first = await openFeed(t.url, tokens.bob);
    await send(id, 1);
    await first.until((e) => texts(e).length === 1);
    const cursor = first.events.at(-1).cursor;
    await first.close();
    for (let i = 2; i <= 4; i++) await send(id, i);
    const resumed = await openFeed(t.url, tokens.bob, cursor);
    await resumed.until((e) => texts(e).length === 3);
    for (let i = 5; i <= 6; i++) await send(id, i);
    await resumed.until((e) => texts(e).length === 5);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(texts(resumed.events), ['m2', 'm3', 'm4', 'm5', 'm6']);
    const cursors = resumed.events.map((e) => Number(e.cursor));
    assert.ok(cursors.every((c, i) => i === 0 || c > cursors[i - 1]));
    assert.ok(cursors[0] > Number(cursor));
    await resumed.close();
  });

  it('loses and repeats nothing when the socket opens while messages are being sent', async () => {
    const { id } = await thread();
    await send(id, 0);
    const start = (await as.bob.get('/v1/events/poll?timeout=0')).json.cursor;
    const sending = (async () => {
      for (let i = 1; i <= 40; i++) await send(id, i);
    })();
    await new Promise((r) => setTimeout(r, 15));
    const feed = await openFeed(t.url, tokens.bob, start);
    await sending;
    await feed.until((e) => texts(e).length >= 40, 5000);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      texts(feed.events),
      Array.from({ length: 40 }, (_, i) => `m${i + 1}`),
    );
    await feed.close();
  });

  it('sends a socket without a cursor only what happens after it connects', async () => {
    const { id } = await thread();
    await send(id, 1);
    const feed = await openFeed(t.url, tokens.bob);
    await send(id, 2);
    await feed.until((e) => texts(e).length === 1);
    assert.deepEqual(texts(feed.events), ['m2']);
    await feed.close();
  });

  it('long-polls: the current end at once, pending events at once, and a waiting poll answered by an event', async () => {
    const { id } = await thread();
    const now = await as.bob.get('/v1/events/poll?timeout=0');
    assert.deepEqual(now.json.events, []);
    const end = now.json.cursor;
    const idle = await as.bob.get(`/v1/events/poll?after=${end}&timeout=0`);
    assert.deepEqual(idle.json, { events: [], cursor: end });
    await send(id, 1);
    const pending = await as.bob.get(`/v1/events/poll?after=${end}&timeout=5`);
    assert.deepEqual(texts(pending.json.events), ['m1']);
    assert.equal(pending.json.cursor, pending.json.events.at(-1).cursor);
    const started = Date.now();
    const waiting = as.bob.get(`/v1/events/poll?after=${pending.json.cursor}&timeout=10`);
    await new Promise((r) => setTimeout(r, 150));
    await send(id, 2);
    const woken = await waiting;
    assert.deepEqual(texts(woken.json.events), ['m2']);
    assert.ok(Date.now() - started < 5000);
    assert.equal((await as.bob.get('/v1/events/poll?after=x')).json.error.reason, 'bad-cursor');
    assert.equal((await as.bob.get('/v1/events/poll?timeout=31')).json.error.reason, 'bad-field');
  });

  it('tells others who is typing, and each participant about thread changes with their own unread count', async () => {
    const { id } = await thread(['bob', 'carol']);
    const end = (await as.bob.get('/v1/events/poll?timeout=0')).json.cursor;
    await send(id, 1);
    await as.alice.post(`/v1/threads/${id}/typing`);
    await as.alice.patch(`/v1/threads/${id}`, { title: 'Renamed' });
    const events = (await as.bob.get(`/v1/events/poll?after=${end}&timeout=0`)).json.events;
    assert.deepEqual(
      events.map((e) => e.type),
      ['message', 'typing', 'thread'],
    );
    assert.deepEqual([events[1].threadId, events[1].userId], [id, 'alice']);
    assert.equal(events[2].thread.title, 'Renamed');
    assert.equal(events[2].thread.unreadCount, 1);
    const mine = (await as.alice.get(`/v1/events/poll?after=${end}&timeout=0`)).json.events;
    assert.ok(!mine.some((e) => e.type === 'typing'));
    assert.equal(mine.find((e) => e.type === 'thread').thread.unreadCount, 0);
  });

  it("empties a removed member's feed of the thread and tells them thread-removed", async () => {
    const { id } = await thread(['bob', 'carol']);
    await send(id, 1);
    const before = (await as.carol.get('/v1/events/poll?after=0&timeout=0')).json.events;
    assert.ok(before.some((e) => e.type === 'message' && e.message.threadId === id));
    await as.alice.delete(`/v1/threads/${id}/participants/carol`);
    const events = (await as.carol.get('/v1/events/poll?after=0&timeout=0')).json.events;
    const about = events.filter(
      (e) => e.threadId === id || e.thread?.id === id || e.message?.threadId === id,
    );
    assert.deepEqual(
      about.map((e) => e.type),
      ['thread-removed'],
    );
    await send(id, 2);
    const later = (await as.carol.get(`/v1/events/poll?after=${events.at(-1).cursor}&timeout=0`)).json.events;
    assert.deepEqual(later, []);
  });

  it('moves read positions only forward and tells the participants', async () => {
    const { id } = await thread();
    await send(id, 1);
    await send(id, 2);
    const end = (await as.alice.get('/v1/events/poll?timeout=0')).json.cursor;
    await as.bob.post(`/v1/threads/${id}/read`, { upToSeq: 99 });
    await as.bob.post(`/v1/threads/${id}/read`, { upToSeq: 1 });
    const view = (await as.bob.get(`/v1/threads/${id}`)).json;
    assert.equal(view.participants.find((p) => p.userId === 'bob').readUpTo, 2);
    assert.equal(view.unreadCount, 0);
    const events = (await as.alice.get(`/v1/events/poll?after=${end}&timeout=0`)).json.events;
    assert.deepEqual(
      events.map((e) => [e.type, e.userId, e.readUpTo]),
      [['read', 'bob', 2]],
    );
  });
});

describe('closing the server', () => {
  it('closes sockets with 1001 and answers waiting long-polls', async () => {
    const t = await startTestServer();
    const tokens = await t.users([{ id: 'alice' }]);
    const feed = await openFeed(t.url, tokens.alice);
    const poll = client(t.url, tokens.alice).get('/v1/events/poll?timeout=30');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await t.close();
    assert.equal(await feed.closed, 1001);
    assert.deepEqual((await poll).json.events, []);
    assert.ok(Date.now() - started < 2000);
    await until(() => true);
  });
});

describe('a reader that stops reading', () => {
  it('is closed once its socket stays congested, while a reader that keeps up is not', async () => {
    const t = await startTestServer({ socketStallMs: 300, maxMessageBytes: 240 * 1024 });
    try {
      const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }]);
      const alice = client(t.url, tokens.alice);
      const { id } = (
        await alice.post('/v1/threads', { title: 'S', participantIds: ['bob', 'carol'], encrypted: false })
      ).json;
      // Bob's socket does the handshake, then never reads again.
      const raw = net.connect(Number(new URL(t.url).port), '127.0.0.1');
      raw.write(
        `GET /v1/events?token=${tokens.bob} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
      const [head] = await once(raw, 'data');
      assert.match(String(head), /^HTTP\/1.1 101/);
      raw.pause();
      const rawClosed = new Promise((resolve) => raw.on('close', resolve));
      const carol = await openFeed(t.url, tokens.carol);
      const subscribed = () => t.server.app.hub.subscribers.has('bob');
      assert.ok(subscribed());
      const big = 'x'.repeat(200 * 1024);
      let sent = 0;
      while (subscribed() && sent < 200) {
        await alice.post(`/v1/threads/${id}/messages`, { clientId: `c${sent}`, body: plain(big) });
        sent++;
      }
      await until(() => !subscribed(), 3000);
      raw.resume();
      await rawClosed;
      await carol.until((e) => e.filter((x) => x.type === 'message').length === sent, 10_000);
      assert.equal(carol.socket.readyState, carol.socket.OPEN);
      await carol.close();
    } finally {
      await t.close();
    }
  });
});
