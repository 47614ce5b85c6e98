// HTTP plumbing: JSON responses and errors in the protocol's shape, request bodies within their limits, CORS.
import { HttpError, tooLarge } from './util.mjs';

/** A JSON request body is at most 256 KiB (PROTOCOL.md 2.1). */
export const JSON_BODY_LIMIT = 256 * 1024;
/** After refusing a body, at most this much more of it is read and thrown away before the socket is cut. */
const DRAIN_LIMIT = 32 * 1024 * 1024;

const CORS_ALLOW = {
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-bm-nonce',
  'access-control-max-age': '600',
};

/**
 * The widget runs on other sites' pages: any origin may call with a bearer token; credentials (the session
 * cookie) are allowed only for the origins the server was told to trust (PROTOCOL.md 2.1).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string[]} allowedOrigins
 */
export function setCors(req, res, allowedOrigins) {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'origin');
  res.setHeader('access-control-expose-headers', 'retry-after, content-length, content-disposition');
  if (allowedOrigins.includes(origin)) res.setHeader('access-control-allow-credentials', 'true');
}

/** @param {import('node:http').ServerResponse} res */
export function answerPreflight(res) {
  res.writeHead(204, CORS_ALLOW);
  res.end();
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body a value, or JSON text already serialised
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** @param {import('node:http').ServerResponse} res @param {number} [status] */
export function sendEmpty(res, status = 204) {
  res.writeHead(status, { 'cache-control': 'no-store' });
  res.end();
}

/**
 * Answers a failure in the protocol's shape; anything that is not an HttpError is a 500 `internal`.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {unknown} error
 * @param {(error: unknown) => void} [report] told of unexpected errors
 */
export function sendError(req, res, error, report) {
  const failure =
    error instanceof HttpError ? error : new HttpError(500, 'server', 'internal', 'Internal server error');
  if (!(error instanceof HttpError)) report?.(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, failure.status, failure.toJSON(), failure.headers);
  drain(req);
}

/**
 * Reads and discards what is left of a refused request body, so the client sees the answer instead of a
 * reset connection; a sender that goes on too long is cut off.
 * @param {import('node:http').IncomingMessage} req
 */
export function drain(req) {
  if (req.complete || req.destroyed) return;
  let seen = 0;
  req.on('data', (chunk) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

/** @param {import('node:http').IncomingMessage} req */
export function mediaType(req) {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Reads a request body of at most `limit` bytes. It listens for data rather than iterating the stream: an
 * iterator left early destroys the socket, and the refusal could not be answered.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @param {() => HttpError} refusal the error when the body is larger than `limit`
 * @returns {Promise<Buffer>}
 */
export function readBody(req, limit, refusal) {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(refusal());
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailure);
      req.off('close', onClose);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(refusal());
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onFailure = (error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => onFailure(new Error('The client went away before the request body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('close', onClose);
  });
}

/**
 * Reads a JSON request body within 256 KiB. Answers undefined for an empty body.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<unknown>}
 */
export async function readJsonBody(req) {
  const bytes = await readBody(req, JSON_BODY_LIMIT, () =>
    tooLarge('body-too-large', `A request body is at most ${JSON_BODY_LIMIT} bytes`),
  );
  if (bytes.length === 0) return undefined;
  if (mediaType(req) !== 'application/json') {
    throw new HttpError(415, 'invalid', 'unsupported-media-type', 'A request body must be application/json');
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HttpError(400, 'invalid', 'bad-json', 'The request body is not well-formed JSON');
  }
}
