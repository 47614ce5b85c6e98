// PROTOCOL.md 2.7.1: device-link requests, seen only by their own user, each step only after the one before.
import { randomBytes } from 'node:crypto';
import { assert, b64url, check, expectShape } from './lib.mjs';

const opaque = (n = 32) => b64url(randomBytes(n));

const newRequest = (t, who = 'alice') => ({
  device: {
    deviceId: `${t.run}-${who}-new-${randomBytes(3).toString('hex')}`,
    signingKey: opaque(91),
    hpkeKey: opaque(91),
  },
  commitment: opaque(32),
});

const SHAPE = {
  id: 'string',
  status: 'string',
  device: 'object',
  commitment: 'string',
  createdAt: 'iso',
  expiresAt: 'iso',
};

export const checks = [
  check(
    'links',
    'a link request walks pending, answered, revealed, approved and keeps what each step sent',
    async (t) => {
      const sent = newRequest(t);
      const created = (await t.alice.post('/link-requests', { json: sent })).body(201);
      expectShape(created, SHAPE, 'link request');
      assert(created.status === 'pending', `a new request is ${created.status}`);
      assert(JSON.stringify(created.device) === JSON.stringify(sent.device), 'device changed on the way');
      assert(created.commitment === sent.commitment, 'commitment changed on the way');
      assert(
        created.answer === null && created.nonce === null,
        'a new request already has an answer or nonce',
      );
      assert(
        Date.parse(created.expiresAt) > Date.parse(created.createdAt),
        'expiresAt is not after createdAt',
      );
      const listed = (await t.alice.get('/link-requests')).body(200);
      assert(
        Array.isArray(listed) && listed.some((r) => r.id === created.id),
        'GET /link-requests misses it',
      );
      const answer = { identityKey: opaque(91), nonce: opaque() };
      const answered = (await t.alice.post(`/link-requests/${created.id}/answer`, { json: answer })).body(
        200,
      );
      assert(answered.status === 'answered', `after answer: ${answered.status}`);
      assert(JSON.stringify(answered.answer) === JSON.stringify(answer), 'the answer changed on the way');
      const nonce = opaque();
      const revealed = (await t.alice.post(`/link-requests/${created.id}/reveal`, { json: { nonce } })).body(
        200,
      );
      assert(revealed.status === 'revealed' && revealed.nonce === nonce, `after reveal: ${revealed.status}`);
      const approved = (await t.alice.post(`/link-requests/${created.id}/approve`)).body(200);
      assert(approved.status === 'approved', `after approve: ${approved.status}`);
      const read = (await t.alice.get(`/link-requests/${created.id}`)).body(200);
      assert(read.status === 'approved' && read.nonce === nonce, 'GET does not answer the approved request');
      (await t.alice.delete(`/link-requests/${created.id}`)).expect(204);
      (await t.alice.get(`/link-requests/${created.id}`)).refused(404, 'not-found', 'unknown-link-request');
    },
  ),

  check(
    'links',
    'a step out of order is 409 link-state, and a denied request takes no more steps',
    async (t) => {
      const created = (await t.alice.post('/link-requests', { json: newRequest(t) })).body(201);
      (await t.alice.post(`/link-requests/${created.id}/reveal`, { json: { nonce: opaque() } })).refused(
        409,
        'conflict',
        'link-state',
      );
      (await t.alice.post(`/link-requests/${created.id}/approve`)).refused(409, 'conflict', 'link-state');
      const denied = (await t.alice.post(`/link-requests/${created.id}/deny`)).body(200);
      assert(denied.status === 'denied', `after deny: ${denied.status}`);
      (
        await t.alice.post(`/link-requests/${created.id}/answer`, {
          json: { identityKey: opaque(), nonce: opaque() },
        })
      ).refused(409, 'conflict', 'link-state');
    },
  ),

  check('links', "another user's link request is 404 and missing from their list", async (t) => {
    const created = (await t.alice.post('/link-requests', { json: newRequest(t) })).body(201);
    (await t.bob.get(`/link-requests/${created.id}`)).refused(404, 'not-found', 'unknown-link-request');
    (
      await t.bob.post(`/link-requests/${created.id}/answer`, {
        json: { identityKey: opaque(), nonce: opaque() },
      })
    ).refused(404, 'not-found', 'unknown-link-request');
    (await t.bob.delete(`/link-requests/${created.id}`)).refused(404, 'not-found', 'unknown-link-request');
    const listed = (await t.bob.get('/link-requests')).body(200);
    assert(!listed.some((r) => r.id === created.id), "Bob's list holds Alice's request");
  }),

  check('links', 'a link request with a bad key, a bad id or an unknown field is 400', async (t) => {
    const good = newRequest(t);
    (
      await t.alice.post('/link-requests', {
        json: { ...good, device: { ...good.device, signingKey: 'no spaces!' } },
      })
    ).refused(400, 'invalid', 'bad-field');
    (
      await t.alice.post('/link-requests', { json: { ...good, device: { ...good.device, deviceId: 'a/b' } } })
    ).refused(400, 'invalid', ['bad-id', 'bad-field']);
    (await t.alice.post('/link-requests', { json: { ...good, extra: 1 } })).refused(
      400,
      'invalid',
      'unknown-field',
    );
    (await t.alice.post('/link-requests', { json: { device: good.device } })).refused(
      400,
      'invalid',
      'missing-field',
    );
  }),
];
