// Authentication (PROTOCOL.md 2.3): bearer tokens, the session cookie with its nonce, the event socket's
// credentials, and the test hook that exists only when switched on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { request, startTestServer } from './helpers.mjs';

describe('authentication', () => {
  let t;
  let tokens;
  before(async () => {
    t = await startTestServer();
    tokens = await t.users([{ id: 'alice' }]);
  });
  after(() => t.close());

  it('refuses a request without credentials', async () => {
    const r = await request(t.url, 'GET', '/v1/session');
    assert.equal(r.status, 401);
    assert.deepEqual(
      { code: r.json.error.code, reason: r.json.error.reason },
      { code: 'unauthorized', reason: 'no-credentials' },
    );
  });

  it('refuses an unknown token and a malformed authorization header', async () => {
    const bad = await request(t.url, 'GET', '/v1/session', { token: 'not-a-token' });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error.reason, 'bad-token');
    const basic = await request(t.url, 'GET', '/v1/session', { headers: { authorization: 'Basic abc' } });
    assert.equal(basic.status, 401);
    assert.equal(basic.json.error.reason, 'bad-token');
  });

  it('accepts the token it issued, and stores only its digest', async () => {
    const r = await request(t.url, 'GET', '/v1/session', { token: tokens.alice });
    assert.equal(r.status, 200);
    assert.equal(r.json.user.id, 'alice');
    const stored = t.server.db.prepare('SELECT token_hash FROM users WHERE id = ?').pluck().get('alice');
    assert.notEqual(stored, tokens.alice);
    assert.match(stored, /^[0-9a-f]{64}$/);
  });

  it('replaces a token when the test hook re-creates the user', async () => {
    const { alice: fresh } = await t.users([{ id: 'alice', displayName: 'Alice Again' }]);
    assert.equal((await request(t.url, 'GET', '/v1/session', { token: tokens.alice })).status, 401);
    const r = await request(t.url, 'GET', '/v1/session', { token: fresh });
    assert.equal(r.json.user.displayName, 'Alice Again');
    tokens.alice = fresh;
  });

  it('issues a session cookie that works only with its nonce', async () => {
    const issued = await request(t.url, 'POST', '/v1/auth/cookie', { token: tokens.alice });
    assert.equal(issued.status, 200);
    const setCookie = issued.headers.get('set-cookie');
    assert.match(setCookie, /^bm_session=[^;]+;/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(';')[0];
    const { nonce } = issued.json;

    const cookieOnly = await request(t.url, 'GET', '/v1/session', { headers: { cookie } });
    assert.equal(cookieOnly.status, 401);
    assert.equal(cookieOnly.json.error.reason, 'bad-nonce');

    const wrongNonce = await request(t.url, 'GET', '/v1/session', {
      headers: { cookie, 'x-bm-nonce': 'nope' },
    });
    assert.equal(wrongNonce.status, 401);
    assert.equal(wrongNonce.json.error.reason, 'bad-nonce');

    const nonceOnly = await request(t.url, 'GET', '/v1/session', { headers: { 'x-bm-nonce': nonce } });
    assert.equal(nonceOnly.status, 401);

    const both = await request(t.url, 'GET', '/v1/session', { headers: { cookie, 'x-bm-nonce': nonce } });
    assert.equal(both.status, 200);
    assert.equal(both.json.user.id, 'alice');
  });

  it('closes an event socket with a refused credential with 4401', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/v1/events?token=wrong`);
    const code = await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(code, 4401);
  });
});

describe('the test hook', () => {
  it('is a 404 when test hooks are off', async () => {
    const t = await startTestServer({ testHooks: false });
    try {
      const r = await request(t.url, 'POST', '/v1/test/users', {
        body: { users: [{ id: 'x', displayName: 'X' }] },
      });
      assert.equal(r.status, 404);
      assert.equal(r.json.error.reason, 'unknown-route');
    } finally {
      await t.close();
    }
  });
});
