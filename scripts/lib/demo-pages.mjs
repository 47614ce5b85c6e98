// What two demo pages need from the site beyond static files (used by scripts/lib/demo-site.mjs):
// - /demo/strict-csp.html is served as written, with a strict Content-Security-Policy header, and without Vite's
//   injected client script (which that policy would block).
// - /demo/one-tag.html plays a CMS page: the site signs its visitor in (the reference server's cookie session,
//   PROTOCOL.md 2.3) and writes the per-session nonce into the element's `auth-nonce` attribute, as a CMS would
//   when rendering the page. The chat backend sits under the site's own origin at /chat-api, proxied to the
//   reference server, like a CMS plugin's REST route (`https://example.com/wp-json/bm-chat`).
// - /demo/portal/threads holds the portal's matter chats (matter key to thread id), as a portal's own backend
//   would: one list for every browser, so people signed in on different devices meet in the same threads.
//   GET answers it ({} before the first sign-in); PUT replaces it. Ids only, kept in memory.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const demo = (name) => fileURLToPath(new URL(`../../demo/${name}`, import.meta.url));

/** The path the one-tag page reaches the reference server under, on the site's own origin. */
export const CHAT_API = '/chat-api';

/** Where the portal's pages find the matter chats (demo/portal/directory.ts). */
export const PORTAL_THREADS = '/demo/portal/threads';

/** A request's JSON body, at most 64 KB. @param {import('node:http').IncomingMessage} req */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 65536) throw new Error('body too large');
  }
  return JSON.parse(text);
}

/** A map of short keys to ids, or an error for anything else. @param {unknown} value */
function threadMap(value) {
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : null;
  const fine = /^[\w.:@-]{1,128}$/;
  if (
    !entries ||
    entries.length > 20 ||
    !entries.every(([k, v]) => fine.test(k) && typeof v === 'string' && fine.test(v))
  ) {
    throw new Error('not a map of matter keys to thread ids');
  }
  return Object.fromEntries(entries);
}

/**
 * @param {string} serverUrl the reference server, e.g. http://127.0.0.1:8787
 * @returns {import('vite').Plugin}
 */
export function demoPages(serverUrl) {
  const wsUrl = serverUrl.replace(/^http/, 'ws');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${serverUrl} ${wsUrl}`,
    "require-trusted-types-for 'script'",
  ].join('; ');

  /** @type {Promise<string> | null} the one-tag visitor's bearer token, made once per site */
  let visitor = null;
  /** @type {Record<string, string>} the portal's matter chats: matter key to thread id */
  let portalThreads = {};

  /** @param {string} path @param {unknown} body @param {string} [token] */
  async function post(path, body, token) {
    const response = await fetch(`${serverUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return response;
  }

  /** Two people and a conversation for the visitor to find (test hook, PROTOCOL.md 2.12). */
  async function makeVisitor() {
    const people = [
      { id: 'one-tag-visitor', displayName: 'Robin Visitor', role: 'client', assigned: ['one-tag-host'] },
      { id: 'one-tag-host', displayName: 'Jo Host', role: 'associate' },
    ];
    const { users } = await (await post('/v1/test/users', { users: people })).json();
    const [visitorToken, hostToken] = users.map((user) => user.token);
    const thread = await (
      await post(
        '/v1/threads',
        { title: 'Welcome (not encrypted)', participantIds: ['one-tag-visitor'], encrypted: false },
        hostToken,
      )
    ).json();
    const text = 'Hello! This page has one script tag and one element; the site signed you in with a cookie.';
    await post(
      `/v1/threads/${thread.id}/messages`,
      { clientId: 'one-tag-welcome', body: { kind: 'plain', content: { type: 'text', text } } },
      hostToken,
    );
    return visitorToken;
  }

  return {
    name: 'bm-demo-pages',
    config: () => ({
      server: {
        proxy: {
          [CHAT_API]: { target: serverUrl, ws: true, rewrite: (path) => path.slice(CHAT_API.length) },
        },
      },
    }),
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        try {
          if (path === '/demo/strict-csp.html') {
            res.setHeader('content-security-policy', csp);
            res.setHeader('content-type', 'text/html; charset=utf-8');
            const page = await readFile(demo('strict-csp.html'), 'utf8');
            res.end(
              page.replace('name="bm-server-url" content=""', `name="bm-server-url" content="${serverUrl}"`),
            );
            return;
          }
          if (path === PORTAL_THREADS) {
            if (req.method === 'PUT') {
              portalThreads = threadMap(await readJson(req));
              res.statusCode = 204;
              res.end();
              return;
            }
            res.setHeader('content-type', 'application/json');
            res.setHeader('cache-control', 'no-store');
            res.end(JSON.stringify(portalThreads));
            return;
          }
          if (path === '/demo/one-tag.html') {
            visitor ??= makeVisitor().catch((error) => {
              visitor = null;
              throw error;
            });
            const session = await post('/v1/auth/cookie', {}, await visitor);
            const { nonce } = await session.json();
            const page = await readFile(demo('one-tag.html'), 'utf8');
            res.setHeader('set-cookie', session.headers.getSetCookie());
            res.setHeader('content-type', 'text/html; charset=utf-8');
            res.setHeader('cache-control', 'no-store');
            res.end(page.replace('auth-nonce=""', `auth-nonce="${nonce}"`));
            return;
          }
        } catch (error) {
          next(error);
          return;
        }
        next();
      });
    },
  };
}
