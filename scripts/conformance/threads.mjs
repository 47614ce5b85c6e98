// PROTOCOL.md 2.5: threads, participants, the one-way encryption switch, and who may see what.
import { assert, check, expectPage, expectThread, participantIds, sameSet, text } from './lib.mjs';

export const checks = [
  check(
    'threads',
    'POST /threads answers 201 with a Thread whose participants include the caller',
    async (t) => {
      const title = `Create ${t.run}`;
      const answer = await t.alice.post('/threads', {
        json: { title, participantIds: [t.users.bob.id], encrypted: false },
      });
      const thread = answer.body(201);
      expectThread(thread);
      assert(thread.title === title, `title is "${thread.title}"`);
      assert(
        sameSet(participantIds(thread), [t.users.alice.id, t.users.bob.id]),
        `participants are ${participantIds(thread)}`,
      );
      assert(thread.createdBy === t.users.alice.id, `createdBy is ${thread.createdBy}`);
      assert(!thread.encrypted && thread.encryptedAt === null, 'a plain thread came back encrypted');
      assert(
        thread.lastSeq === 0 && thread.unreadCount === 0,
        'a new thread has lastSeq or unreadCount above 0',
      );
      for (const p of thread.participants) assert(p.readUpTo === 0, `${p.userId}.readUpTo is ${p.readUpTo}`);
    },
  ),

  check('threads', 'GET /threads/:t answers the same thread to each participant', async (t) => {
    const created = await t.thread(t.alice, [t.bob]);
    for (const who of [t.alice, t.bob]) {
      const thread = (await who.get(`/threads/${created.id}`)).body(200);
      expectThread(thread);
      assert(thread.id === created.id && thread.title === created.title, `${who.user.id} got another thread`);
      assert(sameSet(participantIds(thread), participantIds(created)), 'participants differ from creation');
    }
  }),

  check('threads', 'GET /threads pages with next, each thread once, next null at the end', async (t) => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await t.thread(t.erin, [t.alice], { title: `Page ${i}` })).id);
    const seen = [];
    let cursor;
    for (let pages = 0; ; pages++) {
      assert(pages < 10, 'more than 10 pages of limit 2 for 5 threads');
      const query = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await t.erin.get(`/threads${query}`)).body(200);
      expectPage(page);
      assert(page.items.length <= 2, `limit=2 answered ${page.items.length} items`);
      page.items.forEach((thread) => expectThread(thread));
      seen.push(...page.items.map((thread) => thread.id));
      if (page.next === null) break;
      cursor = page.next;
    }
    const duplicates = seen.filter((id, i) => seen.indexOf(id) !== i);
    assert(duplicates.length === 0, `thread(s) listed twice across pages: ${duplicates}`);
    assert(sameSet(seen, made), `listed ${seen.length} threads, expected exactly the ${made.length} created`);
  }),

  check('threads', 'GET /threads lists the most recent activity first', async (t) => {
    const older = await t.thread(t.erin, [t.alice], { title: 'Older' });
    const newer = await t.thread(t.erin, [t.alice], { title: 'Newer' });
    let first = (await t.erin.get('/threads?limit=1')).body(200).items[0];
    assert(first?.id === newer.id, `the newest thread is not first (${first?.title})`);
    await t.send(t.alice, older.id, text('bump'), `bump-${t.run}`);
    first = (await t.erin.get('/threads?limit=1')).body(200).items[0];
    assert(first?.id === older.id, `the thread with the newest message is not first (${first?.title})`);
  }),

  check('threads', 'PATCH /threads/:t renames; GET shows the new title', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const renamed = (await t.alice.patch(`/threads/${thread.id}`, { json: { title: 'Renamed' } })).body(200);
    expectThread(renamed);
    assert(renamed.title === 'Renamed', `PATCH answered title "${renamed.title}"`);
    const seen = (await t.bob.get(`/threads/${thread.id}`)).body(200);
    assert(seen.title === 'Renamed', `another participant sees "${seen.title}"`);
  }),

  check('threads', 'a title of 0 or 201 characters is 400 invalid (bad-field)', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    for (const title of ['', 'x'.repeat(201)]) {
      const answer = await t.alice.patch(`/threads/${thread.id}`, { json: { title } });
      answer.refused(400, 'invalid', 'bad-field');
    }
  }),

  check('threads', 'POST /threads/:t/participants adds people, who then see the thread', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const answer = await t.alice.post(`/threads/${thread.id}/participants`, {
      json: { userIds: [t.users.carol.id] },
    });
    const grown = answer.body(200);
    expectThread(grown);
    const expected = [t.users.alice.id, t.users.bob.id, t.users.carol.id];
    assert(sameSet(participantIds(grown), expected), `participants are ${participantIds(grown)}`);
    (await t.carol.get(`/threads/${thread.id}`)).expect(200);
  }),

  check('threads', 'DELETE /threads/:t/participants/:u removes at once; the removed are 403', async (t) => {
    const thread = await t.thread(t.alice, [t.bob, t.carol]);
    const answer = await t.alice.delete(`/threads/${thread.id}/participants/${t.users.carol.id}`);
    const shrunk = answer.body(200);
    expectThread(shrunk);
    const expected = [t.users.alice.id, t.users.bob.id];
    assert(sameSet(participantIds(shrunk), expected), `participants are ${participantIds(shrunk)}`);
    (await t.carol.get(`/threads/${thread.id}`)).refused(403, 'forbidden', 'not-a-participant');
    (await t.carol.get(`/threads/${thread.id}/messages`)).refused(403, 'forbidden', 'not-a-participant');
  }),

  check(
    'threads',
    'a participant may leave; removing someone else is 403 (not-allowed-to-remove)',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob, t.carol]);
      const refused = await t.bob.delete(`/threads/${thread.id}/participants/${t.users.carol.id}`);
      // users of a --role the site lets manage threads may remove others; the protocol cannot tell which
      if (!(t.role && refused.status === 200)) refused.refused(403, 'forbidden', 'not-allowed-to-remove');
      (await t.bob.delete(`/threads/${thread.id}/participants/${t.users.bob.id}`)).expect(200);
      (await t.bob.get(`/threads/${thread.id}`)).refused(403, 'forbidden', 'not-a-participant');
      const left = (await t.alice.get(`/threads/${thread.id}`)).body(200);
      assert(!participantIds(left).includes(t.users.bob.id), 'the one who left is still a participant');
    },
  ),

  check('threads', 'a non-participant is 403 not-a-participant on GET and PATCH of a thread', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    (await t.carol.get(`/threads/${thread.id}`)).refused(403, 'forbidden', 'not-a-participant');
    const patch = await t.carol.patch(`/threads/${thread.id}`, { json: { title: 'Mine now' } });
    patch.refused(403, 'forbidden', 'not-a-participant');
    const grow = await t.carol.post(`/threads/${thread.id}/participants`, {
      json: { userIds: [t.users.carol.id] },
    });
    grow.refused(403, 'forbidden', 'not-a-participant');
    const list = (await t.carol.get('/threads?limit=200')).body(200);
    assert(!list.items.some((x) => x.id === thread.id), 'GET /threads lists a thread the caller is not in');
  }),

  check(
    'encryption',
    'POST /threads/:t/encryption turns encryption on, and again keeps encryptedAt',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob]);
      if (t.caps.canStartEncryptedThreads === false) await t.encryptedThread(t.alice); // fails with the reason
      const first = (await t.alice.post(`/threads/${thread.id}/encryption`)).body(200);
      expectThread(first);
      assert(first.encrypted === true && first.encryptedAt, `answered encrypted ${first.encrypted}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = (await t.alice.post(`/threads/${thread.id}/encryption`)).body(200);
      assert(again.encrypted === true, 'a second enable answered encrypted: false');
      assert(
        again.encryptedAt === first.encryptedAt,
        `encryptedAt moved: ${first.encryptedAt} → ${again.encryptedAt}`,
      );
      const seen = (await t.bob.get(`/threads/${thread.id}`)).body(200);
      assert(seen.encrypted && seen.encryptedAt === first.encryptedAt, 'GET disagrees with the enable');
    },
  ),

  check('encryption', 'POST /threads with encrypted: true creates an encrypted thread', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    expectThread(thread);
    assert(thread.encrypted === true && thread.encryptedAt !== null, 'the thread came back plain');
  }),
];
