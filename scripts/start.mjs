// `npm start`: builds the widget, starts the reference server (when present) and serves the demo site.
import { existsSync } from 'node:fs';
import { createServer } from 'vite';
import { run } from './lib/run.mjs';

const host = '127.0.0.1';
const port = Number(process.env.PORT ?? 5173);

await run('node', ['scripts/build.mjs']);

let backend = null;
if (existsSync('demo/server/main.mjs')) {
  const { startServer } = await import('../demo/server/main.mjs');
  if (typeof startServer === 'function') {
    backend = await startServer({
      port: Number(process.env.BM_SERVER_PORT ?? 8787),
      dataDir: './data',
      host,
      // The demo page creates its two people through the test hook (PROTOCOL.md 2.12). This server listens
      // on 127.0.0.1 only; a real deployment runs `npm run server` without `--test-hooks`.
      testHooks: true,
    });
    console.log(`reference server: ${backend.url}`);
  }
}

const vite = await createServer({
  configFile: false,
  root: '.',
  server: { host, port, strictPort: false, open: false },
  appType: 'mpa',
  define: { __BM_SERVER_URL__: JSON.stringify(backend?.url ?? null) },
});
await vite.listen();
const url = vite.resolvedUrls?.local[0] ?? `http://${host}:${port}/`;
console.log(`\nbm-secure-chat demo: ${new URL('demo/', url)}\n`);

async function shutdown() {
  await vite.close();
  await backend?.close?.();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
