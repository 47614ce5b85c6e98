// Request handling (PROTOCOL.md 2.1 and 2.2): every failure is JSON with a code and a reason; malformed and
// oversized bodies, unknown fields, unknown routes, the rate limit, CORS and an unexpected exception.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, request, startTestServer } from './helpers.mjs';

describe('request handling', () => {
  let t;
  let alice;
  let tokens;
  before(async () => {
    t = await startTestServer();
    tokens = await t.users([{ id: 'alice' }, { id: 'bob' }]);
    alice = client(t.url, tokens.alice);
  });
  after(() => t.close());

  const errorOf = (r) => [r.status, r.json?.error?.code, r.json?.error?.reason];

  it('refuses malformed JSON with 400 bad-json', async () => {
    const r = await alice.post('/v1/threads', '{"title": "x",', { 'content-type': 'application/json' });
    assert.deepEqual(errorOf(r), [400, 'invalid', 'bad-json']);
  });

  it('refuses a body over 256 KiB with 413 body-too-large, by content-length and by counting', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(300 * 1024), participantIds: [], encrypted: false });
    const declared = await alice.post('/v1/threads', big, { 'content-type': 'application/json' });
    assert.deepEqual(errorOf(declared), [413, 'too-large', 'body-too-large']);
    // Without a content-length the server counts as the bytes arrive.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const response = await fetch(`${t.url}/v1/threads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error.reason, 'body-too-large');
  });

  it('refuses unknown fields with 400 unknown-field, nested ones too', async () => {
    const top = await alice.post('/v1/threads', {
      title: 'x',
      participantIds: [],
      encrypted: false,
      admin: true,
    });
    assert.deepEqual(errorOf(top), [400, 'invalid', 'unknown-field']);
    const thread = (await alice.post('/v1/threads', { title: 'x', participantIds: [], encrypted: false }))
      .json;
    const nested = await alice.post(`/v1/threads/${thread.id}/messages`, {
      clientId: 'c1',
      body: { kind: 'plain', content: { type: 'text', text: 'hi', bold: true } },
    });
    assert.deepEqual(errorOf(nested), [400, 'invalid', 'unknown-field']);
    const noBody = await alice.post(`/v1/threads/${thread.id}/typing`, { extra: 1 });
    assert.deepEqual(errorOf(noBody), [400, 'invalid', 'unknown-field']);
  });

  it('refuses missing and badly typed fields, bad ids and a JSON body of another media type', async () => {
    assert.deepEqual(errorOf(await alice.post('/v1/threads', { title: 'x', encrypted: false })), [
      400,
      'invalid',
      'missing-field',
    ]);
    assert.deepEqual(
      errorOf(await alice.post('/v1/threads', { title: '', participantIds: [], encrypted: false })),
      [400, 'invalid', 'bad-field'],
    );
    assert.deepEqual(errorOf(await alice.get('/v1/threads/bad%20id')), [400, 'invalid', 'bad-id']);
    const wrongType = await alice.post('/v1/threads', JSON.stringify({ title: 'x' }), {
      'content-type': 'text/plain',
    });
    assert.deepEqual(errorOf(wrongType), [415, 'invalid', 'unsupported-media-type']);
  });

  it('answers an unknown route 404 and a wrong method 405, as JSON', async () => {
    assert.deepEqual(errorOf(await alice.get('/v1/nothing-here')), [404, 'not-found', 'unknown-route']);
    assert.deepEqual(errorOf(await alice.get('/')), [404, 'not-found', 'unknown-route']);
    const wrong = await alice.delete('/v1/session');
    assert.deepEqual(errorOf(wrong), [405, 'invalid', 'method-not-allowed']);
    assert.equal(wrong.headers.get('allow'), 'GET');
  });

  it('answers a thread that does not exist 404 and one the caller is not in 403', async () => {
    assert.deepEqual(errorOf(await alice.get('/v1/threads/t_missing')), [404, 'not-found', 'unknown-thread']);
    const { carol: carolToken } = await t.users([{ id: 'carol' }]);
    const thread = (
      await alice.post('/v1/threads', { title: 'x', participantIds: ['bob'], encrypted: false })
    ).json;
    const carol = client(t.url, carolToken);
    assert.deepEqual(errorOf(await carol.get(`/v1/threads/${thread.id}`)), [
      403,
      'forbidden',
      'not-a-participant',
    ]);
  });

  it('reflects the origin for CORS, answers preflight, and allows credentials only for trusted origins', async () => {
    const preflight = await fetch(`${t.url}/v1/session`, {
      method: 'OPTIONS',
      headers: { origin: 'https://site.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers'), /authorization/);
    assert.match(preflight.headers.get('access-control-allow-headers'), /x-bm-nonce/);
    const r = await request(t.url, 'GET', '/v1/session', {
      token: 'x',
      headers: { origin: 'https://site.example' },
    });
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://site.example');
    assert.equal(r.headers.get('access-control-allow-credentials'), null);

    const trusted = await startTestServer({ allowedOrigins: ['https://cms.example'] });
    try {
      const ok = await request(trusted.url, 'GET', '/v1/session', {
        headers: { origin: 'https://cms.example' },
      });
      assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    } finally {
      await trusted.close();
    }
  });

  it('answers an unexpected exception 500 internal as JSON and keeps serving', async () => {
    t.server.db.exec('DROP TABLE recovery');
    const broken = await alice.get('/v1/recovery');
    assert.deepEqual(errorOf(broken), [500, 'server', 'internal']);
    assert.equal((await alice.get('/v1/session')).status, 200);
  });
});

describe('rate limit', () => {
  it('answers 429 with retry-after once a user has used their burst, and counts per user', async () => {
    const t = await startTestServer({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const tokens = await t.users([{ id: 'alice' }, { id: 'bob' }]);
      const alice = client(t.url, tokens.alice);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await alice.get('/v1/session')).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const limited = await alice.get('/v1/session');
      assert.equal(limited.json.error.code, 'rate-limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      // Bob has his own bucket.
      assert.equal((await client(t.url, tokens.bob).get('/v1/session')).status, 200);
    } finally {
      await t.close();
    }
  });

  it('counts failed authentication against the address', async () => {
    const t = await startTestServer({ rateLimit: { perSecond: 1, burst: 2 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await request(t.url, 'GET', '/v1/session', { token: `guess${i}` })).status);
      assert.deepEqual(statuses, [401, 401, 429, 429]);
    } finally {
      await t.close();
    }
  });
});
