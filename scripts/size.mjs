// Prints the gzip and brotli size of the embed entry, the library entry and each lazy chunk, and fails
// when one is over the budget in size-budget.json.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join, relative } from 'node:path';

const budget = JSON.parse(readFileSync('size-budget.json', 'utf8'));
if (!existsSync('dist/bm-secure-chat.js')) {
  console.error('size: dist/ is missing; run `npm run build` first.');
  process.exit(1);
}

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'types' ? [] : jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let over = 0;
const rows = [];
for (const file of jsFiles('dist')) {
  const name = relative('dist', file);
  const bytes = readFileSync(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  // Every file that is not a named entry is a lazily loaded chunk.
  const limit = budget.entries[name]?.gzip ?? budget.chunks.gzip;
  const ok = limit === null || gzip <= limit;
  if (!ok) over++;
  rows.push([
    name,
    kb(bytes.length),
    kb(gzip),
    kb(brotli),
    limit === null ? '-' : kb(limit),
    ok ? 'ok' : 'OVER',
  ]);
}
const header = ['file', 'raw', 'gzip', 'brotli', 'budget (gzip)', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
if (over) {
  console.error(`size: ${over} file(s) over budget`);
  process.exit(1);
}
