// The reference server of bm-secure-chat: Node's http module, `ws` for live events, better-sqlite3 for
// storage, blobs as files. `startServer(options)` is the whole of it; main.mjs adds the command line.
import http from 'node:http';
import { mkdirSync, openSync, closeSync, fsyncSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { Auth } from './auth.mjs';
import { openDatabase } from './db.mjs';
import { Hub, PING_MS } from './events.mjs';
import { answerPreflight, readJsonBody, sendEmpty, sendError, sendJson, setCors } from './http.mjs';
import { Notifier } from './notify.mjs';
import { RateLimiter } from './ratelimit.mjs';
import { sweep } from './retention.mjs';
import { DEFAULT_ROLES_FILE, RoleMatrix } from './roles.mjs';
import { matchRoute, ROUTES } from './routes.mjs';
import { decimalCursor, forbidden, HttpError, invalid, isoTime, notFound } from './util.mjs';

const SWEEP_MS = 3600 * 1000;
const CLOSE_GRACE_MS = 3000;

/**
 * @typedef {object} ServerOptions
 * @property {number} [port] 0 picks a free port
 * @property {string} [host] default 127.0.0.1
 * @property {string} [dataDir] default ./data
 * @property {boolean} [testHooks] offer POST /v1/test/users (never in production)
 * @property {number} [maxUploadBytes] default 25 MiB
 * @property {number} [maxMessageBytes] default 64 KiB
 * @property {number | null} [retentionDays] default: keep messages and blobs
 * @property {string} [rolesFile] default demo/server/roles.json
 * @property {{ perSecond: number, burst: number }} [rateLimit] default 50 a second, bursts of 200
 * @property {string | null} [webhookUrl] notifications are POSTed here
 * @property {string[]} [allowedOrigins] origins allowed to send credentials (the session cookie)
 * @property {boolean} [secureCookies] mark the session cookie Secure (behind HTTPS)
 * @property {boolean} [log] one line per request on stderr
 * @property {number} [socketStallMs] how long a WebSocket may stay above its high-water mark before it is
 *   closed (default 30 s; tests shorten it)
 */

/** @typedef {{ id: string, display_name: string, role: string | null, assigned: string }} UserRow */

/**
 * @typedef {object} RequestContext
 * @property {App} app
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {URL} url
 * @property {Record<string, any>} params
 * @property {UserRow} user
 * @property {string} address
 * @property {unknown} body
 * @property {<T>(fn: (w: Writer) => T) => T} write runs `fn` in one transaction on behalf of this request
 */

/** What a write transaction may do besides SQL; its effects outside the database follow the commit. */
class Writer {
  /** @param {App} app @param {UserRow | null} user @param {string | null} address */
  constructor(app, user, address) {
    this.app = app;
    this.user = user;
    this.address = address;
    /** @type {Set<string>} */
    this.touched = new Set();
    this.notified = false;
  }

  /** Appends an event to these users' feeds. @param {Iterable<string>} userIds @param {any} event */
  emit(userIds, event) {
    this.app.hub.append(userIds, event, this.touched);
  }

  /** Sends each participant a `thread` event with their own view of it. @param {string} threadId */
  emitThread(threadId) {
    const row = this.app.threadRow(threadId);
    for (const userId of this.app.participantIds(threadId)) {
      this.emit([userId], { type: 'thread', thread: this.app.threadView(row, userId) });
    }
  }

  /** @param {string[]} recipientIds @param {{ threadId: string, messageId: string, text: string, createdMs: number }} message */
  notify(recipientIds, message) {
    this.app.notifier.add(recipientIds, message);
    if (recipientIds.length > 0) this.notified = true;
  }

  /** Metadata only: who, what, which thread, when, from where. @param {string} action @param {string | null} threadId */
  audit(action, threadId) {
    this.app
      .q('INSERT INTO audit (at, user_id, action, thread_id, address) VALUES (?, ?, ?, ?, ?)')
      .run(isoTime(), this.user?.id ?? null, action, threadId, this.address);
  }
}

export class App {
  /**
   * @param {Required<Pick<ServerOptions, 'maxUploadBytes' | 'maxMessageBytes' | 'secureCookies'>> & ServerOptions} config
   * @param {string} dataDir
   * @param {RoleMatrix} roles
   * @param {(error: unknown) => void} report
   */
  constructor(config, dataDir, roles, report) {
    this.config = config;
    this.roles = roles;
    this.report = report;
    this.blobsDir = join(dataDir, 'blobs');
    this.tmpDir = join(this.blobsDir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    this.db = openDatabase(dataDir);
    /** @type {Map<string, import('better-sqlite3').Statement>} */
    this.statements = new Map();
    this.hub = new Hub(this.db, report, config.socketStallMs);
    this.auth = new Auth(this.db);
    this.notifier = new Notifier(this.db, { webhookUrl: config.webhookUrl, report });
    /** @type {Map<string, number>} */
    this.typingAt = new Map();
    /** The writer of the transaction in progress, if any: nested writes join it. @type {Writer | null} */
    this.writer = null;
  }

  /** A prepared statement, prepared once. @param {string} sql */
  q(sql) {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /**
   * Runs `fn` in one transaction; feed subscribers and the notifier hear of it only after the commit.
   * @template T
   * @param {(w: Writer) => T} fn
   * @param {{ user: UserRow | null, address: string | null }} actor who the audit log names
   * @returns {T}
   */
  write(fn, actor) {
    if (this.writer) return fn(this.writer);
    const writer = new Writer(this, actor.user, actor.address);
    this.writer = writer;
    let result;
    try {
      result = this.db.transaction(() => fn(writer))();
    } finally {
      this.writer = null;
    }
    this.hub.announce(writer.touched);
    if (writer.notified) this.notifier.kick();
    return result;
  }

  /** @param {string} id @returns {UserRow | undefined} */
  userRow(id) {
    return this.q('SELECT id, display_name, role, assigned FROM users WHERE id = ?').get(id);
  }

  /** @param {UserRow} row @returns {import('./roles.mjs').Person} */
  person(row) {
    return { id: row.id, role: row.role, assigned: JSON.parse(row.assigned) };
  }

  /** @param {{ id: string, display_name: string, role: string | null }} row */
  profile(row) {
    return { id: row.id, displayName: row.display_name, ...(row.role ? { role: row.role } : {}) };
  }

  /** @param {string} id */
  threadRow(id) {
    return this.q('SELECT * FROM threads WHERE id = ?').get(id);
  }

  /** @param {string} threadId @returns {string[]} */
  participantIds(threadId) {
    return this.q('SELECT user_id FROM participants WHERE thread_id = ? ORDER BY rowid')
      .pluck()
      .all(threadId);
  }

  /** The thread, if it exists (404) and the user is in it (403). @param {string} threadId @param {string} userId */
  requireParticipant(threadId, userId) {
    const row = this.threadRow(threadId);
    if (!row) throw notFound('unknown-thread', `No thread ${threadId}`);
    if (!this.q('SELECT 1 FROM participants WHERE thread_id = ? AND user_id = ?').get(threadId, userId)) {
      throw forbidden('not-a-participant', 'You are not in this thread');
    }
    return row;
  }

  /** A Thread as `viewerId` sees it (their own unreadCount). @param {any} row @param {string} viewerId */
  threadView(row, viewerId) {
    const participants = this.q(
      `SELECT p.user_id, p.joined_at, p.read_up_to, u.display_name, u.role
       FROM participants p JOIN users u ON u.id = p.user_id WHERE p.thread_id = ? ORDER BY p.rowid`,
    ).all(row.id);
    const me = participants.find((p) => p.user_id === viewerId);
    const unreadCount = me
      ? this.q('SELECT count(*) FROM messages WHERE thread_id = ? AND seq > ? AND sender_id != ?')
          .pluck()
          .get(row.id, me.read_up_to, viewerId)
      : 0;
    return {
      id: row.id,
      title: row.title,
      participants: participants.map((p) => ({
        userId: p.user_id,
        displayName: p.display_name,
        ...(p.role ? { role: p.role } : {}),
        joinedAt: p.joined_at,
        readUpTo: p.read_up_to,
      })),
      encrypted: row.encrypted === 1,
      encryptedAt: row.encrypted_at,
      createdBy: row.created_by,
      createdAt: row.created_at,
      lastActivityAt: row.last_activity_at,
      lastSeq: row.last_seq,
      unreadCount,
    };
  }

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
  sendJson(res, status, body) {
    sendJson(res, status, body);
  }

  /** Flushes a directory entry (a renamed blob) to disk. @param {string} dir */
  async syncDir(dir) {
    try {
      const fd = openSync(dir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // not every platform can sync a directory
    }
  }
}

/**
 * Starts the reference server.
 * @param {ServerOptions} [options]
 */
export async function startServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir ?? './data');
  const config = {
    ...options,
    maxUploadBytes: options.maxUploadBytes ?? 25 * 1024 * 1024,
    maxMessageBytes: options.maxMessageBytes ?? 64 * 1024,
    retentionDays: options.retentionDays ?? null,
    secureCookies: options.secureCookies ?? false,
    allowedOrigins: options.allowedOrigins ?? [],
  };
  const log = options.log ? (line) => process.stderr.write(`${line}\n`) : () => {};
  const report = (error) => {
    if (options.log !== false)
      process.stderr.write(`bm-server: ${error instanceof Error ? error.stack : error}\n`);
  };
  const roles = RoleMatrix.load(options.rolesFile ?? DEFAULT_ROLES_FILE);
  const app = new App(config, dataDir, roles, report);
  const limiter = new RateLimiter(options.rateLimit ?? { perSecond: 50, burst: 200 });
  const routes = ROUTES.filter((route) => !route.testHook || options.testHooks);
  /** @type {Set<import('node:http').ServerResponse>} */
  const active = new Set();
  let closing = false;

  /** @param {string} key */
  const limit = (key) => {
    const wait = limiter.take(key);
    if (wait > 0) {
      throw new HttpError(429, 'rate-limited', 'rate-limited', 'Too many requests; try again later', {
        'retry-after': String(wait),
      });
    }
  };

  /** Authenticates, counting failures against the address. */
  const authenticate = (req, address, query) => {
    try {
      return app.auth.authenticate(req, query);
    } catch (error) {
      limit(`address:${address}`);
      app.write((w) => w.audit('auth.failed', null), { user: null, address });
      throw error;
    }
  };

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const started = Date.now();
    const address = req.socket.remoteAddress ?? 'unknown';
    active.add(res);
    res.on('close', () => {
      active.delete(res);
      log(`${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode} ${Date.now() - started}ms`);
    });
    try {
      setCors(req, res, config.allowedOrigins);
      if (req.method === 'OPTIONS') return answerPreflight(res);
      if (closing)
        throw new HttpError(503, 'server', 'shutting-down', 'The server is shutting down', {
          connection: 'close',
        });
      const url = new URL(req.url ?? '/', 'http://server.invalid');
      const { route, params } = matchRoute(routes, req.method ?? 'GET', url.pathname);
      /** @type {UserRow | null} */
      let user = null;
      if (route.auth !== false) user = authenticate(req, address, undefined);
      limit(user ? `user:${user.id}` : `address:${address}`);
      let body;
      if (route.body !== 'raw') {
        body = await readJsonBody(req);
        if (route.body === 'json' && body === undefined)
          throw invalid('missing-field', 'This route needs a JSON body');
        if (
          route.body !== 'json' &&
          body !== undefined &&
          (typeof body !== 'object' || body === null || Object.keys(body).length > 0)
        ) {
          throw invalid('unknown-field', 'This route takes no body');
        }
      }
      const write = (fn) => app.write(fn, { user, address });
      const result = await route.handler(
        /** @type {RequestContext} */ ({ app, req, res, url, params, user, address, body, write }),
      );
      if (result) {
        if (result.json === undefined) sendEmpty(res, result.status);
        else sendJson(res, result.status, result.json);
      }
    } catch (error) {
      sendError(req, res, error, report);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => sendError(req, res, error, report));
  });
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify({
      error: { code: 'invalid', reason: 'bad-request', message: 'Malformed HTTP request' },
    });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  // Live events over WebSocket: GET /v1/events?token|nonce&after (PROTOCOL.md 2.10).
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096 });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let url = null;
    try {
      url = new URL(req.url ?? '/', 'http://server.invalid');
    } catch {
      // answered as an unknown route below
    }
    if (closing || url?.pathname !== '/v1/events') {
      const body = JSON.stringify({
        error: { code: 'not-found', reason: 'unknown-route', message: 'No such socket' },
      });
      socket.end(
        `HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const address = req.socket.remoteAddress ?? 'unknown';
      ws.on('error', () => ws.terminate());
      try {
        const user = authenticate(req, address, {
          token: url.searchParams.get('token'),
          nonce: url.searchParams.get('nonce'),
        });
        limit(`user:${user.id}`);
        const after = decimalCursor(url.searchParams.get('after'), 'after');
        alive.set(ws, true);
        ws.on('pong', () => alive.set(ws, true));
        ws.on('close', () => alive.delete(ws));
        app.hub.attachSocket(ws, user.id, after);
      } catch (error) {
        const reason = error instanceof HttpError ? error.reason : 'internal';
        const code = error instanceof HttpError ? 4000 + error.status : 4500;
        if (!(error instanceof HttpError)) report(error);
        ws.close(code, reason);
      }
    });
  });

  /** @type {Map<import('ws').WebSocket, boolean>} */
  const alive = new Map();
  const pinger = setInterval(() => {
    for (const [ws, ok] of alive) {
      if (!ok) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_MS);
  pinger.unref();

  const runSweep = (now = Date.now()) => {
    const removed = sweep(
      { db: app.db, blobsDir: app.blobsDir, tmpDir: app.tmpDir, retentionDays: config.retentionDays },
      now,
    );
    limiter.prune(now);
    for (const [key, at] of app.typingAt) if (at < now - 60_000) app.typingAt.delete(key);
    return removed;
  };
  runSweep();
  const sweeper = setInterval(() => {
    try {
      runSweep();
    } catch (error) {
      report(error);
    }
  }, SWEEP_MS);
  sweeper.unref();

  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', rejectListen);
      resolveListen(undefined);
    });
  }).catch((error) => {
    clearInterval(pinger);
    clearInterval(sweeper);
    app.db.close();
    throw error;
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const port = address.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  /** @type {Promise<void> | null} */
  let closed = null;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      clearInterval(pinger);
      clearInterval(sweeper);
      const stopped = new Promise((done) => server.close(() => done(undefined)));
      server.closeIdleConnections();
      app.hub.endAll();
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      for (const ws of wss.clients) ws.terminate();
      await stopped;
      await app.notifier.stop();
      wss.close();
      app.db.close();
    })();
    return closed;
  };

  return { url, port, close, sweep: runSweep, db: app.db, app };
}
