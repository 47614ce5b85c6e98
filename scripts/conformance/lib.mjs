// Shared helpers of the conformance suite: an HTTP client for one user, assertions that explain themselves,
// shape checks for the protocol's objects, envelope bytes (PROTOCOL.md 1.6) and a live-event socket.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** A failed expectation; its message is what the FAIL line says after the dash. */
export class CheckFailure extends Error {}

export function assert(condition, message) {
  if (!condition) throw new CheckFailure(message);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A check: one small, named expectation about one area of PROTOCOL.md Part 2. */
export function check(area, what, run, { timeoutMs = 20000 } = {}) {
  return { area, what, run, timeoutMs };
}

const show = (value) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 200 ? text.slice(0, 200) + '…' : text;
};

/** One answer of the backend, with the body read once as bytes and, where it parses, as JSON. */
export class Answer {
  constructor(method, path, status, headers, bytes) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.headers = headers;
    this.bytes = bytes;
    this.text = bytes.toString('utf8');
    try {
      this.json = this.text ? JSON.parse(this.text) : undefined;
    } catch {
      this.json = undefined;
    }
  }

  get label() {
    return `${this.method} ${this.path}`;
  }

  describe() {
    return `${this.label} answered ${this.status} ${show(this.text || '(empty)')}`;
  }

  /** Throws unless the status is the one expected (or one of them). */
  expect(status) {
    const allowed = [].concat(status);
    assert(allowed.includes(this.status), `expected ${allowed.join(' or ')}: ${this.describe()}`);
    return this;
  }

  /** Expects a JSON body (content-type application/json) and returns it. */
  body(status) {
    if (status !== undefined) this.expect(status);
    const type = this.headers.get('content-type') ?? '';
    assert(
      /^application\/json\b/i.test(type),
      `${this.label}: content-type is "${type}", not application/json`,
    );
    assert(this.json !== undefined, `${this.label}: body is not JSON: ${show(this.text)}`);
    return this.json;
  }

  /** Expects the error body of PROTOCOL.md 2.2 with this status, code and reason (or one of the reasons). */
  refused(status, code, reason) {
    assert(
      this.status === status,
      `expected ${status} ${code}/${[].concat(reason).join('|')}: ${this.describe()}`,
    );
    const problem = errorBodyProblem(this);
    assert(!problem, `${this.label} ${this.status}: ${problem}`);
    const error = this.json.error;
    assert(error.code === code, `${this.label} ${this.status}: code "${error.code}", expected "${code}"`);
    const reasons = [].concat(reason);
    assert(
      reasons.includes(error.reason),
      `${this.label} ${this.status}: reason "${error.reason}", expected "${reasons.join('" or "')}"`,
    );
    return error;
  }
}

/** What is wrong with an error answer's body (PROTOCOL.md 2.2), or null when it is right. */
export function errorBodyProblem(answer) {
  const type = answer.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) return `error content-type is "${type}", not application/json`;
  const error = answer.json?.error;
  if (!error || typeof error !== 'object') return `error body is not {error:{...}}: ${show(answer.text)}`;
  for (const field of ['code', 'reason', 'message']) {
    if (typeof error[field] !== 'string' || !error[field]) return `error.${field} is not a non-empty string`;
  }
  return null;
}

/** The HTTP side of the suite: requests to `<base>/v1`, counting every refusal to audit its body. */
export class Backend {
  constructor(url, { timeoutMs = 15000 } = {}) {
    this.origin = url.replace(/\/+$/, '');
    this.base = this.origin + '/v1';
    this.timeoutMs = timeoutMs;
    /** Every 4xx/5xx answer seen, for the "error body on every refusal" check. */
    this.refusals = [];
    this.rateLimited = 0;
  }

