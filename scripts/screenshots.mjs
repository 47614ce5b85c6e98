// Screenshots of the demo pages for docs/screenshots/: starts the demo site (a fresh reference server), opens each
// page in Chromium, light and dark, and writes docs/screenshots/<page>-<light|dark>.png. Fails if a page logged a
// console error, threw, or (on the strict-CSP page) reported a policy violation. Builds dist/ first
// (`--no-build` uses the dist/ there is).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/browsers.mjs';
import { startDemoSite } from './lib/demo-site.mjs';
import { run } from './lib/run.mjs';

const OUT = 'docs/screenshots';
const viewport = { width: 1024, height: 700 };

/** Each page: its path under /demo/ and what to do before the picture (wait for content, act). */
const pages = [
  {
    name: 'index',
    path: '',
    ready: (page) => page.getByRole('link', { name: 'Law-firm client portal' }).waitFor(),
  },
  {
    name: 'two-people',
    path: 'two-people.html',
    ready: async (page) => {
      for (const i of [0, 1])
        await page.locator('bm-secure-chat').nth(i).locator('[part~="thread-item"]').first().waitFor();
    },
  },
  { name: 'portal-sign-in', path: 'portal/', ready: (page) => page.getByRole('button').first().waitFor() },
  {
    // The client signs in once first, so that their device's keys are published before the partner writes
    // (a message from before a device existed is not readable on it, by design).
    name: 'portal-client-setup',
    path: 'portal/',
    shot: false,
    ready: (page) => portalAs(page, 'client', true),
  },
  {
    name: 'portal-partner',
    path: 'portal/',
    ready: async (page, scheme) => {
      await portalAs(page, 'partner', true);
      const chat = page.locator('bm-secure-chat');
      await chat
        .locator('[part~="input"]')
        .fill(`Chris, the inventory of assets is in the documents (${scheme}).`);
      await chat.locator('[part~="send-button"]').click();
      await messageShown(page, `(${scheme})`);
    },
  },
  {
    name: 'portal-client',
    path: 'portal/',
    // The client's widget decrypts what the partner wrote.
    ready: async (page, scheme) => {
      await portalAs(page, 'client', true);
      await messageShown(page, `(${scheme})`);
    },
  },
  {
    name: 'portal-assistant',
    path: 'portal/',
    // The page asks for threads the assistant may not open, to show the server's answer; the browser logs each.
    expectedErrors: /status of 403/,
    ready: async (page) => {
      await portalAs(page, 'assistant', false);
      await page.getByText('not-a-participant').waitFor();
    },
  },
  {
    name: 'portal-administrator',
    path: 'portal/',
    ready: async (page) => {
      await portalAs(page, 'administrator', false);
      await page.locator('table.audit tbody tr').first().waitFor();
    },
  },
  {
    name: 'one-tag',
    path: 'one-tag.html',
    ready: async (page) => {
      await page.locator('[part~="thread-item"]').first().click();
      await messageShown(page, 'one script tag');
    },
  },
  {
    name: 'hostile-cms',
    path: 'hostile-cms.html',
    ready: async (page) => {
      await messageShown(page, 'keeps its own styles');
      await page.locator('.layout').evaluate((el) => el.scrollIntoView());
    },
  },
  {
    name: 'strict-csp',
    path: 'strict-csp.html',
    ready: async (page, scheme) => {
      await chatReady(page, 2);
      // Sending proves the widget works under the policy: encrypt, post, and the other side decrypts it.
      const text = `Sent under a strict CSP (${scheme})`;
      const sender = page.locator('bm-secure-chat').first();
      await sender.locator('[part~="input"]').fill(text);
      await sender.locator('[part~="send-button"]').click();
      await page
        .locator('bm-secure-chat')
        .nth(1)
        .locator('[part~="message-body"]', { hasText: text })
        .waitFor();
      const violations = await page.locator('#violations').textContent();
      if (!violations?.startsWith('No policy violation')) throw new Error(violations ?? 'no status');
    },
  },
];

/** Waits until `count` widgets show an open conversation (the composer is there). */
async function chatReady(page, count) {
  for (let i = 0; i < count; i++)
    await page.locator('bm-secure-chat').nth(i).locator('[part~="input"]').waitFor();
}

async function messageShown(page, text) {
  await page.locator('bm-secure-chat').first().locator('[part~="message-body"]', { hasText: text }).waitFor();
}

async function portalAs(page, role, withChat) {
  await page.getByRole('button', { name: new RegExp(role, 'i') }).click();
  await page.getByText('Signed in as').waitFor();
  if (withChat) await chatReady(page, 1);
}

if (!process.argv.includes('--no-build')) await run('node', ['scripts/build.mjs']);
mkdirSync(OUT, { recursive: true });
const site = await startDemoSite({ quiet: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const problems = [];
// One browser context for all: the portal's people keep their key vaults across sign-ins, as in one browser.
const context = await browser.newContext({ viewport });
try {
  for (const colorScheme of ['light', 'dark']) {
    for (const { name, path, ready, expectedErrors, shot = true } of pages) {
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme });
      page.on('console', (message) => {
        if (message.type() === 'error' && !expectedErrors?.test(message.text()))
          problems.push(`${name} (${colorScheme}): ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${name} (${colorScheme}): ${error.message}`));
      await page.goto(new URL(`demo/${path}`, site.url).href);
      await ready(page, colorScheme).catch(async (error) => {
        await page.screenshot({ path: `.tmp/screenshot-failed-${name}.png` });
        throw new Error(`${name} (${colorScheme}): ${error.message}\n${problems.join('\n')}`);
      });
      if (shot) {
        await page.screenshot({ path: `${OUT}/${name}-${colorScheme}.png` });
        console.log(`${OUT}/${name}-${colorScheme}.png`);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  await site.close();
}
if (problems.length) {
  console.error(`Console errors:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
