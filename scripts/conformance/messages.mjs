// PROTOCOL.md 2.6: sending, idempotency by clientId, history cursors, and the checks on a plain body.
import { assert, check, expectMessage, expectPage, expectThread, text, textOf, uid } from './lib.mjs';

/** A plain thread of alice and bob holding messages m1..mN sent by alice. */
async function threadWith(t, count) {
  const thread = await t.thread(t.alice, [t.bob]);
  for (let i = 1; i <= count; i++) await t.send(t.alice, thread.id, text(`m${i}`), uid(`m${i}`));
  return thread;
}

const seqs = (page) => page.items.map((m) => m.seq).join(',');

export const checks = [
  check('messages', 'POST /messages answers 201 with the stored MessageRecord', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const clientId = uid('first');
    const body = { kind: 'plain', content: { type: 'text', text: 'Hello', mentions: [t.users.bob.id] } };
    const record = (await t.alice.post(`/threads/${thread.id}/messages`, { json: { clientId, body } })).body(
      201,
    );
    expectMessage(record);
    assert(record.threadId === thread.id, `threadId is ${record.threadId}`);
    assert(record.senderId === t.users.alice.id, `senderId is ${record.senderId}`);
    assert(record.clientId === clientId, `clientId is ${record.clientId}`);
    assert(record.seq === 1, `the first message has seq ${record.seq}`);
    assert(
      JSON.stringify(record.body) === JSON.stringify(body),
      `body came back as ${JSON.stringify(record.body)}`,
    );
  }),

  check('messages', 'seq increases by thread from 1, and the thread’s lastSeq follows', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await t.send(t.bob, thread.id, text(`s${i}`), uid('s'))).seq);
    assert(got.join(',') === '1,2,3', `seqs are ${got}`);
    const after = (await t.alice.get(`/threads/${thread.id}`)).body(200);
    expectThread(after);
    assert(after.lastSeq === 3, `lastSeq is ${after.lastSeq}`);
  }),

  check(
    'messages',
    'a repeated clientId answers 200 with the stored record, whatever the new body',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob]);
      const clientId = uid('again');
      const first = await t.send(t.alice, thread.id, text('original'), clientId);
      const answer = await t.alice.post(`/threads/${thread.id}/messages`, {
        json: { clientId, body: text('changed') },
      });
      const repeat = answer.body(200);
      assert(repeat.id === first.id && repeat.seq === first.seq, 'the repeat made another record');
      assert(textOf(repeat) === 'original', `the repeat answered the body "${textOf(repeat)}"`);
    },
  ),

  check('messages', 'the same clientId sent 10 times in parallel stores one record', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const clientId = uid('parallel');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.alice.post(`/threads/${thread.id}/messages`, { json: { clientId, body: text('once') } }),
      ),
    );
    for (const answer of answers) answer.expect([200, 201]);
    const created = answers.filter((a) => a.status === 201).length;
    const ids = new Set(answers.map((a) => a.json?.id));
    assert(ids.size === 1, `10 sends answered ${ids.size} different records`);
    assert(created === 1, `${created} of the 10 answers were 201 (expected one 201, the rest 200)`);
    const history = (await t.alice.get(`/threads/${thread.id}/messages?limit=50`)).body(200);
    const copies = history.items.filter((m) => m.clientId === clientId).length;
    assert(copies === 1 && history.items.length === 1, `history holds ${history.items.length} messages`);
  }),

  check('messages', 'history without a cursor is the newest page, newest first', async (t) => {
    const thread = await threadWith(t, 5);
    const page = (await t.bob.get(`/threads/${thread.id}/messages?limit=3`)).body(200);
    expectPage(page);
    page.items.forEach((m, i) => expectMessage(m, `items[${i}]`));
    assert(seqs(page) === '5,4,3', `the newest page of limit 3 is [${seqs(page)}]`);
    assert(page.next !== null, 'next is null although older messages exist');
  }),

  check('messages', 'history pages backwards with before, next null at the start', async (t) => {
    const thread = await threadWith(t, 6);
    const first = (await t.bob.get(`/threads/${thread.id}/messages?limit=3`)).body(200);
    assert(seqs(first) === '6,5,4' && first.next !== null, `first page [${seqs(first)}] next ${first.next}`);
    const path = `/threads/${thread.id}/messages?limit=3&before=${encodeURIComponent(first.next)}`;
    const second = (await t.bob.get(path)).body(200);
    assert(seqs(second) === '3,2,1', `before=${first.next} answered [${seqs(second)}]`);
    assert(second.next === null, `the page holding seq 1 has next ${JSON.stringify(second.next)}, not null`);
  }),

  check('messages', 'history pages forwards with after, oldest first, next null at the end', async (t) => {
    const thread = await threadWith(t, 6);
    const first = (await t.bob.get(`/threads/${thread.id}/messages?limit=3&after=0`)).body(200);
    assert(
      seqs(first) === '1,2,3' && first.next !== null,
      `after=0 page [${seqs(first)}] next ${first.next}`,
    );
    const path = `/threads/${thread.id}/messages?limit=3&after=${encodeURIComponent(first.next)}`;
    const second = (await t.bob.get(path)).body(200);
    assert(seqs(second) === '4,5,6', `after=${first.next} answered [${seqs(second)}]`);
    assert(
      second.next === null,
      `the page holding the newest has next ${JSON.stringify(second.next)}, not null`,
    );
  }),

  check('messages', 'a cursor from one direction is valid in the other', async (t) => {
    const thread = await threadWith(t, 6);
    const newest = (await t.bob.get(`/threads/${thread.id}/messages?limit=2`)).body(200);
    assert(seqs(newest) === '6,5', `newest page is [${seqs(newest)}]`);
    const back = await t.bob.get(`/threads/${thread.id}/messages?after=${encodeURIComponent(newest.next)}`);
    assert(seqs(back.body(200)) === '6', `after=<next of a before page> answered [${seqs(back.json)}]`);
  }),

  check(
    'messages',
    'limit defaults to 50 and is capped at 200',
    async (t) => {
      // 201 messages from three senders, so no one user's request rate is spent on it
      const thread = await t.thread(t.dave, [t.erin, t.bob]);
      const senders = [t.dave, t.erin, t.bob];
      for (let i = 0; i < 201; i += 3) {
        await Promise.all(
          senders
            .slice(0, Math.min(3, 201 - i))
            .map((who, k) => t.send(who, thread.id, text(`l${i + k}`), uid('l'))),
        );
      }
      const base = `/threads/${thread.id}/messages`;
      const plain = (await t.dave.get(base)).body(200);
      assert(plain.items.length === 50, `without limit the page holds ${plain.items.length} messages`);
      const capped = (await t.dave.get(`${base}?limit=500`)).body(200);
      assert(capped.items.length === 200, `limit=500 answered ${capped.items.length} messages`);
      assert(capped.next !== null, 'a capped page of 200 out of 201 has next null');
    },
    { timeoutMs: 60000 },
  ),

  check('messages', 'a cursor that is not a position is 400 invalid (bad-cursor)', async (t) => {
    const thread = await threadWith(t, 1);
    (await t.bob.get(`/threads/${thread.id}/messages?before=not-a-cursor`)).refused(
      400,
      'invalid',
      'bad-cursor',
    );
  }),

  check(
    'messages',
    'a plain body of an unknown type or without its fields is 400 invalid (bad-field)',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob]);
      // 2.6 names bad-field for content without its fields; 2.2's missing-field is as precise: either passes
      const bodies = [
        [{ kind: 'plain', content: { type: 'poem', text: 'roses' } }, 'bad-field'],
        [{ kind: 'plain', content: { type: 'text' } }, ['bad-field', 'missing-field']],
        [{ kind: 'plain', content: { type: 'reaction', target: 'x', emoji: 7 } }, 'bad-field'],
      ];
      for (const [body, reason] of bodies) {
        const answer = await t.alice.post(`/threads/${thread.id}/messages`, {
          json: { clientId: uid('bad'), body },
        });
        answer.refused(400, 'invalid', reason);
      }
      const history = (await t.alice.get(`/threads/${thread.id}/messages`)).body(200);
      assert(history.items.length === 0, `${history.items.length} refused message(s) were stored`);
    },
  ),

  check('messages', 'a clientId outside the id alphabet is 400 invalid', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    for (const clientId of ['has space', '', 'x'.repeat(129)]) {
      const answer = await t.alice.post(`/threads/${thread.id}/messages`, {
        json: { clientId, body: text('x') },
      });
      answer.refused(400, 'invalid', ['bad-id', 'bad-field']);
    }
  }),

  check('messages', 'a body over maxMessageBytes is 413 too-large (message-too-large)', async (t) => {
    const max = t.caps.maxMessageBytes;
    assert(Number.isInteger(max) && max > 0, 'the session has no maxMessageBytes');
    const thread = await t.thread(t.alice, [t.bob]);
    const answer = await t.alice.post(`/threads/${thread.id}/messages`, {
      json: { clientId: uid('big'), body: text('x'.repeat(max + 1)) },
    });
    // a limit near 256 KiB may be met by the JSON body limit first
    answer.refused(
      413,
      'too-large',
      max + 200 > 256 * 1024 ? ['message-too-large', 'body-too-large'] : 'message-too-large',
    );
  }),

  check('messages', 'a non-participant is 403 not-a-participant on history and on send', async (t) => {
    const thread = await threadWith(t, 1);
    (await t.carol.get(`/threads/${thread.id}/messages`)).refused(403, 'forbidden', 'not-a-participant');
    const send = await t.carol.post(`/threads/${thread.id}/messages`, {
      json: { clientId: uid('intruder'), body: text('let me in') },
    });
    send.refused(403, 'forbidden', 'not-a-participant');
    const history = (await t.alice.get(`/threads/${thread.id}/messages`)).body(200);
    assert(history.items.length === 1, 'the refused message was stored');
  }),
];
