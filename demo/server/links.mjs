// Device-link requests (PROTOCOL.md 2.7.1): a new browser of a signed-in user posts its public keys and a
// commitment; another device of the same user answers, the new one reveals its nonce, and the answering device
// approves or either denies. The server relays and keeps order; the code the user compares is what protects
// against a server that swaps keys (PROTOCOL.md 1.11).
import { base64urlField, fields, HttpError, idField, isoTime, newId, notFound } from './util.mjs';

/** @typedef {import('./server.mjs').RequestContext} Ctx */

export const LINK_REQUEST_TTL_MS = 5 * 60 * 1000;
export const MAX_OPEN_LINK_REQUESTS = 5;
/** Rows are removed this long after they expired (a client may still read the final status meanwhile). */
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;
const KEY_LENGTH = 4096;

const OPEN = ['pending', 'answered', 'revealed'];
/** Each step and the status it must follow. */
const STEPS = {
  answer: { from: ['pending'], to: 'answered' },
  reveal: { from: ['answered'], to: 'revealed' },
  approve: { from: ['revealed'], to: 'approved' },
  deny: { from: OPEN, to: 'denied' },
};

/** @param {string} reason @param {string} message */
const conflict = (reason, message) => new HttpError(409, 'conflict', reason, message);

/** @param {any} row @param {number} now */
function statusOf(row, now) {
  return OPEN.includes(row.status) && now >= row.expires_ms ? 'expired' : row.status;
}

/** @param {any} row @param {number} now */
function linkRequest(row, now = Date.now()) {
  return {
    id: row.id,
    status: statusOf(row, now),
    device: { deviceId: row.device_id, signingKey: row.signing_key, hpkeKey: row.hpke_key },
    commitment: row.commitment,
    answer: row.answer_nonce ? { identityKey: row.answer_identity_key, nonce: row.answer_nonce } : null,
    nonce: row.nonce ?? null,
    createdAt: row.created_at,
    expiresAt: isoTime(row.expires_ms),
  };
}

/** @param {Ctx['app']} app @param {string} userId @param {string} id */
function requireRequest(app, userId, id) {
  const row = app.q('SELECT * FROM link_requests WHERE id = ? AND user_id = ?').get(id, userId);
  // Another user's request is as unknown as one that never existed.
  if (!row) throw notFound('unknown-link-request', 'No such link request');
  return row;
}

/** @param {Ctx} ctx */
function createLinkRequest({ app, user, body, write }) {
  const b = fields(body, ['device', 'commitment']);
  const d = fields(b.device, ['deviceId', 'signingKey', 'hpkeKey'], [], 'device');
  const device = {
    deviceId: idField(d.deviceId, 'device.deviceId'),
    signingKey: base64urlField(d.signingKey, 'device.signingKey', KEY_LENGTH),
    hpkeKey: base64urlField(d.hpkeKey, 'device.hpkeKey', KEY_LENGTH),
  };
  const commitment = base64urlField(b.commitment, 'commitment', 128);
  return write((w) => {
    const now = Date.now();
    app.q('DELETE FROM link_requests WHERE expires_ms < ?').run(now - KEEP_AFTER_EXPIRY_MS);
    const open = app
      .q(
        `SELECT count(*) FROM link_requests WHERE user_id = ? AND expires_ms > ?
         AND status IN ('pending', 'answered', 'revealed')`,
      )
      .pluck()
      .get(user.id, now);
    if (open >= MAX_OPEN_LINK_REQUESTS) {
      throw conflict('too-many-link-requests', 'Finish or cancel an open link request first');
    }
    const row = {
      id: newId('l'),
      user_id: user.id,
      status: 'pending',
      device_id: device.deviceId,
      signing_key: device.signingKey,
      hpke_key: device.hpkeKey,
      commitment,
      created_at: isoTime(now),
      expires_ms: now + LINK_REQUEST_TTL_MS,
    };
    app
      .q(
        `INSERT INTO link_requests (id, user_id, status, device_id, signing_key, hpke_key, commitment, created_at,
         expires_ms) VALUES (@id, @user_id, @status, @device_id, @signing_key, @hpke_key, @commitment, @created_at,
         @expires_ms)`,
      )
      .run(row);
    w.audit('link.create', null);
    return { status: 201, json: linkRequest(row, now) };
  });
}

/** @param {Ctx} ctx */
function listLinkRequests({ app, user }) {
  const now = Date.now();
  const rows = app
    .q(
      'SELECT * FROM link_requests WHERE user_id = ? AND expires_ms > ? ORDER BY created_at DESC, rowid DESC',
    )
    .all(user.id, now);
  return { status: 200, json: rows.map((row) => linkRequest(row, now)) };
}

/** @param {Ctx} ctx */
function getLinkRequest({ app, user, params }) {
  return { status: 200, json: linkRequest(requireRequest(app, user.id, params.l)) };
}

/** @param {keyof typeof STEPS} step */
function advance(step) {
  /** @param {Ctx} ctx */
  return ({ app, user, params, body, write }) => {
    /** @type {Record<string, unknown>} */
    let values = {};
    if (step === 'answer') {
      const b = fields(body, ['identityKey', 'nonce']);
      values = {
        answer_identity_key: base64urlField(b.identityKey, 'identityKey', KEY_LENGTH),
        answer_nonce: base64urlField(b.nonce, 'nonce', 128),
      };
    } else if (step === 'reveal') {
      values = { nonce: base64urlField(fields(body, ['nonce']).nonce, 'nonce', 128) };
    }
    return write((w) => {
      const now = Date.now();
      const row = requireRequest(app, user.id, params.l);
      const status = statusOf(row, now);
      if (status === 'expired') throw conflict('link-expired', 'The link request has expired');
      if (!STEPS[step].from.includes(status)) {
        throw conflict('link-state', `A ${status} request cannot take the step ${step}`);
      }
      const next = { ...row, ...values, status: STEPS[step].to };
      app
        .q(
          `UPDATE link_requests SET status = @status, answer_identity_key = @answer_identity_key,
           answer_nonce = @answer_nonce, nonce = @nonce WHERE id = @id`,
        )
        .run(next);
      w.audit(`link.${step}`, null);
      return { status: 200, json: linkRequest(next, now) };
    });
  };
}

/** @param {Ctx} ctx */
function deleteLinkRequest({ app, user, params, write }) {
  return write((w) => {
    requireRequest(app, user.id, params.l);
    app.q('DELETE FROM link_requests WHERE id = ?').run(params.l);
    w.audit('link.delete', null);
    return { status: 204 };
  });
}

/** @type {import('./routes.mjs').Route[]} */
export const LINK_ROUTES = [
  { method: 'POST', path: '/v1/link-requests', body: 'json', handler: createLinkRequest },
  { method: 'GET', path: '/v1/link-requests', handler: listLinkRequests },
  { method: 'GET', path: '/v1/link-requests/:l', handler: getLinkRequest },
  { method: 'DELETE', path: '/v1/link-requests/:l', handler: deleteLinkRequest },
  { method: 'POST', path: '/v1/link-requests/:l/answer', body: 'json', handler: advance('answer') },
  { method: 'POST', path: '/v1/link-requests/:l/reveal', body: 'json', handler: advance('reveal') },
  { method: 'POST', path: '/v1/link-requests/:l/approve', handler: advance('approve') },
  { method: 'POST', path: '/v1/link-requests/:l/deny', handler: advance('deny') },
];
