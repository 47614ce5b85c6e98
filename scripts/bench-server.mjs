// Load benchmark of the reference server (demo/server/main.mjs, or the module named by BM_SERVER_MODULE) on
// loopback: N WebSocket clients in threads of G participants, each subscribed to its event feed and sending
// plain text messages by HTTP POST, for S seconds. Writes .bench/server.json and exits non-zero if any
// delivery was lost or duplicated.
//
// Options:
//   --quick              50 clients for 10 s (default: 200 clients for 60 s)
//   --clients N          number of users, one WebSocket and one sender each
//   --seconds S          how long the clients send
//   --group-size G       participants per thread (default 5; 200 clients = 40 threads)
//   --in-flight K        unacknowledged POSTs allowed per client (default 1)
//   --rate R             send at a steady R messages/s per client instead of as fast as acknowledged; a tick
//                        that finds K messages in flight is skipped (and counted)
//   --drain MS           how long to wait after the last acknowledgement for deliveries (default 5000)
//   --in-process         run the server in this process instead of a child process
//   --server-options J   JSON merged into the startServer options (default raises the rate limit out of the way)
//
// Pacing: by default each client is a closed loop: it sends its next message as soon as the previous one is
// acknowledged (201), so at most K messages per client (N × K in all) are in flight. Throughput is then what
// the server sustains; latency is measured under that saturation. The send start (performance.now() of this
// process) is embedded in the message text; every participant's WebSocket, the sender's own included (the
// protocol echoes a message to its sender's feed), measures send start → receipt.
//
// Every client's HTTP connections are opened before the clock starts (the server accepts one new connection
// per event-loop turn, and under load a turn lasts as long as serving every ready connection); separately, one
// request at a time on a fresh connection measures what a newly arriving client waits while the load runs.
// Lost deliveries are (acknowledged message, participant) pairs not seen on that participant's WebSocket after
// the drain; a socket that closes is reopened with `after=<last cursor>`, as the widget does.
//
// By default the server runs in a child process so the load generator and the server do not share one event
// loop. On a 2-core machine the two processes then have one core each: the figures are a lower bound on what
// the server does on a core of its own, and the generator's own CPU and event-loop delay are printed so a
// saturated generator can be told from a saturated server.
import http from 'node:http';
import { fork, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const serverModule =
  process.env.BM_SERVER_MODULE ?? fileURLToPath(new URL('../demo/server/main.mjs', import.meta.url));

// What the bench passes to startServer besides port, host, dataDir and testHooks: the per-user and
// per-address token bucket (ratelimit.mjs) raised far above what the load can reach, so the bench measures the server's
// throughput, not its limiter.
const DEFAULT_SERVER_OPTIONS = { rateLimit: { perSecond: 1e9, burst: 1e9 } };

if (process.argv[2] === '--serve') await serve(JSON.parse(process.argv[3]));
else await main();

// ---------------------------------------------------------------------------------------------------------
// Child process: starts the server, reports its URL, answers CPU usage requests, closes on request.

async function serve(options) {
  const { startServer } = await import(pathToFileURL(serverModule).href);
  const server = await startServer(options);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'usage') process.send({ usage: usageNow() });
    else if (message === 'close') close();
  });
  process.on('disconnect', close);
  process.send({ url: server.url });
}

function usageNow() {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  // Linux: how long the main (JavaScript) thread was runnable but waiting for a CPU, in ms.
  let waitMs = null;
  try {
    waitMs = Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    // not Linux
  }
  return { cpuMs: (userCPUTime + systemCPUTime) / 1000, waitMs, maxRssMB: maxRSS / 1024, at: Date.now() };
}

// ---------------------------------------------------------------------------------------------------------
// Server start and stop.

