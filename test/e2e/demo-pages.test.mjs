// Every demo page, in Chromium, light and dark: the tour that scripts/screenshots.mjs photographs
// (scripts/lib/demo-tour.mjs) opens each page demo/index.html links on the demo site and the real reference
// server, lets its widgets become ready (and send where the page is for sending), and no page may log a console
// error or throw; the strict-CSP page must see no policy violation (the tour checks the page's own report, and
// Chromium logs each violation as a console error). Pages one-tag and strict-csp load the built widget: dist/ is
// built first when it is not there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib/browsers.mjs';
import { startDemoSite } from '../../scripts/lib/demo-site.mjs';
import { stops, tour } from '../../scripts/lib/demo-tour.mjs';
import { run } from '../../scripts/lib/run.mjs';

const index = readFileSync(new URL('../../demo/index.html', import.meta.url), 'utf8');
/** The pages the index links, as paths under /demo/. */
const linked = [...index.matchAll(/<a href="\.\/([^"]*)"/g)].map((match) => match[1]);

describe('the demo pages (chromium)', () => {
  let site;
  let browser;
  let context;
  before(async () => {
    if (!existsSync('dist/bm-secure-chat.js')) await run('node', ['scripts/build.mjs']);
    site = await startDemoSite({ quiet: true, watch: false });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    // One context for both schemes: the portal's people keep their key vaults, as in one browser.
    context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('the tour visits every page the index links', () => {
    assert.ok(linked.length >= 5, `the index links ${linked.join(', ')}`);
    const visited = new Set(stops.map((stop) => stop.path));
    assert.deepEqual(
      linked.filter((path) => !visited.has(path)),
      [],
    );
    assert.ok(visited.has(''), 'the index itself');
  });

  for (const scheme of ['light', 'dark']) {
    it(
      `every page gets ready with no console error, page error or CSP violation (${scheme})`,
      {
        timeout: 100_000,
      },
      async () => {
        const problems = await tour({ context, siteUrl: site.url, schemes: [scheme] });
        assert.deepEqual(problems, []);
      },
    );
  }
});
