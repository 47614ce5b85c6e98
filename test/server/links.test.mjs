// Device-link requests on the reference server (PROTOCOL.md 2.7.1): the steps in order, only for their own user,
// typed refusals, expiry after their lifetime, the open-request limit, and the audit log naming the steps only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer } from './helpers.mjs';

const opaque = (n = 32) => randomBytes(n).toString('base64url');
const newRequest = () => ({
  device: { deviceId: `dev-${randomBytes(4).toString('hex')}`, signingKey: opaque(91), hpkeKey: opaque(91) },
  commitment: opaque(),
});

describe('link requests', () => {
  /** @type {Awaited<ReturnType<typeof startTestServer>>} */
  let t;
  /** @type {Record<string, ReturnType<typeof t.client>>} */
  const as = {};

  before(async () => {
    t = await startTestServer();
    const tokens = await t.users([{ id: 'ana' }, { id: 'ben' }, { id: 'admin', role: 'administrator' }]);
    for (const [id, token] of Object.entries(tokens)) as[id] = t.client(token);
  });
  after(() => t.close());

  it('walks pending, answered, revealed, approved, and each answer carries what the steps sent', async () => {
    const sent = newRequest();
    const created = await as.ana.post('/v1/link-requests', sent);
    assert.equal(created.status, 201);
    assert.equal(created.json.status, 'pending');
    assert.deepEqual(created.json.device, sent.device);
    const id = created.json.id;
    const answer = { identityKey: opaque(91), nonce: opaque() };
    assert.equal((await as.ana.post(`/v1/link-requests/${id}/answer`, answer)).json.status, 'answered');
    const nonce = opaque();
    const revealed = await as.ana.post(`/v1/link-requests/${id}/reveal`, { nonce });
    assert.equal(revealed.json.status, 'revealed');
    assert.deepEqual(revealed.json.answer, answer);
    assert.equal(revealed.json.nonce, nonce);
    assert.equal((await as.ana.post(`/v1/link-requests/${id}/approve`)).json.status, 'approved');
    assert.equal((await as.ana.get(`/v1/link-requests/${id}`)).json.status, 'approved');
  });

  it('refuses a step out of order (409 link-state) and any step after a denial', async () => {
    const { json } = await as.ana.post('/v1/link-requests', newRequest());
    const early = await as.ana.post(`/v1/link-requests/${json.id}/approve`);
    assert.equal(early.status, 409);
    assert.equal(early.json.error.reason, 'link-state');
    assert.equal((await as.ana.post(`/v1/link-requests/${json.id}/deny`)).json.status, 'denied');
    const late = await as.ana.post(`/v1/link-requests/${json.id}/answer`, {
      identityKey: opaque(),
      nonce: opaque(),
    });
    assert.equal(late.json.error.reason, 'link-state');
  });

  it("keeps a request from another user: 404 unknown-link-request, and not in the other's list", async () => {
    const { json } = await as.ana.post('/v1/link-requests', newRequest());
    const read = await as.ben.get(`/v1/link-requests/${json.id}`);
    assert.equal(read.status, 404);
    assert.equal(read.json.error.reason, 'unknown-link-request');
    const answer = await as.ben.post(`/v1/link-requests/${json.id}/answer`, {
      identityKey: opaque(),
      nonce: opaque(),
    });
    assert.equal(answer.status, 404);
    assert.ok(!(await as.ben.get('/v1/link-requests')).json.some((r) => r.id === json.id));
    assert.equal((await as.ana.get(`/v1/link-requests/${json.id}`)).json.status, 'pending');
  });

  it('expires a request after its lifetime: shown as expired, then refused (409 link-expired), then gone from the list', async () => {
    const { json } = await as.ana.post('/v1/link-requests', newRequest());
    assert.ok(Date.parse(json.expiresAt) - Date.parse(json.createdAt) <= 10 * 60 * 1000);
    t.server.db.prepare('UPDATE link_requests SET expires_ms = ? WHERE id = ?').run(Date.now() - 1, json.id);
    assert.equal((await as.ana.get(`/v1/link-requests/${json.id}`)).json.status, 'expired');
    const answer = await as.ana.post(`/v1/link-requests/${json.id}/answer`, {
      identityKey: opaque(),
      nonce: opaque(),
    });
    assert.equal(answer.status, 409);
    assert.equal(answer.json.error.reason, 'link-expired');
    assert.ok(!(await as.ana.get('/v1/link-requests')).json.some((r) => r.id === json.id));
  });

  it('allows five open requests per user (409 too-many-link-requests), and a deleted one frees a place', async () => {
    const tokens = await t.users([{ id: 'cara' }]);
    const cara = t.client(tokens.cara);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await cara.post('/v1/link-requests', newRequest())).json.id);
    const sixth = await cara.post('/v1/link-requests', newRequest());
    assert.equal(sixth.status, 409);
    assert.equal(sixth.json.error.reason, 'too-many-link-requests');
    assert.equal((await cara.delete(`/v1/link-requests/${ids[0]}`)).status, 204);
    assert.equal((await cara.post('/v1/link-requests', newRequest())).status, 201);
  });

  it('refuses bad bodies with typed 400s', async () => {
    const good = newRequest();
    const badKey = await as.ana.post('/v1/link-requests', {
      ...good,
      device: { ...good.device, hpkeKey: '<svg>' },
    });
    assert.equal(badKey.json.error.reason, 'bad-field');
    const extra = await as.ana.post('/v1/link-requests', { ...good, identityKey: opaque() });
    assert.equal(extra.json.error.reason, 'unknown-field');
    const { json } = await as.ana.post('/v1/link-requests', good);
    const approveWithBody = await as.ana.post(`/v1/link-requests/${json.id}/deny`, { reason: 'x' });
    assert.equal(approveWithBody.json.error.reason, 'unknown-field');
  });

  it('writes each step to the audit log as metadata only: no key, nonce or commitment', async () => {
    const sent = newRequest();
    const { json } = await as.ana.post('/v1/link-requests', sent);
    const nonce = opaque();
    await as.ana.post(`/v1/link-requests/${json.id}/answer`, { identityKey: opaque(91), nonce: opaque() });
    await as.ana.post(`/v1/link-requests/${json.id}/reveal`, { nonce });
    await as.ana.delete(`/v1/link-requests/${json.id}`);
    const log = await as.admin.get('/v1/admin/audit?userId=ana&limit=200');
    const actions = log.json.items.map((e) => e.action);
    for (const action of ['link.create', 'link.answer', 'link.reveal', 'link.delete'])
      assert.ok(actions.includes(action), `${action} is not in the audit log`);
    const everything = JSON.stringify(t.server.db.prepare('SELECT * FROM audit').all());
    for (const secret of [sent.device.signingKey, sent.commitment, nonce, sent.device.deviceId])
      assert.ok(!everything.includes(secret), 'the audit log holds a key, nonce, commitment or device id');
  });
});