async function startServerProcess(options, inProcess) {
  if (inProcess) {
    const { startServer } = await import(pathToFileURL(serverModule).href);
    const server = await startServer(options);
    return { url: server.url, usage: async () => usageNow(), close: () => server.close() };
  }
  const child = fork(fileURLToPath(import.meta.url), ['--serve', JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url));
    child.once('error', reject);
    exited.then((code) => reject(new Error(`server process exited with ${code} before listening`)));
  });
  return {
    url,
    usage: () =>
      new Promise((resolve) => {
        const onMessage = (m) => {
          if (!m.usage) return;
          child.off('message', onMessage);
          resolve(m.usage);
        };
        child.on('message', onMessage);
        child.send('usage');
      }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The benchmark.

async function main() {
  const { values } = parseArgs({
    strict: false, // `npm run bench -- <args>` passes the same arguments to every benchmark
    options: {
      quick: { type: 'boolean' },
      clients: { type: 'string' },
      seconds: { type: 'string' },
      'group-size': { type: 'string' },
      'in-flight': { type: 'string' },
      rate: { type: 'string' },
      drain: { type: 'string' },
      'in-process': { type: 'boolean' },
      'server-options': { type: 'string' },
    },
  });
  const quick = Boolean(values.quick);
  const config = {
    clients: Number(values.clients ?? (quick ? 50 : 200)),
    seconds: Number(values.seconds ?? (quick ? 10 : 60)),
    groupSize: Number(values['group-size'] ?? 5),
    inFlight: Number(values['in-flight'] ?? 1),
    rate: values.rate === undefined ? null : Number(values.rate),
    drainMs: Number(values.drain ?? 5000),
    inProcess: Boolean(values['in-process']),
  };
  for (const key of ['clients', 'seconds', 'groupSize', 'inFlight', 'drainMs']) {
    if (!(config[key] > 0)) throw new Error(`bench-server: ${key} must be a positive number`);
  }
  if (config.groupSize < 2) throw new Error('bench-server: --group-size must be at least 2');
  if (config.rate !== null && !(config.rate > 0)) throw new Error('bench-server: --rate must be positive');
  if (!existsSync(serverModule)) {
    console.error(`bench-server: no server module at ${serverModule}`);
    process.exit(1);
  }

  // Open sockets: per client one WebSocket and up to K keep-alive HTTP connections, on this side and (in
  // process) the server's; plus the server's own files.
  const sockets = config.clients * (1 + config.inFlight) * (config.inProcess ? 2 : 1);
  const limit = fdLimit();
  if (limit !== null && sockets + 200 > limit) {
    console.error(`bench-server: ${sockets} sockets would exceed the open-file limit (ulimit -n = ${limit})`);
    process.exit(1);
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'bm-bench-server-'));
  const serverOptions = {
    ...DEFAULT_SERVER_OPTIONS,
    ...(values['server-options'] ? JSON.parse(values['server-options']) : {}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    testHooks: true,
  };
  let server = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.clients * config.inFlight + 8 });
  const clients = [];
  let shuttingDown = false;
  const cleanup = async () => {
    shuttingDown = true;
    for (const client of clients) client.ws?.terminate();
    agent.destroy();
    await server?.close().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));

  let result;
  try {
    server = await startServerProcess(serverOptions, config.inProcess);
    result = await runLoad(server, config, agent, clients, () => shuttingDown);
  } finally {
    await cleanup();
  }
  report(result, config, quick, sockets, limit);
}

function fdLimit() {
  try {
    const out = execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim();
    return out === 'unlimited' ? null : Number(out);
  } catch {
    return null;
  }
}

