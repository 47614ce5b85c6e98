// Small shared pieces of the reference server: the error type every failure travels as, ids, times and the
// strict checks of request fields (PROTOCOL.md 2.1 and 2.2).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A failure with its HTTP status and the protocol's `{error: {code, reason, message}}` (PROTOCOL.md 2.2). */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code one of the AdapterErrorCodes
   * @param {string} reason a stable machine-readable word
   * @param {string} message English for a developer
   * @param {Record<string, string>} [headers] extra response headers (e.g. retry-after)
   */
  constructor(status, code, reason, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.headers = headers;
  }

  toJSON() {
    return { error: { code: this.code, reason: this.reason, message: this.message } };
  }
}

/** @param {string} reason @param {string} message */
export const invalid = (reason, message) => new HttpError(400, 'invalid', reason, message);
/** @param {string} reason @param {string} message */
export const forbidden = (reason, message) => new HttpError(403, 'forbidden', reason, message);
/** @param {string} reason @param {string} message */
export const notFound = (reason, message) => new HttpError(404, 'not-found', reason, message);
/** @param {string} reason @param {string} message */
export const unauthorized = (reason, message) => new HttpError(401, 'unauthorized', reason, message);
/** @param {string} reason @param {string} message */
export const tooLarge = (reason, message) => new HttpError(413, 'too-large', reason, message);
/** @param {string} reason @param {string} message */
export const encryptionDisabled = (reason, message) =>
  new HttpError(403, 'encryption-disabled', reason, message);

/** Ids of users, threads, messages, devices, blobs and client message ids (PROTOCOL.md 2.1). */
export const ID_PATTERN = /^[A-Za-z0-9_\-.:@]{1,128}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

/** @param {unknown} value @returns {value is string} */
export const isId = (value) => typeof value === 'string' && ID_PATTERN.test(value);

/** @param {unknown} value @returns {value is Record<string, unknown>} */
export const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** @param {unknown} value @returns {value is number} */
export const isCount = (value) => Number.isSafeInteger(value) && /** @type {number} */ (value) >= 0;

/**
 * Refuses fields the route does not know (400 `unknown-field`) and reports missing ones (`missing-field`).
 * @param {unknown} value
 * @param {string[]} required
 * @param {string[]} [optional]
 * @param {string} [where] how the message names the object
 * @returns {Record<string, unknown>}
 */
export function fields(value, required, optional = [], where = 'body') {
  if (!isObject(value)) throw invalid('bad-field', `${where} must be a JSON object`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw invalid('unknown-field', `Unknown field ${where}.${key}`);
    }
  }
  for (const key of required) {
    if (value[key] === undefined) throw invalid('missing-field', `Missing field ${where}.${key}`);
  }
  return value;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
export function idField(value, name) {
  if (!isId(value)) throw invalid('bad-id', `${name} must be 1 to 128 characters of A-Z a-z 0-9 _ - . : @`);
  return value;
}

/**
 * A binary value as base64url without padding. Only the alphabet is checked: the server stores keys and
 * sealed bytes as the client sent them and never reads them.
 * @param {unknown} value
 * @param {string} name
 * @param {number} [maxLength]
 * @returns {string}
 */
export function base64urlField(value, name, maxLength = 64 * 1024) {
  if (typeof value !== 'string' || !BASE64URL_PATTERN.test(value) || value.length > maxLength) {
    throw invalid('bad-field', `${name} must be non-empty base64url without padding`);
  }
  return value;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
export function intField(value, name, min, max) {
  if (
    !Number.isSafeInteger(value) ||
    /** @type {number} */ (value) < min ||
    /** @type {number} */ (value) > max
  ) {
    throw invalid('bad-field', `${name} must be an integer from ${min} to ${max}`);
  }
  return /** @type {number} */ (value);
}

/**
 * A thread title: 1 to 200 characters of text, no control characters (PROTOCOL.md 2.5).
 * @param {unknown} value
 * @returns {string}
 */
export function titleField(value) {
  if (typeof value !== 'string') throw invalid('bad-field', 'title must be a string');
  const length = [...value].length;
  // eslint-disable-next-line no-control-regex
  if (length < 1 || length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalid('bad-field', 'title must be 1 to 200 characters of text without control characters');
  }
  return value;
}

/**
 * `limit` query parameter: default 50, capped at 200 (PROTOCOL.md 2.1).
 * @param {URLSearchParams} params
 * @returns {number}
 */
export function limitParam(params) {
  const raw = params.get('limit');
  if (raw === null) return 50;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1)
    throw invalid('bad-field', 'limit must be a positive integer');
  return Math.min(Number(raw), 200);
}

/**
 * A decimal position cursor (message seq, event id, audit id).
 * @param {string | null} raw
 * @param {string} name
 * @returns {number | undefined}
 */
export function decimalCursor(raw, name) {
  if (raw === null) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw invalid('bad-cursor', `${name} must be a cursor this server handed out`);
  return Number(raw);
}

/** @param {number} [ms] */
export const isoTime = (ms = Date.now()) => new Date(ms).toISOString();

/** @param {string} prefix */
export const newId = (prefix) => `${prefix}${randomBytes(12).toString('base64url')}`;

/** A secret for a client: 32 random bytes, base64url. */
export const newSecret = () => randomBytes(32).toString('base64url');

/** @param {string} text */
export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** @param {string} a @param {string} b */
export function sameSecret(a, b) {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}

/** @param {string} text */
export const base64urlJson = (text) => Buffer.from(text, 'utf8').toString('base64url');
