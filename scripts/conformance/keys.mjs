// PROTOCOL.md 2.7: key bundles, first-writer-wins epochs, sealed keys and the recovery blob.
import { randomBytes } from 'node:crypto';
import { assert, b64url, check, expectShape, isIso } from './lib.mjs';

const opaque = (n = 33) => b64url(randomBytes(n));

/** Publishes a key bundle for `who` with these device ids (and a backup recipient id, if given). */
async function publish(t, who, deviceIds, backupId) {
  const bundle = {
    identityKey: opaque(91),
    signedDeviceList: opaque(160),
    devices: deviceIds.map((deviceId) => ({ deviceId, signingKey: opaque(91), hpkeKey: opaque(91) })),
    backup: backupId ? { recipientId: backupId, hpkeKey: opaque(91) } : null,
  };
  (await who.put('/keys', { json: bundle })).expect(204);
  return bundle;
}

const device = (t, who, n = 1) => `${t.run}-${who}-device-${n}`;

const upload = (who, thread, epoch, announcement, sealed) =>
  who.post(`/threads/${thread.id}/epochs`, { json: { threadId: thread.id, epoch, announcement, sealed } });

const sealedFor = async (who, recipient, threadId) =>
  (await who.get(`/sealed-keys/${recipient}?threadId=${encodeURIComponent(threadId)}`)).body(200);

