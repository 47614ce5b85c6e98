// The demo site: the reference server (demo/server/) and Vite's dev server over the repository, on 127.0.0.1.
// `npm start` and the end-to-end tests (test/e2e/) start it through `startDemoSite`. It builds nothing; a caller
// that needs dist/ runs scripts/build.mjs first. Pages reach the server through the `__BM_SERVER_URL__` define.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { startServer } from '../../demo/server/main.mjs';
import { demoPages } from './demo-pages.mjs';

const host = '127.0.0.1';
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * @param {object} [options]
 * @param {number} [options.port] the site's port; 0 picks a free one (a busy port moves on to the next)
 * @param {number} [options.serverPort] the reference server's port; 0 picks a free one
 * @param {string} [options.dataDir] the server's data folder; without one, a temporary folder removed on close
 * @param {boolean} [options.testHooks] offer POST /v1/test/users (PROTOCOL.md 2.12); 127.0.0.1 only
 * @param {boolean} [options.quiet] no Vite or request output
 * @param {boolean} [options.watch] reload open pages when a source file changes; tests turn it off, so that an
 *   edit elsewhere in the checkout does not reload a page mid-test
 * @param {import('vite').PluginOption[]} [options.plugins] more Vite plugins (e.g. middleware for a page)
 * @returns {Promise<{ url: string, serverUrl: string, dataDir: string, close: () => Promise<void> }>}
 */
export async function startDemoSite({
  port = 0,
  serverPort = 0,
  dataDir,
  testHooks = true,
  quiet = false,
  watch = true,
  plugins = [],
} = {}) {
  const ownDataDir = dataDir === undefined;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'bm-demo-'));
  const backend = await startServer({ port: serverPort, dataDir: dir, host, testHooks });
  let vite;
  try {
    vite = await createServer({
      configFile: false,
      root,
      logLevel: quiet ? 'silent' : 'info',
      clearScreen: false,
      server: { host, port, strictPort: false, open: false, ...(watch ? {} : { hmr: false, watch: null }) },
      appType: 'mpa',
      define: { __BM_SERVER_URL__: JSON.stringify(backend.url) },
      // The strict-CSP page's header and the one-tag page's sign-in (scripts/lib/demo-pages.mjs).
      plugins: [demoPages(backend.url), ...plugins],
    });
    await vite.listen();
  } catch (error) {
    await backend.close();
    if (ownDataDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const address = /** @type {import('node:net').AddressInfo} */ (vite.httpServer?.address());
  const url = `http://${host}:${address.port}/`;

  /** @type {Promise<void> | null} */
  let closed = null;
  const close = () =>
    (closed ??= (async () => {
      await vite.close();
      await backend.close();
      if (ownDataDir) rmSync(dir, { recursive: true, force: true });
    })());

  return { url, serverUrl: backend.url, dataDir: dir, close };
}
