#!/usr/bin/env node
// The backend conformance suite: checks a live backend against PROTOCOL.md Part 2 (the wire protocol).
//
//   npm run conformance -- --url http://127.0.0.1:8787 [--role <role>] [--only <area>]
//
// Prints one line per check (`ok   <area>: <what>` or `FAIL <area>: <what> — <why>`) and `N passed, M failed`;
// exits 1 on any failure. It creates its own users through the test hook (`POST /v1/test/users`, PROTOCOL.md
// 2.12) with ids unique to the run, so it may run again and again against one backend. In-process:
//
//   import { runConformance } from './scripts/conformance.mjs';
//   const { passed, failed, results } = await runConformance({ url, log });
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Backend, CheckFailure } from './conformance/lib.mjs';
import { checks as sessionChecks } from './conformance/session.mjs';
import { checks as errorChecks } from './conformance/errors.mjs';
import { checks as threadChecks } from './conformance/threads.mjs';
import { checks as messageChecks } from './conformance/messages.mjs';
import { checks as envelopeChecks } from './conformance/envelopes.mjs';
import { checks as keyChecks } from './conformance/keys.mjs';
import { checks as linkChecks } from './conformance/links.mjs';
import { checks as blobChecks } from './conformance/blobs.mjs';
import { checks as readChecks } from './conformance/read.mjs';
import { checks as eventChecks } from './conformance/events.mjs';
import { finalChecks } from './conformance/errors.mjs';

/** Every check, in the order they run. The last ones audit what the others saw. */
export const allChecks = [
  ...sessionChecks,
  ...errorChecks,
  ...threadChecks,
  ...messageChecks,
  ...envelopeChecks,
  ...keyChecks,
  ...linkChecks,
  ...blobChecks,
  ...readChecks,
  ...eventChecks,
  ...finalChecks,
];

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

/** Creates the run's users through the test hook; throws a CheckFailure that says what is wrong. */
async function createUsers(backend, role) {
  const run = `cf-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const wanted = USERS.map((name) => ({
    id: `${run}-${name}`,
    displayName: `Conformance ${name[0].toUpperCase()}${name.slice(1)}`,
    ...(role ? { role } : {}),
  }));
  let answer;
  try {
    answer = await backend.request('POST', '/test/users', { json: { users: wanted } });
  } catch (error) {
    throw new CheckFailure(`cannot reach ${backend.base}: ${error.cause?.message ?? error.message}`);
  }
  if (answer.status === 404) {
    throw new CheckFailure(
      'the test hook is off (POST /v1/test/users answered 404): start the backend with its test hooks on ' +
        '(the reference server: --test-hooks); the suite needs it to create its own users',
    );
  }
  const body = answer.body([200, 201]);
  const tokens = new Map((body?.users ?? []).map((u) => [u.id, u.token]));
  const users = {};
  for (const [i, name] of USERS.entries()) {
    const token = tokens.get(wanted[i].id);
    if (typeof token !== 'string' || !token) {
      throw new CheckFailure(
        `POST /v1/test/users gave no token for ${wanted[i].id}: ${answer.text.slice(0, 200)}`,
      );
    }
    users[name] = { ...wanted[i], token };
  }
  return { run, users };
}

/** The context every check receives: the backend, the run's users and a client per user. */
async function makeContext(backend, role) {
  const { run, users } = await createUsers(backend, role);
  const t = { backend, run, users, role };
  for (const name of USERS) t[name] = backend.as(users[name]);
  const session = await t.alice.get('/session');
  t.session = session.status === 200 ? session.json : null;
  t.caps = t.session?.capabilities ?? {};

  /** Creates a thread as `creator` with `others`, expecting 201. */
  t.thread = async (creator, others = [], { encrypted = false, title } = {}) => {
    const answer = await creator.post('/threads', {
      json: { title: title ?? `Conformance ${run}`, participantIds: others.map((c) => c.user.id), encrypted },
    });
    const thread = answer.body(201);
    if (!encrypted || thread.encrypted) return thread;
    throw new CheckFailure(`POST /threads with encrypted: true answered encrypted: ${thread.encrypted}`);
  };
  /** An encrypted thread, created plain and switched on if the backend refuses to create it encrypted. */
  t.encryptedThread = async (creator, others = []) => {
    if (t.caps.encryptionEnabled === false || t.caps.canStartEncryptedThreads === false) {
      throw new CheckFailure(
        'the test users may not start encrypted threads (capabilities say so); run with --role <a role that may>',
      );
    }
    return t.thread(creator, others, { encrypted: true });
  };
  /** Sends a message, expecting 201, and returns the stored record. */
  t.send = async (sender, threadId, body, clientId) => {
    const answer = await sender.post(`/threads/${threadId}/messages`, { json: { clientId, body } });
    return answer.body(201);
  };
  return t;
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailure(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the suite against `url` (the backend's endpoint; `/v1` is appended). `log` receives each line.
 * Resolves `{ passed, failed, results: [{ area, what, ok, why? }] }`; never throws for a backend's fault.
 */
export async function runConformance({ url, log = console.log, role, only } = {}) {
  if (!url) throw new Error('runConformance: url is required');
  const backend = new Backend(url);
  const results = [];
  const record = (area, what, ok, why) => {
    results.push(ok ? { area, what, ok } : { area, what, ok, why });
    log(ok ? `ok   ${area}: ${what}` : `FAIL ${area}: ${what} — ${why}`);
  };

  let t;
  try {
    t = await makeContext(backend, role);
  } catch (error) {
    record('setup', 'create the run’s users through the test hook', false, error.message);
  }
  if (t) {
    const selected = allChecks.filter((c) => !only || c.area === only);
    for (const c of selected) {
      try {
        await withTimeout(
          Promise.resolve().then(() => c.run(t)),
          c.timeoutMs,
        );
        record(c.area, c.what, true);
      } catch (error) {
        const why =
          error instanceof CheckFailure
            ? error.message
            : `${error?.name ?? 'Error'}: ${error?.cause?.message ?? error?.message ?? error}`;
        record(c.area, c.what, false, why);
      }
    }
    if (backend.rateLimited)
      log(`(the backend rate-limited ${backend.rateLimited} requests; they were retried)`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`${passed} passed, ${failed} failed`);
  return { passed, failed, results };
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s) : [null];
    if (!['url', 'role', 'only'].includes(name)) {
      if (arg === '--help' || arg === '-h') return { help: true };
      throw new Error(`unknown argument ${arg}`);
    }
    options[name] = inline ?? argv[++i];
  }
  return options;
}

const usage = 'usage: npm run conformance -- --url http://127.0.0.1:8787 [--role <role>] [--only <area>]';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  options.url ??= process.env.BM_CONFORMANCE_URL;
  if (options.help || !options.url) {
    console.error(usage);
    process.exit(options.help ? 0 : 2);
  }
  const { failed } = await runConformance(options);
  process.exit(failed > 0 ? 1 : 0);
}
