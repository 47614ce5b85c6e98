// `npm start`: builds the widget, then serves the demo site (scripts/lib/demo-site.mjs): the reference server on
// port 8787 with its data in ./data, and the pages on port 5173 (or the next free one).
import { run } from './lib/run.mjs';
import { startDemoSite } from './lib/demo-site.mjs';

await run('node', ['scripts/build.mjs']);

const site = await startDemoSite({
  port: Number(process.env.PORT ?? 5173),
  serverPort: Number(process.env.BM_SERVER_PORT ?? 8787),
  dataDir: './data',
  // The demo page creates its two people through the test hook (PROTOCOL.md 2.12). The server listens on
  // 127.0.0.1 only; a real deployment runs `npm run server` without `--test-hooks`.
  testHooks: true,
});
console.log(`reference server: ${site.serverUrl}`);
console.log(`\nbm-secure-chat demo: ${new URL('demo/', site.url)}\n`);

async function shutdown() {
  await site.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
