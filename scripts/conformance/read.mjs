// PROTOCOL.md 2.9: read positions, unread counts and typing.
import { assert, check, openFeed, sleep, text, uid } from './lib.mjs';

const me = (thread, id) => thread.participants.find((p) => p.userId === id);

async function threadWith(t, count) {
  const thread = await t.thread(t.alice, [t.bob]);
  for (let i = 1; i <= count; i++) await t.send(t.alice, thread.id, text(`r${i}`), uid('r'));
  return thread;
}

export const checks = [
  check('read', 'unreadCount counts the messages others sent after the caller’s readUpTo', async (t) => {
    const thread = await threadWith(t, 3);
    const forBob = (await t.bob.get(`/threads/${thread.id}`)).body(200);
    assert(forBob.unreadCount === 3, `the reader’s unreadCount is ${forBob.unreadCount}, expected 3`);
    const forAlice = (await t.alice.get(`/threads/${thread.id}`)).body(200);
    assert(forAlice.unreadCount === 0, `the sender’s unreadCount is ${forAlice.unreadCount}, expected 0`);
    (await t.bob.post(`/threads/${thread.id}/read`, { json: { upToSeq: 2 } })).expect(204);
    const after = (await t.bob.get(`/threads/${thread.id}`)).body(200);
    assert(after.unreadCount === 1, `after reading up to 2 of 3, unreadCount is ${after.unreadCount}`);
    assert(me(after, t.users.bob.id)?.readUpTo === 2, `readUpTo is ${me(after, t.users.bob.id)?.readUpTo}`);
    const listed = (await t.bob.get('/threads?limit=200')).body(200).items.find((x) => x.id === thread.id);
    assert(listed?.unreadCount === 1, `GET /threads says unreadCount ${listed?.unreadCount}`);
  }),

  check('read', 'readUpTo only moves forward, and never past lastSeq', async (t) => {
    const thread = await threadWith(t, 3);
    const readUpTo = async () =>
      me((await t.bob.get(`/threads/${thread.id}`)).body(200), t.users.bob.id).readUpTo;
    (await t.bob.post(`/threads/${thread.id}/read`, { json: { upToSeq: 2 } })).expect(204);
    (await t.bob.post(`/threads/${thread.id}/read`, { json: { upToSeq: 1 } })).expect([204, 400]);
    assert((await readUpTo()) === 2, `reading up to 1 after 2 moved readUpTo to ${await readUpTo()}`);
    (await t.bob.post(`/threads/${thread.id}/read`, { json: { upToSeq: 99 } })).expect([204, 400]);
    const last = await readUpTo();
    assert(last <= 3, `reading up to 99 of 3 set readUpTo ${last}`);
  }),

  check('read', 'a non-participant is 403 on read and typing', async (t) => {
    const thread = await threadWith(t, 1);
    const read = await t.carol.post(`/threads/${thread.id}/read`, { json: { upToSeq: 1 } });
    read.refused(403, 'forbidden', 'not-a-participant');
    (await t.carol.post(`/threads/${thread.id}/typing`)).refused(403, 'forbidden', 'not-a-participant');
  }),

  check('read', 'a read position reaches the other participants as a read event', async (t) => {
    const thread = await threadWith(t, 2);
    const feed = await openFeed(t.backend, t.users.alice.token);
    try {
      await sleep(150);
      (await t.bob.post(`/threads/${thread.id}/read`, { json: { upToSeq: 2 } })).expect(204);
      const event = await feed.waitFor(
        (events) => events.find((e) => e.type === 'read' && e.threadId === thread.id),
        'read event',
      );
      assert(event.userId === t.users.bob.id && event.readUpTo === 2, `got ${JSON.stringify(event)}`);
    } finally {
      await feed.close();
    }
  }),

  check('typing', 'POST /typing is 204 and the other participant gets a typing event', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const feed = await openFeed(t.backend, t.users.bob.token);
    try {
      await sleep(150);
      (await t.alice.post(`/threads/${thread.id}/typing`)).expect(204);
      const event = await feed.waitFor(
        (events) => events.find((e) => e.type === 'typing' && e.threadId === thread.id),
        'typing event',
      );
      assert(event.userId === t.users.alice.id, `the typing event names ${event.userId}`);
      assert(typeof event.cursor === 'string', 'the typing event has no cursor');
    } finally {
      await feed.close();
    }
  }),
];
