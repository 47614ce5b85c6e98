// The command line of the reference server:
//
//   node demo/server/main.mjs [--port 8787] [--host 127.0.0.1] [--data ./data] [--test-hooks] [--roles file]
//        [--max-upload-bytes n] [--max-message-bytes n] [--retention-days n] [--rate-limit perSecond,burst]
//        [--webhook-url url] [--allowed-origin origin ...] [--secure-cookies] [--log]
//   node demo/server/main.mjs add-user --data ./data --id alice --name Alice [--role partner] [--assigned a,b]
//
// The first starts the server, prints its URL and stops gracefully on SIGINT or SIGTERM; the second creates
// (or resets) a user and prints their bearer token.
import { Auth } from './auth.mjs';
import { openDatabase } from './db.mjs';
import { DEFAULT_ROLES_FILE, RoleMatrix } from './roles.mjs';
import { startServer } from './server.mjs';
import { isId } from './util.mjs';

const FLAGS = new Set(['--test-hooks', '--secure-cookies', '--log']);

/** @param {string[]} argv */
export function parseArgs(argv) {
  /** @type {Record<string, string | true | string[]>} */
  const args = {};
  /** @type {string[]} */
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (FLAGS.has(name)) {
      args[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--allowed-origin') args[name] = [.../** @type {string[]} */ (args[name] ?? []), value];
    else args[name] = value;
  }
  return { args, positional };
}

/** @param {string | true | string[] | undefined} value @param {string} name */
function number(value, name) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

/** @param {Record<string, string | true | string[]>} args */
export function serverOptions(args) {
  const known = new Set([
    '--port',
    '--host',
    '--data',
    '--test-hooks',
    '--roles',
    '--max-upload-bytes',
    '--max-message-bytes',
    '--retention-days',
    '--rate-limit',
    '--webhook-url',
    '--allowed-origin',
    '--secure-cookies',
    '--log',
  ]);
  for (const name of Object.keys(args)) if (!known.has(name)) throw new Error(`Unknown option ${name}`);
  let rateLimit;
  if (typeof args['--rate-limit'] === 'string') {
    const [perSecond, burst] = args['--rate-limit'].split(',').map(Number);
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('--rate-limit is perSecond,burst');
    rateLimit = { perSecond, burst };
  }
  return {
    port: number(args['--port'], '--port') ?? 8787,
    host: /** @type {string | undefined} */ (args['--host']) ?? '127.0.0.1',
    dataDir: /** @type {string | undefined} */ (args['--data']) ?? './data',
    testHooks: args['--test-hooks'] === true,
    rolesFile: /** @type {string | undefined} */ (args['--roles']) ?? DEFAULT_ROLES_FILE,
    maxUploadBytes: number(args['--max-upload-bytes'], '--max-upload-bytes'),
    maxMessageBytes: number(args['--max-message-bytes'], '--max-message-bytes'),
    retentionDays: number(args['--retention-days'], '--retention-days') ?? null,
    rateLimit,
    webhookUrl: /** @type {string | undefined} */ (args['--webhook-url']) ?? null,
    allowedOrigins: /** @type {string[] | undefined} */ (args['--allowed-origin']) ?? [],
    secureCookies: args['--secure-cookies'] === true,
    log: args['--log'] === true,
  };
}

/** @param {Record<string, string | true | string[]>} args */
function addUser(args) {
  const id = args['--id'];
  const name = args['--name'];
  const role = args['--role'];
  if (!isId(id) || typeof name !== 'string' || name === '') throw new Error('add-user needs --id and --name');
  const roles = RoleMatrix.load(typeof args['--roles'] === 'string' ? args['--roles'] : DEFAULT_ROLES_FILE);
  if (role !== undefined && (typeof role !== 'string' || !roles.has(role)))
    throw new Error(`Unknown role ${role}`);
  const assigned =
    typeof args['--assigned'] === 'string' ? args['--assigned'].split(',').filter(Boolean) : [];
  if (!assigned.every(isId)) throw new Error('--assigned is a comma-separated list of user ids');
  const db = openDatabase(typeof args['--data'] === 'string' ? args['--data'] : './data');
  try {
    const token = db.transaction(() =>
      new Auth(db).issueUser({ id, displayName: name, role: role ?? null, assigned }),
    )();
    process.stdout.write(`${token}\n`);
  } finally {
    db.close();
  }
}

/** @param {string[]} argv */
export async function runCli(argv) {
  const { args, positional } = parseArgs(argv);
  if (positional[0] === 'add-user') return addUser(args);
  if (positional.length > 0) throw new Error(`Unknown command ${positional[0]}`);
  const server = await startServer(serverOptions(args));
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await server.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Printed once the signal handlers are in place: whoever reads the URL may stop the server at once.
  process.stdout.write(`bm-secure-chat reference server listening on ${server.url}\n`);
}
