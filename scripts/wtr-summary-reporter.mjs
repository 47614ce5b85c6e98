// A web-test-runner reporter that counts passed, failed and skipped tests per browser, prints one line per
// browser, and writes the counts to .tmp/wtr-summary.json for scripts/test.mjs to add up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

function countSuite(suite, counts) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite.suites ?? []) countSuite(child, counts);
}

export function summaryReporter({ file = '.tmp/wtr-summary.json' } = {}) {
  return {
    onTestRunFinished({ sessions }) {
      const perBrowser = {};
      for (const session of sessions) {
        const name = session.browser.name;
        const counts = (perBrowser[name] ??= {
          passed: 0,
          failed: 0,
          skipped: 0,
          files: 0,
          brokenFiles: 0,
          stalledFiles: 0,
          stalled: [],
        });
        counts.files++;
        // The page never reported: the browser stalled, no test failed. Nothing of it is counted here;
        // scripts/test.mjs runs the file again alone and counts that run.
        if (!session.passed && session.errors?.some((e) => /did not finish within/.test(e.message ?? ''))) {
          counts.stalledFiles++;
          counts.stalled.push(relative(process.cwd(), session.testFile));
          continue;
        }
        if (session.testResults) countSuite(session.testResults, counts);
        // A file that failed to load or threw outside a test counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) {
          counts.failed++;
          counts.brokenFiles++;
        }
      }
      mkdirSync('.tmp', { recursive: true });
      writeFileSync(file, JSON.stringify(perBrowser, null, 2));
      const lines = Object.entries(perBrowser).map(
        ([name, c]) =>
          `${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${c.files} files)`,
      );
      console.log(`\n${lines.join('\n')}`);
    },
  };
}