  /**
   * One request. `json` is serialised as the body; `raw` is sent as is (a Buffer or string). A 429 is waited
   * out (retry-after) and retried, so a backend's rate limit does not fail unrelated checks.
   */
  async request(method, path, { token, json, raw, headers = {}, signal } = {}) {
    const all = { ...headers };
    if (token !== undefined) all.authorization = `Bearer ${token}`;
    let body;
    if (json !== undefined) {
      body = JSON.stringify(json);
      all['content-type'] ??= 'application/json';
    } else if (raw !== undefined) {
      body = raw;
    }
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(this.base + path, {
        method,
        headers: all,
        body,
        signal: signal ?? AbortSignal.timeout(this.timeoutMs),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const answer = new Answer(method, path, response.status, response.headers, bytes);
      if (answer.status === 429 && attempt < 5) {
        this.rateLimited++;
        const seconds = Number(response.headers.get('retry-after'));
        await sleep(Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, 10000));
        continue;
      }
      if (answer.status >= 400) this.refusals.push(answer);
      return answer;
    }
  }

  /** A client bound to one user's token. */
  as(user) {
    const call = (method) => (path, options) => this.request(method, path, { token: user.token, ...options });
    return {
      user,
      get: call('GET'),
      post: call('POST'),
      put: call('PUT'),
      patch: call('PATCH'),
      delete: call('DELETE'),
    };
  }
}

// ---------------------------------------------------------------------------------------------- shapes

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
export const isIso = (value) =>
  typeof value === 'string' && ISO.test(value) && !Number.isNaN(Date.parse(value));
const isInt = (value) => Number.isInteger(value) && value >= 0;

