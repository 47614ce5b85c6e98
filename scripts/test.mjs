// `npm test`: type check, lint, manifest freshness, build, then every browser test in Chromium and Firefox
// (and the UI again in Lit's production mode), then the Node tests (server, end-to-end). Prints the counts per
// browser and a closing `N passed, M failed` line. `npm test -- --group crypto` runs one browser group alone;
// `npm test -- --group server` runs the Node tests alone.
import { readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { run, runCapture } from './lib/run.mjs';
import { ensureBrowsers } from './lib/browsers.mjs';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
process.env.PUPPETEER_SKIP_DOWNLOAD = '1';

const args = process.argv.slice(2);
const groupIndex = args.indexOf('--group');
const group = groupIndex >= 0 ? args[groupIndex + 1] : null;
const NODE_GROUPS = ['server', 'e2e'];

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

async function check(name, command, commandArgs, env = {}) {
  try {
    await run(command, commandArgs, { env: { ...process.env, ...env } });
    totals.passed++;
    lines.push(`check ${name}: passed`);
  } catch (error) {
    totals.failed++;
    lines.push(`check ${name}: FAILED (${error.message})`);
  }
}

const readSummary = () =>
  existsSync('.tmp/wtr-summary.json') ? JSON.parse(readFileSync('.tmp/wtr-summary.json', 'utf8')) : {};

async function browserTests(label, wtrArgs, env = {}) {
  rmSync('.tmp/wtr-summary.json', { force: true });
  const runner = () =>
    runCapture('npx', ['web-test-runner', ...wtrArgs], { env: { ...process.env, ...env } });
  let { code } = await runner();
  // A page that never reported (the browser stalled) is not a test result: when that is the only failure, each
  // stalled file runs once more alone, in the browser where it stalled, and that run counts; the output says so.
  // A failed assertion is never retried.
  const first = readSummary();
  const stalledOnly =
    Object.values(first).some((c) => c.stalledFiles > 0) && Object.values(first).every((c) => c.failed === 0);
  if (code !== 0 && stalledOnly) {
    let allPassed = true;
    for (const [browser, c] of Object.entries(first)) {
      if (!c.stalled?.length) continue;
      lines.push(
        `${label} ${browser}: ${c.stalled.join(', ')} stopped answering (no test failed); ran it again`,
      );
      rmSync('.tmp/wtr-summary.json', { force: true });
      const again = await runCapture('npx', ['web-test-runner', ...c.stalled], {
        env: { ...process.env, ...env, BM_BROWSERS: browser.toLowerCase() },
      });
      const rerun = readSummary()[browser] ?? { passed: 0, failed: 0, skipped: 0, stalledFiles: 1 };
      c.passed += rerun.passed;
      c.failed += rerun.failed + rerun.stalledFiles;
      c.skipped += rerun.skipped;
      if (again.code !== 0) allPassed = false;
    }
    writeFileSync('.tmp/wtr-summary.json', JSON.stringify(first, null, 2));
    code = allPassed ? 0 : 1;
  }
  const summary = readSummary();
  let counted = 0;
  for (const [browser, c] of Object.entries(summary)) {
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
    counted += c.passed + c.failed;
    lines.push(`${label} ${browser}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  }
  if (code !== 0 && !Object.values(summary).some((c) => c.failed > 0)) {
    totals.failed++;
    lines.push(`${label}: the test runner exited with ${code}`);
  } else if (counted === 0) {
    lines.push(`${label}: no tests`);
  }
}

async function nodeTests(label, pattern) {
  const files = pattern.filter((p) => existsSync(p));
  if (files.length === 0) return;
  const { code, stdout } = await runCapture('node', [
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    ...files,
  ]);
  const count = (word) => Number(stdout.match(new RegExp(`ℹ ${word} (\\d+)`))?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + (code !== 0 && count('fail') === 0 ? 1 : 0);
  const skipped = count('skipped');
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${label} node: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

const nodeSuites = {
  server: ['test/server/'],
  e2e: ['test/e2e/'],
};

ensureBrowsers();

if (group && NODE_GROUPS.includes(group)) {
  await nodeTests(group, nodeSuites[group]);
} else if (group) {
  await browserTests(group, [
    '--group',
    group,
    ...args.filter((_, i) => i !== groupIndex && i !== groupIndex + 1),
  ]);
} else {
  await check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  await check('lint', 'npx', ['eslint', '.']);
  await check('format', 'npx', ['prettier', '--check', '.']);
  await check('manifest', 'node', ['scripts/check-manifest.mjs']);
  await check('build', 'node', ['scripts/build.mjs']);
  await browserTests('browser', []);
  // Lit's production build differs from its development build the same way in every browser: one browser is
  // enough for the second pass, and keeps CI well inside its time.
  await browserTests('lit-production', ['--group', 'ui'], {
    BM_LIT_MODE: 'production',
    BM_BROWSERS: 'chromium',
  });
  await nodeTests('server', nodeSuites.server);
  await nodeTests('e2e', nodeSuites.e2e);
}

console.log(`\n${lines.join('\n')}`);
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(totals.failed > 0 ? 1 : 0);
