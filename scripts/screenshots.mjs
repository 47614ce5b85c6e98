// Screenshots of the demo pages for docs/screenshots/ (shown in README.md): starts the demo site (a fresh
// reference server), walks the tour of every demo page in Chromium, light and dark (scripts/lib/demo-tour.mjs),
// and writes docs/screenshots/<page>-<light|dark>.png once each page is ready (a message it sends is shown as
// sent). Fails if a page logged a console error, threw, or (on the strict-CSP page) reported a policy violation;
// a page that never got ready leaves .tmp/screenshot-failed-<page>.png. Builds dist/ first (`--no-build` uses
// the dist/ there is).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/browsers.mjs';
import { startDemoSite } from './lib/demo-site.mjs';
import { tour } from './lib/demo-tour.mjs';
import { run } from './lib/run.mjs';

const OUT = 'docs/screenshots';
const viewport = { width: 1024, height: 700 };

if (!process.argv.includes('--no-build')) await run('node', ['scripts/build.mjs']);
mkdirSync(OUT, { recursive: true });
mkdirSync('.tmp', { recursive: true });
const site = await startDemoSite({ quiet: true, watch: false });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
let problems;
try {
  const context = await browser.newContext({ viewport });
  problems = await tour({
    context,
    siteUrl: site.url,
    atStop: async (page, stop, scheme) => {
      const path = `${OUT}/${stop.name}-${scheme}.png`;
      await page.screenshot({ path });
      console.log(path);
    },
    onFailure: (page, stop) => page.screenshot({ path: `.tmp/screenshot-failed-${stop.name}.png` }),
  });
} finally {
  await browser.close();
  await site.close();
}
if (problems.length) {
  console.error(`Console errors:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
