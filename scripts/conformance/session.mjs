// PROTOCOL.md 2.3 (authentication), 2.4 (session and contacts) and 2.1 (CORS).
import { assert, check, expectShape, openFeed } from './lib.mjs';

export const checks = [
  check('session', 'GET /session answers the user and the capabilities', async (t) => {
    const session = (await t.alice.get('/session')).body(200);
    expectShape(session, { user: 'object', capabilities: 'object' }, 'session');
    expectShape(session.user, { id: 'string', displayName: 'string', role: 'string?' }, 'session.user');
    assert(session.user.id === t.users.alice.id, `session.user.id is ${session.user.id}, not the caller`);
    assert(
      session.user.displayName === t.users.alice.displayName,
      `session.user.displayName is "${session.user.displayName}", not the one given to the test hook`,
    );
    expectShape(
      session.capabilities,
      {
        encryptionEnabled: 'boolean',
        canStartEncryptedThreads: 'boolean',
        maxUploadBytes: 'int',
        maxMessageBytes: 'int',
      },
      'session.capabilities',
    );
    assert(session.capabilities.maxUploadBytes > 0, 'capabilities.maxUploadBytes is 0');
    assert(session.capabilities.maxMessageBytes > 0, 'capabilities.maxMessageBytes is 0');
  }),

  check('session', 'GET /contacts answers an array of user profiles', async (t) => {
    const contacts = (await t.alice.get('/contacts')).body(200);
    assert(Array.isArray(contacts), `contacts is not an array: ${JSON.stringify(contacts).slice(0, 100)}`);
    contacts.forEach((c, i) =>
      expectShape(c, { id: 'string', displayName: 'string', role: 'string?' }, `contacts[${i}]`),
    );
  }),

  check('auth', 'a request without credentials is 401 unauthorized (no-credentials)', async (t) => {
    (await t.backend.request('GET', '/session')).refused(401, 'unauthorized', 'no-credentials');
  }),

  check('auth', 'a bad bearer token is 401 unauthorized (bad-token)', async (t) => {
    const answer = await t.backend.request('GET', '/session', { token: `not-a-token-${t.run}` });
    answer.refused(401, 'unauthorized', 'bad-token');
  }),

  check('auth', 'a refused token closes the event socket with 4401', async (t) => {
    let feed;
    try {
      feed = await openFeed(t.backend, `not-a-token-${t.run}`);
    } catch (error) {
      // a close before 'open' cannot carry 4401 to a browser; the spec asks for an upgrade, then the close
      throw new Error(`${error.message} (expected an upgrade, then a close with 4401)`, { cause: error });
    }
    const code = await Promise.race([feed.closed, new Promise((r) => setTimeout(() => r('open'), 3000))]);
    if (code === 'open') await feed.close();
    assert(code === 4401, `the socket ${code === 'open' ? 'stayed open for 3 s' : `closed with ${code}`}`);
  }),

  check('auth', 'a token for the event socket is taken from the query (?token=)', async (t) => {
    const feed = await openFeed(t.backend, t.users.alice.token);
    await new Promise((r) => setTimeout(r, 200));
    const open = feed.closeCode === null;
    await feed.close();
    assert(open, `the socket closed with ${feed.closeCode}`);
  }),

  check('cors', 'a preflight (OPTIONS) allows any origin and the headers the widget sends', async (t) => {
    const response = await fetch(t.backend.base + '/session', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://site.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, content-type, x-bm-nonce',
      },
      signal: AbortSignal.timeout(10000),
    });
    await response.arrayBuffer();
    assert(response.status >= 200 && response.status < 300, `OPTIONS answered ${response.status}`);
    const origin = response.headers.get('access-control-allow-origin');
    assert(origin === '*' || origin === 'https://site.example', `access-control-allow-origin is ${origin}`);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '')
      .toLowerCase()
      .split(',')
      .map((h) => h.trim());
    // `*` does not cover authorization (Fetch standard), so that one must be named
    for (const header of ['authorization', 'content-type', 'x-bm-nonce']) {
      const ok = allowed.includes(header) || (header !== 'authorization' && allowed.includes('*'));
      assert(ok, `access-control-allow-headers (${allowed.join(', ')}) lacks ${header}`);
    }
  }),
];