/** Problems with a value against a tiny schema: {field: 'string' | 'boolean' | 'int' | 'iso' | ...}. */
function problems(value, schema, where) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${where} is not an object`];
  const out = [];
  for (const [field, kind] of Object.entries(schema)) {
    const optional = kind.endsWith('?');
    const type = optional ? kind.slice(0, -1) : kind;
    const v = value[field];
    if (v === undefined && optional) continue;
    const ok =
      type === 'string'
        ? typeof v === 'string'
        : type === 'boolean'
          ? typeof v === 'boolean'
          : type === 'int'
            ? isInt(v)
            : type === 'iso'
              ? isIso(v)
              : type === 'iso|null'
                ? v === null || isIso(v)
                : type === 'array'
                  ? Array.isArray(v)
                  : type === 'object'
                    ? v !== null && typeof v === 'object'
                    : false;
    if (!ok) out.push(`${where}.${field} is ${show(v)}, expected ${kind}`);
  }
  return out;
}

export function expectShape(value, schema, where) {
  const found = problems(value, schema, where);
  assert(found.length === 0, found.join('; '));
}

export function expectThread(thread, where = 'thread') {
  expectShape(
    thread,
    {
      id: 'string',
      title: 'string',
      participants: 'array',
      encrypted: 'boolean',
      encryptedAt: 'iso|null',
      createdBy: 'string',
      createdAt: 'iso',
      lastActivityAt: 'iso',
      lastSeq: 'int',
      unreadCount: 'int',
    },
    where,
  );
  thread.participants.forEach((p, i) =>
    expectShape(
      p,
      { userId: 'string', displayName: 'string', role: 'string?', joinedAt: 'iso', readUpTo: 'int' },
      `${where}.participants[${i}]`,
    ),
  );
  assert(thread.encrypted === (thread.encryptedAt !== null), `${where}: encrypted and encryptedAt disagree`);
}

export function expectMessage(message, where = 'message') {
  expectShape(
    message,
    {
      id: 'string',
      threadId: 'string',
      clientId: 'string',
      senderId: 'string',
      seq: 'int',
      createdAt: 'iso',
      body: 'object',
    },
    where,
  );
  assert(message.seq >= 1, `${where}.seq is ${message.seq}, expected at least 1`);
}

export function expectPage(page, where = 'page') {
  expectShape(page, { items: 'array' }, where);
  assert(page.next === null || typeof page.next === 'string', `${where}.next is ${show(page.next)}`);
}

export const participantIds = (thread) => thread.participants.map((p) => p.userId).sort();
export const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

// ------------------------------------------------------------------------------------------- messages

export const text = (value) => ({ kind: 'plain', content: { type: 'text', text: value } });
export const textOf = (record) => record?.body?.content?.text;

let counter = 0;
/** A fresh id for a client message, unique across runs. */
export const uid = (prefix = 'c') => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/**
 * The bytes of a structurally valid protocol-v1 envelope (PROTOCOL.md 1.6). The ciphertext and signature are
 * random: the server cannot check them. Options change one rule at a time to make a malformed one.
 */
export function envelopeBytes({
  threadId,
  senderId,
  clientId,
  deviceId = 'conformance-device',
  epoch = 1,
  sequence = 1,
  version = 1,
  suite = 1,
  ciphertextLength = 32,
  signatureLength = 64,
  trailing = 0,
}) {
  const field = (value) => {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  };
  const head = Buffer.alloc(18);
  head[0] = version;
  head[1] = suite;
  head.writeUInt32BE(epoch, 2);
  head.writeUInt32BE(sequence, 6);
  head.writeBigUInt64BE(BigInt(Date.now()), 10);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(ciphertextLength);
  return Buffer.concat([
    head,
    field(threadId),
    field(senderId),
    field(deviceId),
    field(clientId),
    randomBytes(12),
    length,
    randomBytes(ciphertextLength),
    randomBytes(signatureLength),
    Buffer.alloc(trailing),
  ]);
}

export const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
export const envelope = (options) => ({ kind: 'envelope', envelope: b64url(envelopeBytes(options)) });

// ----------------------------------------------------------------------------------------- live events

/** Compares two feed cursors (decimal strings): negative, zero or positive. */
export function compareCursors(a, b) {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const isCursor = (value) => typeof value === 'string' && /^\d+$/.test(value);

/**
 * A WebSocket on `/v1/events` for one token. Resolves once open; collects every parsed event. `closed`
 * resolves with the close code.
 */
export function openFeed(backend, token, { after, query } = {}) {
  const url = new URL(backend.base + '/events');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token !== undefined) url.searchParams.set('token', token);
  if (after !== undefined) url.searchParams.set('after', after);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  const socket = new WebSocket(url);
  const events = [];
  const waiters = new Set();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  let closeCode = null;
  const closed = new Promise((resolve) => {
    socket.on('close', (code) => {
      closeCode = code;
      wake();
      resolve(code);
    });
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    try {
      const event = JSON.parse(String(data));
      if (event && typeof event === 'object' && typeof event.type === 'string') events.push(event);
    } catch {
      // frames that are not events (pings, keep-alives) are ignored, as a client would
    }
    wake();
  });
  const feed = {
    events,
    closed,
    get closeCode() {
      return closeCode;
    },
    /** Waits until `predicate(events)` holds; fails with `what` after `ms`. */
    waitFor(predicate, what, ms = 5000) {
      return new Promise((resolve, reject) => {
        const test = () => {
          let result;
          try {
            result = predicate(events);
          } catch (error) {
            waiters.delete(test);
            clearTimeout(timer);
            reject(error);
            return;
          }
          if (result) {
            waiters.delete(test);
            clearTimeout(timer);
            resolve(result);
          } else if (closeCode !== null) {
            waiters.delete(test);
            clearTimeout(timer);
            reject(new CheckFailure(`the event socket closed (${closeCode}) before ${what}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(test);
          reject(new CheckFailure(`no ${what} within ${ms} ms (saw ${describeEvents(events)})`));
        }, ms);
        waiters.add(test);
        test();
      });
    },
    close() {
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
      socket.close();
      return Promise.race([closed, sleep(1000)]).then(() => socket.terminate());
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new CheckFailure(`the event socket ${url.pathname} did not open within 5 s`));
    }, 5000);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(feed);
    });
    socket.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      socket.terminate();
      reject(new CheckFailure(`the event socket upgrade was answered ${response.statusCode}`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new CheckFailure(`the event socket failed: ${error.message}`));
    });
    // a socket refused after the upgrade closes without 'open' having a chance to matter
    socket.once('close', (code) => {
      clearTimeout(timer);
      reject(new CheckFailure(`the event socket closed (${code}) before it opened`));
    });
  });
}

export function describeEvents(events) {
  if (events.length === 0) return 'no events';
  return events
    .slice(-8)
    .map((e) => (e.type === 'message' ? `message:${textOf(e.message) ?? e.message?.clientId}` : e.type))
    .join(', ');
}

/** The message events of one thread in a list of events. */
export const messagesOf = (events, threadId) =>
  events.filter((e) => e.type === 'message' && e.message?.threadId === threadId);