export const checks = [
  check(
    'keys',
    'PUT /keys is 204 and GET /keys answers the bundle, leaving out who never published',
    async (t) => {
      const bundle = await publish(t, t.alice, [device(t, 'alice')], `${t.run}-alice-backup`);
      const users = [t.users.alice.id, t.users.erin.id].join(',');
      const bundles = (await t.bob.get(`/keys?users=${encodeURIComponent(users)}`)).body(200);
      assert(Array.isArray(bundles), 'GET /keys did not answer an array');
      assert(bundles.length === 1, `${bundles.length} bundles for one publisher and one who never published`);
      const got = bundles[0];
      expectShape(
        got,
        {
          userId: 'string',
          identityKey: 'string',
          signedDeviceList: 'string',
          devices: 'array',
          updatedAt: 'iso?',
        },
        'bundle',
      );
      assert(got.userId === t.users.alice.id, `userId is ${got.userId}`);
      assert(got.identityKey === bundle.identityKey, 'identityKey changed on the way');
      assert(got.signedDeviceList === bundle.signedDeviceList, 'signedDeviceList changed on the way');
      assert(JSON.stringify(got.devices) === JSON.stringify(bundle.devices), 'devices changed on the way');
      assert(JSON.stringify(got.backup) === JSON.stringify(bundle.backup), 'backup changed on the way');
    },
  ),

  check('keys', 'an epoch upload is 201 created, then listed by GET /epochs', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    const announcement = opaque(120);
    const answer = await upload(t.alice, thread, 1, announcement, [
      { recipientId: device(t, 'bob'), sealed: opaque() },
    ]);
    const result = answer.body(201);
    assert(result.status === 'created', `status is ${result.status}`);
    const record = result.epoch;
    expectShape(
      record,
      { threadId: 'string', epoch: 'int', announcement: 'string', createdBy: 'string', createdAt: 'iso' },
      'epoch',
    );
    assert(record.epoch === 1 && record.announcement === announcement, 'the record is not the upload');
    assert(record.createdBy === t.users.alice.id, `createdBy is ${record.createdBy}`);
    const list = (await t.bob.get(`/threads/${thread.id}/epochs`)).body(200);
    assert(list.length === 1 && list[0].announcement === announcement, `GET /epochs answered ${list.length}`);
  }),

  check('keys', 'two writers of one epoch in parallel: one created, one conflict, one winner', async (t) => {
    await publish(t, t.bob, [device(t, 'bob')]);
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    const mine = { alice: opaque(120), bob: opaque(120) };
    const sealed = { alice: opaque(), bob: opaque() };
    const answers = await Promise.all(
      ['alice', 'bob'].map((name) =>
        upload(t[name], thread, 1, mine[name], [{ recipientId: device(t, 'bob'), sealed: sealed[name] }]),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    assert(created.length === 1, `statuses ${answers.map((a) => a.status)}: expected one 201`);
    const winner = created[0].json.epoch;
    const winnerName = winner.announcement === mine.alice ? 'alice' : 'bob';
    assert(winner.announcement === mine[winnerName], 'the created record carries neither announcement');
    assert(winner.createdBy === t.users[winnerName].id, `createdBy is ${winner.createdBy}`);
    const loser = answers.find((a) => a.status !== 201);
    if (loser.status === 409) loser.refused(409, 'conflict', 'epoch-exists');
    else {
      const result = loser.body(200);
      assert(result.status === 'conflict', `the loser's status is ${result.status}`);
      assert(result.epoch?.announcement === winner.announcement, 'the loser was not told the winner');
    }
    const list = (await t.alice.get(`/threads/${thread.id}/epochs`)).body(200);
    assert(list.length === 1, `GET /epochs lists ${list.length} records for one epoch`);
    assert(list[0].announcement === winner.announcement, 'GET /epochs holds the loser’s announcement');
    const copies = await sealedFor(t.bob, device(t, 'bob'), thread.id);
    assert(copies.length === 1, `${copies.length} sealed copies for one recipient`);
    assert(copies[0].sealed === sealed[winnerName], 'the loser’s sealed key was stored');
  }),

  check('keys', 'an epoch upload to a plain thread is 400 invalid (thread-not-encrypted)', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    (await upload(t.alice, thread, 1, opaque(), [])).refused(400, 'invalid', 'thread-not-encrypted');
  }),

  check('keys', 'epoch 0 is 400 invalid; a non-participant’s upload is 403', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    (await upload(t.alice, thread, 0, opaque(), [])).refused(400, 'invalid', 'bad-field');
    (await upload(t.carol, thread, 1, opaque(), [])).refused(403, 'forbidden', 'not-a-participant');
    const list = (await t.alice.get(`/threads/${thread.id}/epochs`)).body(200);
    assert(list.length === 0, `GET /epochs lists ${list.length} refused epoch(s)`);
  }),

  check('keys', 'POST …/sealed adds copies for new recipients and keeps existing ones', async (t) => {
    const [first, second] = [device(t, 'dave', 1), device(t, 'dave', 2)];
    await publish(t, t.dave, [first, second]);
    const thread = await t.encryptedThread(t.alice, [t.dave]);
    const original = opaque();
    (await upload(t.alice, thread, 1, opaque(120), [{ recipientId: first, sealed: original }])).expect(201);
    const late = opaque();
    const answer = await t.alice.post(`/threads/${thread.id}/epochs/1/sealed`, {
      json: {
        sealed: [
          { recipientId: first, sealed: opaque() },
          { recipientId: second, sealed: late },
        ],
      },
    });
    answer.expect(204);
    const kept = await sealedFor(t.dave, first, thread.id);
    assert(kept.length === 1 && kept[0].sealed === original, 'the existing copy was replaced or duplicated');
    const added = await sealedFor(t.dave, second, thread.id);
    assert(added.length === 1 && added[0].sealed === late, `the new recipient has ${added.length} copies`);
    expectShape(
      added[0],
      { threadId: 'string', epoch: 'int', announcement: 'string', recipientId: 'string', sealed: 'string' },
      'sealed key',
    );
    assert(added[0].threadId === thread.id && added[0].epoch === 1, 'the record names another epoch');
    const unknown = await t.alice.post(`/threads/${thread.id}/epochs/7/sealed`, {
      json: { sealed: [{ recipientId: second, sealed: opaque() }] },
    });
    unknown.refused(404, 'not-found', 'unknown-epoch');
  }),

  check(
    'keys',
    'GET /sealed-keys for another user’s device is 403 forbidden (not-your-device)',
    async (t) => {
      await publish(t, t.bob, [device(t, 'bob')]);
      (await t.carol.get(`/sealed-keys/${device(t, 'bob')}`)).refused(403, 'forbidden', 'not-your-device');
    },
  ),

  check(
    'keys',
    'sealed keys reach a backup recipient, and stop when the owner leaves the thread',
    async (t) => {
      const backup = `${t.run}-carol-backup`;
      await publish(t, t.carol, [device(t, 'carol')], backup);
      const thread = await t.encryptedThread(t.alice, [t.carol]);
      const sealed = [
        { recipientId: device(t, 'carol'), sealed: opaque() },
        { recipientId: backup, sealed: opaque() },
      ];
      (await upload(t.alice, thread, 1, opaque(120), sealed)).expect(201);
      const viaBackup = await sealedFor(t.carol, backup, thread.id);
      assert(viaBackup.length === 1 && viaBackup[0].sealed === sealed[1].sealed, 'no copy for the backup');
      (await t.alice.delete(`/threads/${thread.id}/participants/${t.users.carol.id}`)).expect(200);
      const gone = (await t.carol.get(`/sealed-keys/${device(t, 'carol')}`)).body(200);
      assert(!gone.some((k) => k.threadId === thread.id), 'a removed member still gets the thread’s keys');
    },
  ),

  check('recovery', 'PUT, GET, DELETE /recovery; GET without one is 404 (no-recovery)', async (t) => {
    (await t.dave.get('/recovery')).refused(404, 'not-found', 'no-recovery');
    const blob = opaque(200);
    (await t.dave.put('/recovery', { json: { blob } })).expect(204);
    const got = (await t.dave.get('/recovery')).body(200);
    assert(got.blob === blob, 'the recovery blob changed on the way');
    assert(got.updatedAt === undefined || isIso(got.updatedAt), `updatedAt is ${got.updatedAt}`);
    (await t.erin.get('/recovery')).refused(404, 'not-found', 'no-recovery');
    (await t.dave.delete('/recovery')).expect(204);
    (await t.dave.get('/recovery')).refused(404, 'not-found', 'no-recovery');
  }),
];
