// PROTOCOL.md 2.10: the per-user feed over WebSocket and long-polling, cursors and replay.
import { randomBytes } from 'node:crypto';
import {
  assert,
  b64url,
  check,
  compareCursors,
  describeEvents,
  expectMessage,
  expectThread,
  isCursor,
  messagesOf,
  openFeed,
  sleep,
  text,
  textOf,
  uid,
} from './lib.mjs';

const texts = (events, threadId) => messagesOf(events, threadId).map((e) => textOf(e.message));

/** Polls the caller's feed; expects 200 `{events, cursor}`. Resolves it with the time it took. */
async function poll(who, { after, timeout }) {
  const query = new URLSearchParams({ timeout: String(timeout) });
  if (after !== undefined) query.set('after', after);
  const started = Date.now();
  const page = (await who.get(`/events/poll?${query}`, { signal: AbortSignal.timeout(45000) })).body(200);
  assert(Array.isArray(page.events), 'the poll answer has no events array');
  assert(isCursor(page.cursor), `the poll answer's cursor is ${JSON.stringify(page.cursor)}`);
  return { ...page, ms: Date.now() - started };
}

/** Fails unless the cursors of `events` are decimal strings, strictly increasing, all after `after`. */
function expectOrdered(events, after) {
  let previous = after;
  for (const event of events) {
    assert(isCursor(event.cursor), `a ${event.type} event has the cursor ${JSON.stringify(event.cursor)}`);
    if (previous !== undefined) {
      assert(
        compareCursors(event.cursor, previous) > 0,
        `cursor ${event.cursor} (${event.type}) follows ${previous}: the feed is not in order or repeats`,
      );
    }
    previous = event.cursor;
  }
}

