// web-test-runner plugin: lets browser tests start and stop the reference server on 127.0.0.1 through
// `executeServerCommand` from '@web/test-runner-commands', and inject faults.
//
// Each started server sits behind a small proxy owned by this plugin, so the tests get one stable URL across
// restarts and can cut or refuse WebSockets whatever hooks the server itself offers. The proxy also answers
// CORS (the test page's origin is the test runner's, not the server's) where the server does not.
//
// Commands (payload → result):
//   bm-server-start    { maxUploadBytes?, refuseWebSocket? } → { url, id } | { unavailable: reason }
//   bm-server-stop     { id } → true
//   bm-server-restart  { id, downMs? } → { url }   (same data dir, same front URL)
//   bm-server-cut-websockets { id } → { cut: n }   (terminates every live WebSocket mid-stream)
//   bm-server-refuse-websockets { id, refuse } → true   (upgrades answered 403 while set)
//
// The server module is `demo/server/main.mjs` (exporting `startServer(options) → { url, close() }`), or the one
// named by BM_SERVER_MODULE.
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const defaultModule = fileURLToPath(new URL('../demo/server/main.mjs', import.meta.url));

async function loadStartServer() {
  const path = process.env.BM_SERVER_MODULE ?? defaultModule;
  if (!existsSync(path)) return { unavailable: `no server module at ${path}` };
  const module = await import(pathToFileURL(path).href);
  if (typeof module.startServer !== 'function') return { unavailable: `${path} exports no startServer` };
  return { startServer: module.startServer };
}

const CORS_HEADERS = {
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-bm-nonce',
  'access-control-max-age': '600',
};

/** A proxy from a fixed 127.0.0.1 port to the current upstream, with switches for WebSocket faults. */
function createProxy() {
  const state = { upstream: null, refuseWebSocket: false, sockets: new Set() };

  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && origin) {
      res.writeHead(204, { 'access-control-allow-origin': origin, vary: 'origin', ...CORS_HEADERS });
      return res.end();
    }
    if (!state.upstream) {
      res.writeHead(502, {
        'access-control-allow-origin': origin ?? '*',
        'content-type': 'application/json',
      });
      return res.end(JSON.stringify({ error: { code: 'server', reason: 'upstream-down', message: 'Down' } }));
    }
    const target = new URL(req.url, state.upstream);
    const forward = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (upstreamRes) => {
        const headers = { ...upstreamRes.headers };
        if (origin && !headers['access-control-allow-origin']) {
          headers['access-control-allow-origin'] = origin;
          headers.vary = 'origin';
        }
        res.writeHead(upstreamRes.statusCode ?? 502, headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'access-control-allow-origin': origin ?? '*' });
      res.end();
    });
    req.on('aborted', () => forward.destroy());
    req.pipe(forward);
  });

  server.on('upgrade', (req, client, head) => {
    if (state.refuseWebSocket || !state.upstream) {
      client.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const target = new URL(state.upstream);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? target.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const pair = { client, upstream };
    state.sockets.add(pair);
    const drop = () => {
      state.sockets.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });

  return {
    state,
    listen: () =>
      new Promise((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)),
      ),
    cutWebSockets() {
      const n = state.sockets.size;
      for (const { client, upstream } of state.sockets) {
        client.destroy();
        upstream.destroy();
      }
      state.sockets.clear();
      return n;
    },
    close() {
      this.cutWebSockets();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function serverPlugin() {
  const running = new Map();
  let nextId = 1;

  async function start(payload = {}) {
    const loaded = await loadStartServer();
    if (loaded.unavailable) return { unavailable: loaded.unavailable };
    const dataDir = await mkdtemp(join(tmpdir(), 'bm-server-'));
    const serverOptions = { port: 0, host: '127.0.0.1', dataDir, testHooks: true };
    if (payload.maxUploadBytes !== undefined) serverOptions.maxUploadBytes = payload.maxUploadBytes;
    const upstream = await loaded.startServer(serverOptions);
    const proxy = createProxy();
    proxy.state.upstream = upstream.url;
    proxy.state.refuseWebSocket = Boolean(payload.refuseWebSocket);
    const url = await proxy.listen();
    const id = String(nextId++);
    running.set(id, { upstream, proxy, dataDir, serverOptions, startServer: loaded.startServer, url });
    return { url, id };
  }

  function get(id) {
    const entry = running.get(String(id));
    if (!entry) throw new Error(`bm-server: no running server ${id}`);
    return entry;
  }

  async function stop(id) {
    const entry = running.get(String(id));
    if (!entry) return true;
    running.delete(String(id));
    await entry.proxy.close();
    await entry.upstream.close();
    await rm(entry.dataDir, { recursive: true, force: true });
    return true;
  }

  async function restart({ id, downMs = 0 }) {
    const entry = get(id);
    entry.proxy.state.upstream = null;
    entry.proxy.cutWebSockets();
    await entry.upstream.close();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    entry.upstream = await entry.startServer(entry.serverOptions);
    entry.proxy.state.upstream = entry.upstream.url;
    return { url: entry.url };
  }

  return {
    name: 'bm-server',
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'bm-server-start':
          return start(payload);
        case 'bm-server-stop':
          return stop(payload?.id);
        case 'bm-server-restart':
          return restart(payload);
        case 'bm-server-cut-websockets':
          return { cut: get(payload.id).proxy.cutWebSockets() };
        case 'bm-server-refuse-websockets':
          get(payload.id).proxy.state.refuseWebSocket = Boolean(payload.refuse);
          return true;
        default:
          return undefined; // not ours: another plugin may handle it
      }
    },
    async serverStop() {
      await Promise.all([...running.keys()].map((id) => stop(id)));
    },
  };
}
