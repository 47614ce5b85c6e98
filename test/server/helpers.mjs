// Shared helpers of the reference server's Node tests: a server on 127.0.0.1 with a temporary data dir, users
// from the test hook, JSON requests, protocol-v1 envelopes and a WebSocket feed reader.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from '../../demo/server/main.mjs';

/**
 * Starts a server with the test hook on a temporary data dir.
 * @param {Record<string, unknown>} [options]
 */
export async function startTestServer(options = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bm-server-test-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, testHooks: true, ...options });
  return {
    server,
    url: server.url,
    dataDir,
    /** @param {string} [token] */
    client: (token) => client(server.url, token),
    /** Creates users and answers their tokens by id. @param {Array<{ id: string, displayName?: string, role?: string, assigned?: string[] }>} list */
    async users(list) {
      const response = await request(server.url, 'POST', '/v1/test/users', {
        body: { users: list.map((u) => ({ displayName: u.id, ...u })) },
      });
      if (response.status !== 200) throw new Error(`test/users: ${response.status} ${response.text}`);
      return Object.fromEntries(response.json.users.map((u) => [u.id, u.token]));
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One HTTP request. A `body` that is not a Buffer or string is sent as JSON.
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {{ token?: string, body?: unknown, headers?: Record<string, string> }} [options]
 */
export async function request(base, method, path, options = {}) {
  const headers = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  let body;
  if (options.body !== undefined) {
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
    else {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
  }
  const response = await fetch(base + path, { method, headers: { ...headers, ...options.headers }, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  let json = null;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json') && text)
    json = JSON.parse(text);
  return { status: response.status, headers: response.headers, json, text, bytes };
}

/** Requests as one user. @param {string} base @param {string} [token] */
export function client(base, token) {
  const call = (method) => (path, body, headers) => request(base, method, path, { token, body, headers });
  return {
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
  };
}

/** @param {string} text */
export const plain = (text) => ({ kind: 'plain', content: { type: 'text', text } });

/**
 * The bytes of a structurally valid protocol-v1 envelope (PROTOCOL.md 1.6), with overrides to break it.
 * @param {{ threadId: string, senderId: string, clientId: string, version?: number, suite?: number, sequence?: number, ciphertextLength?: number, signatureLength?: number, trailing?: number }} o
 */
export function envelopeBytes(o) {
  const field = (s) => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([b.length]), b]);
  };
  const head = Buffer.alloc(18);
  head[0] = o.version ?? 1;
  head[1] = o.suite ?? 1;
  head.writeUInt32BE(1, 2);
  head.writeUInt32BE(o.sequence ?? 1, 6);
  head.writeBigUInt64BE(BigInt(Date.now()), 10);
  const ciphertext = randomBytes(o.ciphertextLength ?? 32);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(ciphertext.length);
  return Buffer.concat([
    head,
    field(o.threadId),
    field(o.senderId),
    field('device-1'),
    field(o.clientId),
    randomBytes(12),
    length,
    ciphertext,
    Buffer.alloc(o.signatureLength ?? 64),
    Buffer.alloc(o.trailing ?? 0),
  ]);
}

/** @param {Parameters<typeof envelopeBytes>[0]} o */
export const envelope = (o) => ({ kind: 'envelope', envelope: envelopeBytes(o).toString('base64url') });

/**
 * Opens the event socket and collects its events.
 * @param {string} base
 * @param {string} token
 * @param {string} [after]
 */
export async function openFeed(base, token, after) {
  const url = new URL('/v1/events', base.replace(/^http/, 'ws'));
  url.searchParams.set('token', token);
  if (after !== undefined) url.searchParams.set('after', after);
  const socket = new WebSocket(url);
  /** @type {any[]} */
  const events = [];
  const closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data) => events.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    events,
    closed,
    /** @param {(events: any[]) => boolean} predicate */
    until: (predicate, ms = 3000) => until(() => predicate(events), ms),
    close: () => {
      socket.close();
      return closed;
    },
  };
}

/** Resolves once `predicate` holds; fails after `ms`. @param {() => boolean} predicate */
export async function until(predicate, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