export const checks = [
  check('events', 'the WebSocket delivers message events in order, with increasing cursors', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const feed = await openFeed(t.backend, t.users.bob.token);
    try {
      await sleep(200);
      for (let i = 1; i <= 5; i++) await t.send(t.alice, thread.id, text(`w${i}`), uid('w'));
      await feed.waitFor((events) => messagesOf(events, thread.id).length >= 5, 'five message events');
      assert(
        texts(feed.events, thread.id).join(',') === 'w1,w2,w3,w4,w5',
        `got ${texts(feed.events, thread.id)}`,
      );
      messagesOf(feed.events, thread.id).forEach((e, i) => expectMessage(e.message, `event ${i}.message`));
      expectOrdered(feed.events);
    } finally {
      await feed.close();
    }
  }),

  check('events', 'the sender gets its own message event too', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const feed = await openFeed(t.backend, t.users.alice.token);
    try {
      await sleep(200);
      const record = await t.send(t.alice, thread.id, text('mine'), uid('own'));
      const event = await feed.waitFor(
        (events) => messagesOf(events, thread.id)[0],
        'message event for the sender',
      );
      assert(event.message.id === record.id, 'the event carries another record');
    } finally {
      await feed.close();
    }
  }),

  check('events', 'a socket without after replays nothing from before it connected', async (t) => {
    const feed = await openFeed(t.backend, t.users.bob.token);
    try {
      await sleep(500);
      const stale = feed.events.filter((e) => e.type !== 'typing');
      assert(stale.length === 0, `got ${stale.length} old event(s): ${describeEvents(stale)}`);
    } finally {
      await feed.close();
    }
  }),

  check(
    'events',
    'a socket resumed with after delivers exactly the missed events, once, then live ones',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob]);
      const first = await openFeed(t.backend, t.users.bob.token);
      let cursor;
      try {
        await sleep(200);
        for (const word of ['r1', 'r2']) await t.send(t.alice, thread.id, text(word), uid('r'));
        await first.waitFor((events) => messagesOf(events, thread.id).length >= 2, 'the first two messages');
        cursor = messagesOf(first.events, thread.id)[1].cursor;
      } finally {
        await first.close();
      }
      for (const word of ['r3', 'r4']) await t.send(t.alice, thread.id, text(word), uid('r'));
      const renamed = `Renamed while away ${t.run}`;
      (await t.alice.patch(`/threads/${thread.id}`, { json: { title: renamed } })).expect(200);
      const missed = (await poll(t.bob, { after: cursor, timeout: 0 })).events.filter(
        (e) => e.type !== 'typing',
      );

      const second = await openFeed(t.backend, t.users.bob.token, { after: cursor });
      try {
        await second.waitFor(
          (events) => events.some((e) => e.type === 'thread' && e.thread?.title === renamed),
          'the missed rename',
        );
        await t.send(t.alice, thread.id, text('r5'), uid('r'));
        await second.waitFor(
          (events) => texts(events, thread.id).includes('r5'),
          'the live message after replay',
        );
        await sleep(300);
        const got = texts(second.events, thread.id);
        assert(got.join(',') === 'r3,r4,r5', `message events after the cursor: ${got} (expected r3,r4,r5)`);
        expectOrdered(second.events, cursor);
        const replayed = second.events.filter((e) => e.type !== 'typing').slice(0, missed.length);
        assert(
          replayed.map((e) => e.cursor).join() === missed.map((e) => e.cursor).join(),
          `the socket replayed ${describeEvents(replayed)}, the poll of the same cursor ${describeEvents(missed)}`,
        );
      } finally {
        await second.close();
      }
    },
    { timeoutMs: 30000 },
  ),

  check('events', 'thread events reach each participant; a removed member gets thread-removed', async (t) => {
    const feed = await openFeed(t.backend, t.users.carol.token);
    try {
      await sleep(200);
      const thread = await t.thread(t.alice, [t.carol]);
      const created = await feed.waitFor(
        (events) => events.find((e) => e.type === 'thread' && e.thread?.id === thread.id),
        'thread event on creation',
      );
      expectThread(created.thread, 'event.thread');
      (await t.alice.delete(`/threads/${thread.id}/participants/${t.users.carol.id}`)).expect(200);
      const removed = await feed.waitFor(
        (events) => events.find((e) => e.type === 'thread-removed' && e.threadId === thread.id),
        'thread-removed event',
      );
      assert(isCursor(removed.cursor), 'the thread-removed event has no cursor');
    } finally {
      await feed.close();
    }
  }),

  check('events', 'keys and epoch events reach those who share a thread', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    const feed = await openFeed(t.backend, t.users.bob.token);
    try {
      await sleep(200);
      const key = () => b64url(randomBytes(65));
      const bundle = { identityKey: key(), signedDeviceList: key(), devices: [], backup: null };
      bundle.devices.push({ deviceId: `${t.run}-alice-events`, signingKey: key(), hpkeKey: key() });
      (await t.alice.put('/keys', { json: bundle })).expect(204);
      await feed.waitFor(
        (events) => events.find((e) => e.type === 'keys' && e.userId === t.users.alice.id),
        'keys event',
      );
      const upload = { threadId: thread.id, epoch: 1, announcement: key(), sealed: [] };
      (await t.alice.post(`/threads/${thread.id}/epochs`, { json: upload })).expect(201);
      await feed.waitFor(
        (events) => events.find((e) => e.type === 'epoch' && e.threadId === thread.id && e.epoch === 1),
        'epoch event',
      );
    } finally {
      await feed.close();
    }
  }),

  check('poll', 'a long-poll without after answers at once with the current end of the feed', async (t) => {
    const now = await poll(t.bob, { timeout: 0 });
    assert(now.ms < 3000, `timeout=0 took ${now.ms} ms`);
    const empty = await poll(t.bob, { after: now.cursor, timeout: 0 });
    const stale = empty.events.filter((e) => e.type !== 'typing');
    assert(stale.length === 0, `after the "now" cursor came ${describeEvents(stale)}`);
  }),

  check('poll', 'a long-poll with nothing new answers events [] and the cursor it was given', async (t) => {
    const now = await poll(t.bob, { timeout: 0 });
    const empty = await poll(t.bob, { after: now.cursor, timeout: 1 });
    assert(empty.events.length === 0, `got ${describeEvents(empty.events)}`);
    assert(empty.cursor === now.cursor, `an empty poll after ${now.cursor} answered cursor ${empty.cursor}`);
    assert(empty.ms < 5000, `timeout=1 took ${empty.ms} ms`);
  }),

  check('poll', 'a long-poll with pending events answers at once, in order', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const now = await poll(t.bob, { timeout: 0 });
    for (const word of ['p1', 'p2', 'p3']) await t.send(t.alice, thread.id, text(word), uid('p'));
    const page = await poll(t.bob, { after: now.cursor, timeout: 20 });
    assert(page.ms < 3000, `with events pending, timeout=20 took ${page.ms} ms`);
    assert(texts(page.events, thread.id).join(',') === 'p1,p2,p3', `got ${texts(page.events, thread.id)}`);
    expectOrdered(page.events, now.cursor);
    const last = page.events[page.events.length - 1].cursor;
    assert(page.cursor === last, `cursor is ${page.cursor}, the last event's is ${last}`);
  }),

  check(
    'poll',
    'a waiting long-poll answers as soon as an event arrives',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob]);
      const now = await poll(t.bob, { timeout: 0 });
      const waiting = poll(t.bob, { after: now.cursor, timeout: 20 });
      await sleep(500);
      await t.send(t.alice, thread.id, text('wake'), uid('wake'));
      const page = await waiting;
      assert(page.ms < 5000, `the poll answered after ${page.ms} ms, not when the message arrived`);
      assert(texts(page.events, thread.id).includes('wake'), `got ${describeEvents(page.events)}`);
    },
    { timeoutMs: 30000 },
  ),
];
