// `npm run bench`: runs every benchmark of the project, prints one table of all their figures with the machine
// and date they are from, and writes the same as .bench/all.json. The benchmarks, each a script of its own that
// writes .bench/<name>.json as { rows: [{ name, value, unit, baseline?, ratio?, target?, ok? }] }:
//   crypto  bench-crypto.mjs  headless Chromium: opening envelopes, Cobblestone-256 throughput and memory,
//                             sealing an epoch key to many devices (bench/crypto.bench.ts)
//   server  bench-server.mjs  the reference server under WebSocket and HTTP load on 127.0.0.1
//   ui      bench-ui.mjs      headless Chromium: the real element opening and scrolling a long encrypted thread,
//                             and sending a large file through its composer (bench/ui.bench.ts)
//
// Options: --quick (smaller sizes, for a smoke run; passed to each), --only crypto,ui (a subset), --profile
// (bench-ui only). A benchmark that fails still contributes the rows it wrote in this run (bench-server writes
// its figures, then exits non-zero when a delivery was lost); one that wrote nothing is reported as failed, and
// the exit code is then non-zero.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { run } from './lib/run.mjs';
import { CHROMIUM, ensureBrowsers } from './lib/browsers.mjs';

const benchmarks = [
  { name: 'crypto', script: 'scripts/bench-crypto.mjs', browser: true },
  { name: 'server', script: 'scripts/bench-server.mjs', browser: false },
  { name: 'ui', script: 'scripts/bench-ui.mjs', browser: true, options: ['--profile'] },
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : null;
const unknown = only?.filter((name) => !benchmarks.some((b) => b.name === name)) ?? [];
if (unknown.length) {
  console.error(
    `bench: no benchmark ${unknown.join(', ')} (there are ${benchmarks.map((b) => b.name).join(', ')})`,
  );
  process.exit(2);
}
const chosen = benchmarks.filter((b) => !only || only.includes(b.name));

ensureBrowsers();
mkdirSync('.bench', { recursive: true });

/** Which browser the browser benchmarks ran in, as it names itself. */
function browserVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

const machine = {
  cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
  cpus: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${type()} ${release()}`,
  node: process.version,
  browser: chosen.some((b) => b.browser) ? browserVersion() : null,
  loadAverageBefore: loadavg()[0],
  date: new Date().toISOString(),
  quick,
};

const results = [];
const failed = [];
for (const { name, script, options = [] } of chosen) {
  const file = `.bench/${name}.json`;
  // A stale file from an earlier run must never pass for this run's figures.
  rmSync(file, { force: true });
  const passed = args.filter((arg) => arg === '--quick' || options.includes(arg));
  let error = null;
  try {
    if (!existsSync(script)) throw new Error(`${script} is missing`);
    await run('node', [script, ...passed]);
  } catch (caught) {
    error = caught;
  }
  const data = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  for (const row of data?.rows ?? []) results.push({ benchmark: name, ...row });
  if (error || !data) {
    failed.push(name);
    console.error(`bench ${name}: ${error?.message ?? `wrote no ${file}`}`);
  }
}
machine.loadAverageAfter = loadavg()[0];
const missed = results.filter((r) => r.ok === false);
writeFileSync(
  '.bench/all.json',
  JSON.stringify({ machine, benchmarks: chosen.map((b) => b.name), failed, results }, null, 2),
);

const fmt = (v) =>
  v === undefined || v === null
    ? ''
    : typeof v !== 'number'
      ? String(v)
      : Number.isInteger(v)
        ? v.toLocaleString('en')
        : Math.abs(v) >= 100
          ? Math.round(v).toLocaleString('en')
          : v.toFixed(2);
const header = ['benchmark', 'measure', 'value', 'unit', 'baseline', 'ratio', 'target', 'ok'];
const rows = results.map((r) => [
  r.benchmark,
  r.name,
  fmt(r.value),
  r.unit ?? '',
  fmt(r.baseline),
  r.ratio === undefined || r.ratio === null ? '' : `${fmt(r.ratio)}x`,
  r.target ?? '',
  r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
console.log(
  `\nnpm run bench${quick ? ' --quick' : ''}, ${machine.date.slice(0, 10)}: ${machine.cpus} cores ` +
    `(${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}` +
    (machine.browser ? `, ${machine.browser}` : '') +
    `; 1-minute load average ${machine.loadAverageBefore.toFixed(1)} before, ` +
    `${machine.loadAverageAfter.toFixed(1)} after`,
);
for (const row of [header, ...rows]) {
  console.log(
    `| ${row.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`,
  );
}
console.log(
  `\n${results.length} figures from ${chosen.length - failed.length} of ${chosen.length} benchmarks` +
    (failed.length ? ` (failed: ${failed.join(', ')})` : '') +
    `; targets missed: ${missed.length}`,
);
console.log('written: .bench/all.json');
process.exit(failed.length ? 1 : 0);
