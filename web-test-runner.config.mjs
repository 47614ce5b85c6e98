// Browser tests: Chromium through Playwright and Firefox ESR through Puppeteer (WebDriver BiDi), both the
// Debian builds on this machine. No tool downloads a browser of its own.
import { playwrightLauncher } from '@web/test-runner-playwright';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileURLToPath } from 'node:url';
import { summaryReporter } from './scripts/wtr-summary-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { serverPlugin } from './scripts/wtr-server-plugin.mjs';
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from './scripts/lib/browsers.mjs';
import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';

/** The outside test vectors (../shared/vectors) are served read-only at /vectors/. */
const vectorsDir =
  process.env.BM_VECTORS_DIR ?? fileURLToPath(new URL('../shared/vectors/', import.meta.url));
async function serveVectors(ctx, next) {
  if (!ctx.path.startsWith('/vectors/')) return next();
  const name = basename(ctx.path);
  try {
    ctx.body = await readFile(vectorsDir + name);
    ctx.type = name.endsWith('.json') ? 'application/json' : 'text/plain';
  } catch {
    ctx.status = 404;
  }
}

const only = process.env.BM_BROWSERS ? process.env.BM_BROWSERS.split(',') : ['chromium', 'firefox'];

const chromium = playwrightLauncher({
  product: 'chromium',
  launchOptions: {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  },
});

const firefox = puppeteerLauncher({
  launchOptions: {
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
  },
});

const browsers = [only.includes('chromium') && chromium, only.includes('firefox') && firefox].filter(Boolean);

/** One group per layer, so `npm test -- --group crypto` runs one area alone. */
const layers = ['utils', 'crypto', 'vault', 'adapter', 'engine', 'state', 'ui', 'embed'];

/**
 * @hpke/common holds a guarded `await import('crypto')` for Node; in the browser it uses globalThis.crypto.
 * The dev server cannot resolve the Node built-in, so it gets a module that hands back Web Crypto.
 */
const nodeCryptoStub = {
  name: 'node-crypto-stub',
  resolveImport({ source }) {
    if (source === 'crypto') return '/__node-crypto-stub.js';
  },
  serve(context) {
    if (context.path === '/__node-crypto-stub.js') return 'export const webcrypto = globalThis.crypto;';
  },
};

/**
 * Vite's `import url from './x.ts?worker&url'` (the file worker): here a module whose default export is the
 * script's own URL, which the dev server then serves compiled like any other TypeScript module.
 */
const workerUrls = {
  name: 'worker-urls',
  serve(context) {
    const query = context.URL.searchParams;
    if (query.has('worker') && query.has('url')) {
      return { body: `export default ${JSON.stringify(context.path)};`, type: 'js' };
    }
  },
};

/**
 * Test files named on the command line (`npx web-test-runner test/engine/x.test.ts`) run alone: the layer
 * groups below would otherwise run every file besides them.
 */
const filesFromCommandLine = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

const litMode = process.env.BM_LIT_MODE === 'production' ? 'production' : 'development';

export default {
  // nanostores reads process.env.NODE_ENV, which bundlers replace; the test page provides it.
  testRunnerHtml: (testFramework) =>
    `<!doctype html><html><head><script>window.process = { env: { NODE_ENV: '${litMode}' } };</script></head>` +
    `<body><script type="module" src="${testFramework}"></script></body></html>`,
  rootDir: fileURLToPath(new URL('.', import.meta.url)),
  nodeResolve: {
    exportConditions: [process.env.BM_LIT_MODE === 'production' ? 'production' : 'development'],
  },
  browsers,
  concurrency: 1,
  concurrentBrowsers: 2,
  // A file whose page stops answering is given up after this and run again alone (scripts/test.mjs).
  testsFinishTimeout: 150_000,
  browserStartTimeout: 120_000,
  testFramework: { config: { timeout: 60_000 } },
  middleware: [serveVectors],
  plugins: [
    nodeCryptoStub,
    workerUrls,
    serverPlugin(),
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  reporters: [defaultReporter(), summaryReporter()],
  // A layer without tests yet is left out, since the runner refuses a group that matches no file.
  groups: filesFromCommandLine
    ? []
    : layers
        .filter(
          (name) =>
            existsSync(`test/${name}`) &&
            readdirSync(`test/${name}`, { recursive: true }).some((f) => String(f).endsWith('.test.ts')),
        )
        .map((name) => ({ name, files: `test/${name}/**/*.test.ts` })),
};