/** One JSON request; resolves { status, headers, json } (json null when the body is not JSON). */
function request(agent, base, method, path, token, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const req = http.request(new URL(`/v1${path}`, base), { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        let json = null;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // not JSON (204 or a bug): left null
        }
        resolve({ status: res.statusCode, headers: res.headers, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function expectOk(responsePromise, what) {
  const response = await responsePromise;
  if (response.status >= 300) {
    throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.json)}`);
  }
  return response.json;
}

async function runLoad(server, config, agent, clients, isShuttingDown) {
  const base = server.url.endsWith('/') ? server.url : `${server.url}/`;
  const wsBase = base.replace(/^http/, 'ws');
  const api = (method, path, token, body) => request(agent, base, method, path, token, body);

  // Users and tokens through the test hook.
  const users = Array.from({ length: config.clients }, (_, i) => ({
    id: `bench-u${i}`,
    displayName: `Bench user ${i}`,
  }));
  const tokens = new Map();
  for (let i = 0; i < users.length; i += 100) {
    // the reference server takes at most 100 users a call
    const batch = { users: users.slice(i, i + 100) };
    const created = await expectOk(api('POST', '/test/users', null, batch), 'POST /v1/test/users');
    for (const u of created.users) tokens.set(u.id, u.token);
  }

  const stats = {
    acked: 0,
    repeats: 0, // 200 answers: a resend found the stored record
    retries: 0,
    retryReasons: new Map(),
    rateLimited: 0,
    failed: 0,
    failures: new Map(), // first few failure descriptions, counted
    skippedTicks: 0,
    delivered: 0, // unique (message, recipient) receipts
    duplicated: 0,
    outOfOrder: 0, // a thread's seq going backwards at one client
    unknown: 0, // message events for messages this run did not send
    reconnects: 0,
    latencies: new Float64Array(1 << 20),
    latencyCount: 0,
    ackLatencies: [],
    lastAckAt: 0,
    lastDeliveryAt: 0,
  };
  const noteFailure = (what) => {
    stats.failures.set(what, (stats.failures.get(what) ?? 0) + 1);
  };
  const addLatency = (ms) => {
    if (stats.latencyCount === stats.latencies.length) {
      const grown = new Float64Array(stats.latencies.length * 2);
      grown.set(stats.latencies);
      stats.latencies = grown;
    }
    stats.latencies[stats.latencyCount++] = ms;
  };

  // Messages this run sent, by clientId: { thread, t0, id } (id once acknowledged).
  const sent = new Map();
  const threads = [];

  for (let i = 0; i < config.clients; i++) {
    clients.push({
      index: i,
      id: users[i].id,
      token: tokens.get(users[i].id),
      thread: null,
      ws: null,
      cursor: null,
      received: new Set(), // message ids
      lastSeq: new Map(), // threadId → highest seq seen
      sentCount: 0,
      inFlight: 0,
      threadEvent: null,
    });
  }

  const onEvent = (client, data) => {
    let event;
    try {
      event = JSON.parse(data.toString('utf8'));
    } catch {
      return; // the protocol lets a client ignore frames it cannot parse
    }
    if (event.cursor !== undefined) client.cursor = event.cursor;
    if (event.type === 'thread') client.threadEvent?.(event.thread?.id);
    if (event.type !== 'message') return;
    const now = performance.now();
    const message = event.message;
    if (client.received.has(message.id)) {
      stats.duplicated++;
      return;
    }
    client.received.add(message.id);
    const last = client.lastSeq.get(message.threadId) ?? 0;
    if (message.seq <= last) stats.outOfOrder++;
    else client.lastSeq.set(message.threadId, message.seq);
    const match = /t0=([\d.]+)/.exec(message.body?.content?.text ?? '');
    if (!match || !sent.has(message.clientId)) {
      stats.unknown++;
      return;
    }
    stats.delivered++;
    stats.lastDeliveryAt = now;
    addLatency(now - Number(match[1]));
  };

  const connect = (client) =>
    new Promise((resolve, reject) => {
      const after = client.cursor === null ? '' : `&after=${encodeURIComponent(client.cursor)}`;
      const ws = new WebSocket(`${wsBase}v1/events?token=${encodeURIComponent(client.token)}${after}`, {
        perMessageDeflate: false,
      });
      client.ws = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        resolve();
      });
      ws.on('message', (data, isBinary) => {
        if (!isBinary) onEvent(client, data);
      });
      ws.on('error', (error) => {
        if (!opened) reject(error);
      });
      ws.on('close', (code) => {
        if (!opened) return reject(new Error(`WebSocket closed with ${code} before opening`));
        if (isShuttingDown() || client.ws !== ws) return;
        // Resume from the last cursor seen, as the widget does: what was missed arrives once.
        stats.reconnects++;
        reconnect(client);
      });
    });
  const reconnect = async (client) => {
    while (!isShuttingDown()) {
      await sleep(100);
      try {
        return await connect(client);
      } catch {
        // try again
      }
    }
  };

  // Every client subscribed before any thread or message exists.
  await Promise.all(clients.map(connect));

  // Threads of groupSize, created by their first member; each member's `thread` event proves its feed is live.
  for (let start = 0; start < clients.length; start += config.groupSize) {
    const members = clients.slice(start, start + config.groupSize);
    if (members.length < 2) {
      // a lone leftover user joins the previous thread instead of sitting alone
      threads.at(-1).members.push(...members);
      continue;
    }
    threads.push({ id: null, members });
  }
  const ready = [];
  for (const thread of threads) {
    for (const member of thread.members) {
      ready.push(
        new Promise((resolve) => {
          member.threadEvent = resolve;
        }),
      );
    }
  }
  await Promise.all(
    threads.map(async (thread, t) => {
      const [creator, ...others] = thread.members;
      const body = { title: `Bench thread ${t}`, participantIds: others.map((m) => m.id), encrypted: false };
      const created = await expectOk(api('POST', '/threads', creator.token, body), 'POST /v1/threads');
      thread.id = created.id;
      for (const member of thread.members) member.thread = thread;
    }),
  );
  const readyTimeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000));
  if ((await Promise.race([Promise.all(ready), readyTimeout])) === 'timeout') {
    console.warn('bench-server: not every client saw its thread event within 10 s; sending anyway');
  }
  for (const client of clients) client.threadEvent = null;

  // Open every HTTP connection the senders will use before the clock starts. Under saturation the server
  // accepts a new connection only once per event-loop turn (libuv accepts one connection per turn), and a
  // turn then lasts as long as serving every ready keep-alive connection, so connections opened during the
  // run would wait seconds: the probe below measures that separately.
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: config.inFlight }, () =>
        expectOk(api('GET', '/session', client.token), 'GET /v1/session'),
      ),
    ),
  );

  // Sending.
  const sendOne = async (client) => {
    const clientId = `${client.id}-m${client.sentCount++}`;
    const t0 = performance.now();
    const entry = { thread: client.thread, t0, id: null };
    sent.set(clientId, entry);
    const body = { clientId, body: { kind: 'plain', content: { type: 'text', text: `bench t0=${t0}` } } };
    const path = `/threads/${encodeURIComponent(client.thread.id)}/messages`;
    client.inFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        let response = null;
        let problem;
        try {
          response = await api('POST', path, client.token, body);
        } catch (error) {
          problem = `network ${error.code ?? error.message}`;
        }
        if (response && (response.status === 201 || response.status === 200)) {
          if (response.status === 200) stats.repeats++;
          entry.id = response.json.id;
          stats.acked++;
          const now = performance.now();
          stats.lastAckAt = now;
          stats.ackLatencies.push(now - t0);
          return;
        }
        if (response) {
          problem = `HTTP ${response.status} ${response.json?.error?.reason ?? ''}`.trim();
          if (response.status === 429) stats.rateLimited++;
        }
        const retriable = !response || response.status === 429 || response.status >= 500;
        if (!retriable || attempt >= 4) {
          stats.failed++;
          noteFailure(problem);
          return;
        }
        // Resend with the same clientId: the server stores it once (PROTOCOL.md 2.6, idempotency).
        stats.retries++;
        stats.retryReasons.set(problem, (stats.retryReasons.get(problem) ?? 0) + 1);
        const retryAfter = Number(response?.headers['retry-after']);
        await sleep(retryAfter > 0 ? Math.min(retryAfter * 1000, 2000) : 50 * 2 ** attempt);
      }
    } finally {
      client.inFlight--;
    }
  };

  const loopStats = monitorEventLoopDelay({ resolution: 10 });
  loopStats.enable();
  const cpuBefore = process.cpuUsage();
  const serverBefore = await server.usage();
  const loadBefore = loadavg()[0];
  const startedAt = performance.now();
  const endAt = startedAt + config.seconds * 1000;
  const progress = setInterval(() => {
    const s = (performance.now() - startedAt) / 1000;
    console.log(
      `  ${s.toFixed(0)} s: ${stats.acked} acknowledged (${(stats.acked / s).toFixed(0)}/s), ` +
        `${stats.delivered} delivered, ${stats.failed} failed, ${stats.reconnects} reconnects`,
    );
  }, 10_000);

  // One request at a time on a fresh connection, at most one a second: what a newly arriving user (or a
  // reconnecting WebSocket) meets while the server is loaded.
  const probeLatencies = [];
  const probeOnce = () =>
    new Promise((resolve) => {
      const begun = performance.now();
      const req = http.request(
        new URL('/v1/session', base),
        { headers: { authorization: `Bearer ${clients[0].token}` }, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => {
            probeLatencies.push(performance.now() - begun);
            resolve();
          });
        },
      );
      req.on('error', () => resolve());
      req.end();
    });
  const prober = (async () => {
    await sleep(1000);
    while (performance.now() < endAt - 500) {
      const begun = performance.now();
      await probeOnce();
      await sleep(Math.max(0, begun + 1000 - performance.now()));
    }
  })();

  const senders = [];
  if (config.rate === null) {
    for (const client of clients) {
      for (let k = 0; k < config.inFlight; k++) {
        senders.push(
          (async () => {
            while (performance.now() < endAt) await sendOne(client);
          })(),
        );
      }
    }
  } else {
    const interval = 1000 / config.rate;
    for (const client of clients) {
      senders.push(
        (async () => {
          const pending = [];
          // stagger the clients over one interval so the ticks do not arrive all at once
          let next = startedAt + (interval * client.index) / clients.length;
          while (next < endAt) {
            await sleep(Math.max(0, next - performance.now()));
            next += interval;
            if (client.inFlight >= config.inFlight) stats.skippedTicks++;
            else pending.push(sendOne(client));
          }
          await Promise.all(pending);
        })(),
      );
    }
  }
  await Promise.all(senders);
  const sendEndedAt = performance.now();

  // Drain: wait for every acknowledged message to reach every participant, up to drainMs.
  let expected = 0;
  for (const entry of sent.values()) if (entry.id !== null) expected += entry.thread.members.length;
  const countLost = () => {
    let lost = 0;
    const lostByClient = new Map();
    for (const entry of sent.values()) {
      if (entry.id === null) continue;
      for (const member of entry.thread.members) {
        if (!member.received.has(entry.id)) {
          lost++;
          lostByClient.set(member.id, (lostByClient.get(member.id) ?? 0) + 1);
        }
      }
    }
    return { lost, lostByClient };
  };
  const drainUntil = performance.now() + config.drainMs;
  while (performance.now() < drainUntil) {
    // `delivered` also counts messages whose POST failed yet were stored, so check exactly once it is enough
    if (stats.delivered >= expected && countLost().lost === 0) break;
    await sleep(stats.delivered >= expected ? 250 : 50);
  }
  const drainedAt = performance.now();
  clearInterval(progress);
  loopStats.disable();
  const cpuUsed = process.cpuUsage(cpuBefore);
  const serverAfter = await server.usage();
  const { lost, lostByClient } = countLost();
  await Promise.race([prober, sleep(30_000)]);
  probeLatencies.sort((a, b) => a - b);

  const latencies = stats.latencies.subarray(0, stats.latencyCount).sort();
  const ackLatencies = Float64Array.from(stats.ackLatencies).sort();
  const sendSeconds = (sendEndedAt - startedAt) / 1000;
  const deliverySeconds = ((stats.lastDeliveryAt || sendEndedAt) - startedAt) / 1000;
  return {
    threads: threads.length,
    acked: stats.acked,
    attempted: sent.size,
    failed: stats.failed,
    failures: stats.failures,
    repeats: stats.repeats,
    retries: stats.retries,
    retryReasons: stats.retryReasons,
    rateLimited: stats.rateLimited,
    skippedTicks: stats.skippedTicks,
    expected,
    delivered: stats.delivered,
    lost,
    lostByClient,
    duplicated: stats.duplicated,
    outOfOrder: stats.outOfOrder,
    unknown: stats.unknown,
    reconnects: stats.reconnects,
    ackedPerSecond: stats.acked / sendSeconds,
    deliveriesPerSecond: stats.delivered / deliverySeconds,
    latency: {
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.length ? latencies[latencies.length - 1] : NaN,
    },
    ack: { p50: quantile(ackLatencies, 0.5), p99: quantile(ackLatencies, 0.99) },
    probe: {
      count: probeLatencies.length,
      p50: quantile(probeLatencies, 0.5),
      max: probeLatencies.length ? probeLatencies[probeLatencies.length - 1] : NaN,
    },
    sendSeconds,
    drainSeconds: (drainedAt - sendEndedAt) / 1000,
    generatorCpu: (cpuUsed.user + cpuUsed.system) / 1000 / (drainedAt - startedAt),
    generatorLoopDelayP99: loopStats.percentile(99) / 1e6,
    serverCpu: (serverAfter.cpuMs - serverBefore.cpuMs) / (serverAfter.at - serverBefore.at),
    serverWaitingForCpu:
      serverAfter.waitMs === null
        ? null
        : (serverAfter.waitMs - serverBefore.waitMs) / (serverAfter.at - serverBefore.at),
    serverMaxRssMB: serverAfter.maxRssMB,
    load: [loadBefore, loadavg()[0]],
  };
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------------------
// Output.

function report(r, config, quick, sockets, limit) {
  const pacing =
    config.rate === null
      ? `as fast as acknowledged, ${config.inFlight} in flight per client`
      : `${config.rate} msg/s per client, at most ${config.inFlight} in flight`;
  const setup = `${config.clients} clients, ${r.threads} threads of ~${config.groupSize}, ${config.seconds} s`;
  const rows = [
    {
      name: `messages acknowledged per second (${setup}; ${pacing})`,
      value: r.ackedPerSecond,
      unit: 'msg/s',
    },
    {
      name: 'deliveries per second (every participant, sender included)',
      value: r.deliveriesPerSecond,
      unit: '/s',
    },
    { name: 'delivery latency p50 (send start → WebSocket receipt)', value: r.latency.p50, unit: 'ms' },
    { name: 'delivery latency p99', value: r.latency.p99, unit: 'ms' },
    { name: 'delivery latency max', value: r.latency.max, unit: 'ms' },
    { name: 'POST acknowledgement latency p50', value: r.ack.p50, unit: 'ms' },
    { name: 'POST acknowledgement latency p99', value: r.ack.p99, unit: 'ms' },
    {
      name: `new connection under load: GET /v1/session p50 (${r.probe.count} probes)`,
      value: r.probe.p50,
      unit: 'ms',
    },
    { name: 'new connection under load: GET /v1/session max', value: r.probe.max, unit: 'ms' },
    { name: 'messages acknowledged', value: r.acked, unit: 'messages' },
    { name: 'deliveries received', value: r.delivered, unit: 'deliveries' },
    { name: 'deliveries expected (acknowledged × participants)', value: r.expected, unit: 'deliveries' },
    { name: 'sends failed after retries', value: r.failed, unit: 'messages' },
    {
      name: `lost deliveries (not received ${config.drainMs / 1000} s after the last acknowledgement)`,
      value: r.lost,
      unit: 'deliveries',
      target: '= 0',
      ok: r.lost === 0,
    },
    {
      name: 'duplicated deliveries (same message id twice at one client)',
      value: r.duplicated,
      unit: 'deliveries',
      target: '= 0',
      ok: r.duplicated === 0,
    },
  ];

  mkdirSync('.bench', { recursive: true });
  writeFileSync(
    '.bench/server.json',
    JSON.stringify(
      {
        quick,
        config: {
          ...config,
          serverProcess: config.inProcess ? 'in-process' : 'child process',
          cores: cpus().length,
          loadAverage: r.load,
        },
        rows,
      },
      null,
      2,
    ),
  );

  const fmt = (v) =>
    Number.isInteger(v)
      ? String(v)
      : Number.isFinite(v)
        ? Math.abs(v) >= 100
          ? v.toFixed(0)
          : v.toFixed(2)
        : '-';
  const table = rows.map((row) => [
    row.name,
    fmt(row.value),
    row.unit,
    row.target ?? '',
    row.ok === undefined ? '' : row.ok ? 'ok' : 'MISS',
  ]);
  const header = ['measure', 'value', 'unit', 'target', 'ok'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  console.log(
    `\nbench-server: ${setup}; ${pacing}; server in ${config.inProcess ? 'this process' : 'a child process'}`,
  );
  for (const row of [header, ...table]) {
    console.log(
      `| ${row.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`,
    );
  }
  const pct = (x) => `${(x * 100).toFixed(0)}%`;
  const loopDelay = `event-loop delay p99 ${r.generatorLoopDelayP99.toFixed(1)} ms`;
  console.log(
    `\n${cpus().length} cores, 1-minute load average ${r.load[0].toFixed(1)} before the run and ` +
      `${r.load[1].toFixed(1)} after (other work on the machine skews every figure). ` +
      (config.inProcess
        ? `CPU over the run: server and load generator together ${pct(r.generatorCpu)} of a core (${loopDelay}, ` +
          `max RSS ${r.serverMaxRssMB.toFixed(0)} MB). They share one event loop: latency includes the ` +
          'generator’s own work.'
        : `CPU over the run: server ${pct(r.serverCpu)} of a core` +
          (r.serverWaitingForCpu === null
            ? ''
            : `, runnable but waiting for a CPU ${pct(r.serverWaitingForCpu)} of the time`) +
          ` (max RSS ${r.serverMaxRssMB.toFixed(0)} MB), ` +
          `load generator ${pct(r.generatorCpu)} (${loopDelay}).` +
          (cpus().length <= 2
            ? ' On 2 cores the server and the generator need one each: anything else running slows both, and a generator near 100% inflates latency.'
            : '')),
  );
  console.log(
    `sent ${r.attempted}, acknowledged ${r.acked} over ${r.sendSeconds.toFixed(1)} s (${r.repeats} answered as ` +
      `repeats, ${r.retries} retries, ${r.rateLimited} rate-limited), drain ${r.drainSeconds.toFixed(1)} s, ` +
      `${r.reconnects} WebSocket reconnects, ${r.outOfOrder} out-of-order, ${r.unknown} unrecognised; ` +
      `${sockets} client sockets (ulimit -n ${limit ?? 'unlimited'})` +
      (config.rate === null ? '' : `; ${r.skippedTicks} ticks skipped at the in-flight limit`),
  );
  for (const [what, n] of r.retryReasons) console.log(`  retried: ${what} × ${n}`);
  for (const [what, n] of r.failures) console.log(`  failed: ${what} × ${n}`);
  if (r.lost) {
    const worst = [...r.lostByClient].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`  lost at: ${worst.map(([id, n]) => `${id} × ${n}`).join(', ')}`);
  }
  console.log('written: .bench/server.json');

  if (r.acked === 0) {
    console.error('bench-server: no message was acknowledged');
    process.exit(1);
  }
  process.exit(r.lost || r.duplicated ? 1 : 0);
}
