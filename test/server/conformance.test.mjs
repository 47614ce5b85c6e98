// The conformance suite against the reference server (demo/server/main.mjs), in-process: the server passes
// every check, and a server broken on purpose (a proxy in front of it that breaks one rule) fails the check
// that names that rule while the rest of the suite still runs to the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allChecks, runConformance } from '../../scripts/conformance.mjs';

const serverModule = fileURLToPath(new URL('../../demo/server/main.mjs', import.meta.url));
const MAX_UPLOAD = 64 * 1024;

const IDEMPOTENCY = 'messages: the same clientId sent 10 times in parallel stores one record';
const REPEAT = 'messages: a repeated clientId answers 200 with the stored record, whatever the new body';
const NOSNIFF = 'blobs: a download carries octet-stream, nosniff, attachment, no-store and content-length';

/**
 * A proxy in front of `upstream` that breaks one rule. `rewriteRequest(req, body)` may return a new body for a
 * request; `rewriteHeaders(req, headers)` may change a response's headers. WebSockets pass through untouched.
 */
function breakingProxy(upstream, { rewriteRequest, rewriteHeaders } = {}) {
  const target = new URL(upstream);
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    let body = Buffer.concat(chunks);
    body = rewriteRequest?.(req, body) ?? body;
    const headers = { ...req.headers, host: target.host };
    if (req.headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
    const forward = http.request(
      new URL(req.url, upstream),
      { method: req.method, headers },
      (upstreamRes) => {
        const out = { ...upstreamRes.headers };
        rewriteHeaders?.(req, out);
        res.writeHead(upstreamRes.statusCode ?? 502, out);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'server', reason: 'proxy', message: 'upstream failed' } }));
    });
    forward.end(body);
  });
  const pairs = new Set();
  server.on('upgrade', (req, client, head) => {
    const socket = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? target.host : req.rawHeaders[i + 1]}`);
      }
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) socket.write(head);
      socket.pipe(client);
      client.pipe(socket);
    });
    const pair = { client, socket };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      socket.destroy();
    };
    client.on('error', drop).on('close', drop);
    socket.on('error', drop).on('close', drop);
  });
  return {
    listen: () =>
      new Promise((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)),
      ),
    close() {
      for (const { client, socket } of pairs) {
        client.destroy();
        socket.destroy();
      }
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs the suite quietly, keeping its lines for the failure message. */
async function run(url) {
  const lines = [];
  const outcome = await runConformance({ url, log: (line) => lines.push(line) });
  return { ...outcome, output: lines.join('\n') };
}

const failedNames = (outcome) => outcome.results.filter((r) => !r.ok).map((r) => `${r.area}: ${r.what}`);

describe('conformance suite against the reference server', () => {
  let server;
  let dataDir;
  const proxies = [];

  before(async () => {
    const { startServer } = await import(pathToFileURL(serverModule).href);
    dataDir = await mkdtemp(join(tmpdir(), 'bm-conformance-'));
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      testHooks: true,
      maxUploadBytes: MAX_UPLOAD,
    });
  });

  after(async () => {
    for (const proxy of proxies) await proxy.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the reference server passes every check', { timeout: 180000 }, async () => {
    const outcome = await run(server.url);
    assert.equal(outcome.failed, 0, outcome.output);
    assert.equal(outcome.passed, allChecks.length, outcome.output);
    assert.ok(allChecks.length >= 40, `only ${allChecks.length} checks`);
  });

  test(
    'the suite runs twice against one server (users are unique per run)',
    { timeout: 180000 },
    async () => {
      const outcome = await runConformance({ url: server.url, log: () => {}, only: 'threads' });
      assert.equal(outcome.failed, 0, JSON.stringify(outcome.results.filter((r) => !r.ok)));
    },
  );

  test('a server that drops idempotency fails the idempotency checks', { timeout: 180000 }, async () => {
    // Every plain message gets a fresh clientId on the way in, so repeats become new records.
    const proxy = breakingProxy(server.url, {
      rewriteRequest(req, body) {
        if (req.method !== 'POST' || !/\/messages$/.test(new URL(req.url, 'http://x').pathname)) return null;
        const json = JSON.parse(body.toString('utf8'));
        if (json?.body?.kind !== 'plain') return null;
        return Buffer.from(
          JSON.stringify({ ...json, clientId: `rewritten-${randomBytes(6).toString('hex')}` }),
        );
      },
    });
    proxies.push(proxy);
    const outcome = await run(await proxy.listen());
    const failed = failedNames(outcome);
    assert.ok(failed.includes(IDEMPOTENCY), `"${IDEMPOTENCY}" did not fail:\n${outcome.output}`);
    assert.ok(failed.includes(REPEAT), `"${REPEAT}" did not fail:\n${outcome.output}`);
    assert.equal(outcome.results.length, allChecks.length, 'the suite stopped before its end');
    assert.match(outcome.output, new RegExp(`\\d+ passed, ${outcome.failed} failed$`));
    assert.ok(!failed.includes(NOSNIFF), 'an unrelated check failed');
  });

  test(
    'a server that drops nosniff from blob downloads fails exactly the header check',
    { timeout: 180000 },
    async () => {
      const proxy = breakingProxy(server.url, {
        rewriteHeaders(req, headers) {
          if (req.method === 'GET' && /\/blobs\/[^/]+$/.test(new URL(req.url, 'http://x').pathname)) {
            delete headers['x-content-type-options'];
          }
        },
      });
      proxies.push(proxy);
      const outcome = await run(await proxy.listen());
      assert.deepEqual(failedNames(outcome), [NOSNIFF], outcome.output);
      const line = outcome.output.split('\n').find((l) => l.startsWith(`FAIL ${NOSNIFF}`));
      assert.match(line ?? '', /x-content-type-options/, 'the failure does not say which header');
      assert.equal(outcome.results.length, allChecks.length, 'the suite stopped before its end');
    },
  );
});

describe('conformance suite without a backend', () => {
  test('says the test hook is off when POST /v1/test/users is 404', async () => {
    const bare = http.createServer((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not-found', reason: 'unknown-route', message: 'No route' } }));
    });
    await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const lines = [];
      const outcome = await runConformance({
        url: `http://127.0.0.1:${bare.address().port}`,
        log: (line) => lines.push(line),
      });
      assert.equal(outcome.passed, 0);
      assert.equal(outcome.failed, 1);
      assert.match(lines[0], /^FAIL setup: .*test hook is off/);
      assert.equal(lines.at(-1), '0 passed, 1 failed');

      // the command line says the same and exits 1
      const script = fileURLToPath(new URL('../../scripts/conformance.mjs', import.meta.url));
      const cli = await new Promise((resolve) =>
        execFile(
          process.execPath,
          [script, '--url', `http://127.0.0.1:${bare.address().port}`],
          (error, stdout) => resolve({ code: error?.code ?? 0, stdout }),
        ),
      );
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /^FAIL setup: .*test hook is off.*\n0 passed, 1 failed\n$/s);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});
