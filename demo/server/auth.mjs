// Authentication (PROTOCOL.md 2.3): a bearer token per user, or the `bm_session` cookie with its nonce. Only
// SHA-256 digests of tokens, session ids and nonces are stored.
import { timingSafeEqual } from 'node:crypto';
import { isoTime, newSecret, sha256, unauthorized } from './util.mjs';

export const SESSION_COOKIE = 'bm_session';
const SESSION_MS = 7 * 24 * 3600 * 1000;

/**
 * @param {string | undefined} header
 * @param {string} name
 */
function readCookie(header, name) {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/** @param {string} a hex digest @param {string} b hex digest */
const sameDigest = (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class Auth {
  /** @param {import('better-sqlite3').Database} db */
  constructor(db) {
    this.byToken = db.prepare('SELECT id, display_name, role, assigned FROM users WHERE token_hash = ?');
    this.bySession = db.prepare(
      `SELECT u.id, u.display_name, u.role, u.assigned, s.nonce_hash, s.expires_ms
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
    );
    this.insertSession = db.prepare(
      'INSERT INTO sessions (id_hash, user_id, nonce_hash, expires_ms) VALUES (?, ?, ?, ?)',
    );
    this.setToken = db.prepare('UPDATE users SET token_hash = ? WHERE id = ?');
    this.upsertUser = db.prepare(
      `INSERT INTO users (id, display_name, role, assigned, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
         assigned = excluded.assigned, token_hash = excluded.token_hash`,
    );
    this.dropSessions = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  }

  /**
   * The user a request speaks for, or a 401. A WebSocket passes its query's `token` and `nonce`, since a
   * browser cannot give it headers.
   * @param {import('node:http').IncomingMessage} req
   * @param {{ token: string | null, nonce: string | null }} [query]
   * @returns {import('./server.mjs').UserRow}
   */
  authenticate(req, query) {
    const header = req.headers.authorization;
    let token = query?.token ?? null;
    if (header !== undefined) {
      const match = /^Bearer +(\S+)$/i.exec(header.trim());
      if (!match) throw unauthorized('bad-token', 'The authorization header must be "Bearer <token>"');
      token = match[1];
    }
    if (token !== null) {
      const user = this.byToken.get(sha256(token));
      if (!user) throw unauthorized('bad-token', 'The token is unknown or was replaced');
      return user;
    }
    const session = readCookie(req.headers.cookie, SESSION_COOKIE);
    const nonce = query ? query.nonce : /** @type {string | undefined} */ (req.headers['x-bm-nonce']);
    if (session) {
      // A cookie alone never authorises anything: a cross-site request carries it, but not the nonce.
      if (!nonce) throw unauthorized('bad-nonce', 'A session cookie needs its x-bm-nonce');
      const row = this.bySession.get(sha256(session));
      if (!row || row.expires_ms < Date.now())
        throw unauthorized('bad-token', 'The session is unknown or expired');
      if (!sameDigest(sha256(nonce), row.nonce_hash))
        throw unauthorized('bad-nonce', 'The nonce does not match');
      return row;
    }
    throw unauthorized(
      'no-credentials',
      'No credentials: send a bearer token or the session cookie and nonce',
    );
  }

  /**
   * Starts a cookie session for a user: the Set-Cookie header and the nonce the page must send back.
   * @param {string} userId
   * @param {{ secure: boolean }} options
   */
  startSession(userId, options) {
    const id = newSecret();
    const nonce = newSecret();
    this.insertSession.run(sha256(id), userId, sha256(nonce), Date.now() + SESSION_MS);
    const cookie = [
      `${SESSION_COOKIE}=${id}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${SESSION_MS / 1000}`,
      ...(options.secure ? ['Secure'] : []),
    ].join('; ');
    return { cookie, nonce };
  }

  /**
   * Creates a user, or resets an existing one's profile and token (and ends their cookie sessions).
   * @param {{ id: string, displayName: string, role?: string | null, assigned?: string[] }} profile
   * @returns {string} the new bearer token
   */
  issueUser(profile) {
    const token = newSecret();
    this.upsertUser.run(
      profile.id,
      profile.displayName,
      profile.role ?? null,
      JSON.stringify(profile.assigned ?? []),
      sha256(token),
      isoTime(),
    );
    this.dropSessions.run(profile.id);
    return token;
  }
}
