// `npm run bench`: runs every benchmark of the project in a real headless Chromium (or against a loopback
// server), prints one table and writes .bench/all.json. Each benchmark is a script of its own that writes
// .bench/<name>.json as { rows: [{ name, value, unit, baseline?, ratio?, target?, ok? }] }.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { run } from './lib/run.mjs';
import { ensureBrowsers } from './lib/browsers.mjs';

const benchmarks = [
  { name: 'crypto', script: 'scripts/bench-crypto.mjs' },
  { name: 'chunked', script: 'scripts/bench-chunked.mjs' },
  { name: 'server', script: 'scripts/bench-server.mjs' },
  { name: 'ui', script: 'scripts/bench-ui.mjs' },
];

ensureBrowsers();
mkdirSync('.bench', { recursive: true });
const args = process.argv.slice(2);
const results = [];
let failures = 0;
for (const { name, script } of benchmarks) {
  if (!existsSync(script)) continue;
  try {
    await run('node', [script, ...args]);
    const file = `.bench/${name}.json`;
    const data = JSON.parse(readFileSync(file, 'utf8'));
    for (const row of data.rows ?? []) results.push({ benchmark: name, ...row });
  } catch (error) {
    failures++;
    console.error(`bench ${name}: ${error.message}`);
  }
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
};
writeFileSync('.bench/all.json', JSON.stringify({ machine, results }, null, 2));

const fmt = (v) =>
  typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v ?? '');
const header = ['benchmark', 'measure', 'value', 'unit', 'baseline', 'ratio', 'target', 'ok'];
const rows = results.map((r) => [
  r.benchmark,
  r.name,
  fmt(r.value),
  r.unit ?? '',
  fmt(r.baseline),
  r.ratio === undefined ? '' : `${fmt(r.ratio)}x`,
  r.target ?? '',
  r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
console.log(
  `\nmachine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}`,
);
for (const row of [header, ...rows]) console.log(`| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
console.log('\nwritten: .bench/all.json');
process.exit(failures ? 1 : 0);
