// Crypto benchmarks in a real headless Chromium: bundles bench/crypto.bench.ts, serves it on 127.0.0.1,
// runs each figure, and writes .bench/crypto.json. Options: --quick (smaller sizes, for a smoke run).
/* global window */
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/browsers.mjs';

const quick = process.argv.includes('--quick');
const sizes = quick
  ? { envelopes: 1000, throughputMB: 32, largeMB: 128, devices: 100 }
  : { envelopes: 10000, throughputMB: 256, largeMB: 1024, devices: 1000 };

const outDir = '.bench/page';
mkdirSync(outDir, { recursive: true });
await build({
  configFile: false,
  logLevel: 'error',
  build: {
    outDir,
    emptyOutDir: true,
    minify: false,
    lib: { entry: 'bench/crypto.bench.ts', formats: ['es'], fileName: () => 'crypto.bench.js' },
  },
});
writeFileSync(
  join(outDir, 'index.html'),
  '<!doctype html><meta charset="utf-8"><script type="module">import * as b from "./crypto.bench.js"; window.bench = b; window.benchReady = true;</script>',
);

const server = createServer((req, res) => {
  const path = join(outDir, req.url === '/' ? 'index.html' : req.url.slice(1));
  try {
    const body = readFileSync(path);
    res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
});
const rows = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true);

  const open = await page.evaluate((n) => window.bench.openEnvelopes(n), sizes.envelopes);
  rows.push({
    name: `open ${open.count} envelopes of 1 KB`,
    value: open.oursMs,
    unit: 'ms',
    baseline: open.bareMs,
    ratio: open.ratio,
    target: '<= 1.3x',
    ok: open.ratio <= 1.3,
  });

  const throughput = await page.evaluate((mb) => window.bench.chunkedThroughput(mb), sizes.throughputMB);
  rows.push({
    name: `Cobblestone-256 encrypt ${throughput.megabytes} MB (MB/s vs one-shot AES-256-GCM)`,
    value: throughput.streamedMBps,
    unit: 'MB/s',
    baseline: throughput.oneShotMBps,
    ratio: throughput.ratio,
    target: '>= 0.5x',
    ok: throughput.ratio >= 0.5,
  });

  await page.evaluate(() => globalThis.gc?.());
  const cdp = await page.context().newCDPSession(page);
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      peak = Math.max(peak, usedSize);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const large = await page.evaluate((mb) => window.bench.chunkedStreamLarge(mb), sizes.largeMB);
  sampling = false;
  await sampler;
  const peakMB = peak / 2 ** 20;
  rows.push({
    name: `peak JS heap streaming ${large.megabytes} MB through Cobblestone-256 (${(large.megabytes / (large.ms / 1000)).toFixed(0)} MB/s)`,
    value: peakMB,
    unit: 'MB',
    target: '<= 64 MB',
    ok: peakMB <= 64,
  });

  const seal = await page.evaluate((n) => window.bench.sealToDevices(n), sizes.devices);
  rows.push({
    name: `seal one epoch key to ${seal.devices} devices`,
    value: seal.ms,
    unit: 'ms',
    target: '< 2000 ms',
    ok: seal.ms < 2000,
  });
} finally {
  await browser.close();
  server.close();
}

mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/crypto.json', JSON.stringify({ quick, rows }, null, 2));
for (const row of rows) {
  const ratio =
    row.ratio === undefined ? '' : ` (baseline ${row.baseline.toFixed(1)}, ratio ${row.ratio.toFixed(2)}x)`;
  console.log(
    `${row.ok ? 'ok  ' : 'MISS'} ${row.name}: ${row.value.toFixed(1)} ${row.unit}${ratio}, target ${row.target}`,
  );
}
