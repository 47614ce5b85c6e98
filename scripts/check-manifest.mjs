// Fails when the committed custom-elements.json differs from what the analyzer generates now.
import { readFileSync, rmSync } from 'node:fs';
import { run } from './lib/run.mjs';

rmSync('.tmp/cem', { recursive: true, force: true });
await run('npx', ['cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'], {
  env: { ...process.env, BM_CEM_OUTDIR: '.tmp/cem' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const fresh = readFileSync('.tmp/cem/custom-elements.json', 'utf8');
const committed = readFileSync('custom-elements.json', 'utf8');
if (fresh !== committed) {
  console.error('custom-elements.json is stale: run `npm run analyze` and commit the result.');
  process.exit(1);
}
console.log('custom-elements.json is up to date.');
