// Screenshots of the recovery flow for docs/screenshots/ (the README shows them): the offer at the first
// encrypted use, the passphrase dialog with its strength hint, a fresh browser's choices, a refused passphrase,
// and the history read again after the restore. Starts the demo site (a fresh reference server, test hooks on),
// drives the widget on test/e2e/person.html in Chromium, light theme, and fails on any console error.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/browsers.mjs';
import { startDemoSite } from './lib/demo-site.mjs';

const OUT = 'docs/screenshots';
const viewport = { width: 900, height: 640 };
const PASSPHRASE = 'orbit tulip canyon marble whisper';
const TITLE = 'Matter 2026-114';

mkdirSync(OUT, { recursive: true });
const site = await startDemoSite({ quiet: true, watch: false });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const problems = [];

async function api(method, path, { token, body } = {}) {
  const response = await fetch(`${site.serverUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A person's page in a browser context of its own (its own key vault). */
async function openPage(user) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`${user.displayName}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`${user.displayName}: ${e.message}`));
  const hash = new URLSearchParams({ endpoint: site.serverUrl, token: user.token });
  await page.goto(new URL(`test/e2e/person.html#${hash}`, site.url).href);
  return { context, page, chat: page.locator('bm-secure-chat') };
}

const shot = async (page, name) => {
  await page.screenshot({ path: `${OUT}/${name}.png` });
  console.log(`${OUT}/${name}.png`);
};

async function fill(chat, id, text) {
  await chat.locator(`#${id}`).fill(text);
}

try {
  const list = [
    { id: 'alice-shots', displayName: 'Alice Martin' },
    { id: 'bob-shots', displayName: 'Bob Keller' },
  ];
  const { users } = await api('POST', '/v1/test/users', { body: { users: list } });
  const [alice, bob] = users.map((u, i) => ({ ...u, displayName: list[i].displayName }));
  await api('POST', '/v1/threads', {
    token: alice.token,
    body: { title: TITLE, participantIds: [bob.id], encrypted: true },
  });

  const a = await openPage(alice);
  const b = await openPage(bob);
  for (const { chat } of [a, b]) {
    await chat.locator('[part~="thread-item"]').first().click();
    await chat.locator('[part~="input"]').waitFor();
  }
  await a.chat.locator('[part~="recovery-offer"]').waitFor();
  await shot(a.page, 'recovery-offer');

  await a.chat.locator('[part~="recovery-offer"] .set-up').click();
  await fill(a.chat, 'recovery-passphrase', 'Summer2024!');
  await a.chat.locator('[part~="passphrase-strength"]', { hasText: 'Not strong enough' }).waitFor();
  await shot(a.page, 'recovery-weak-passphrase');
  await fill(a.chat, 'recovery-passphrase', PASSPHRASE);
  await fill(a.chat, 'recovery-repeat', PASSPHRASE);
  await a.chat.locator('[part~="recovery-confirm"]:not([disabled])').waitFor();
  await shot(a.page, 'recovery-enable');
  await a.chat.locator('[part~="recovery-confirm"]').click();
  await a.chat.locator('[part~="recovery-dialog"] .done').waitFor({ timeout: 60_000 });
  await a.chat.locator('[part~="recovery-dialog"] button', { hasText: 'Close' }).click();

  const text = 'The inventory of assets is in the documents.';
  await a.chat.locator('[part~="input"]').fill(text);
  await a.chat.locator('[part~="send-button"]').click();
  await b.chat.locator('[part~="message-body"]', { hasText: text }).waitFor();
  await a.context.close();

  // Alice's laptop is gone: a fresh browser.
  const fresh = await openPage(alice);
  await fresh.chat.locator('[part~="setup-notice"]').waitFor();
  await fresh.chat.locator('[part~="thread-item"]').first().click();
  await fresh.chat.locator('[part~="message"]').first().waitFor();
  await shot(fresh.page, 'recovery-fresh-browser');
  await fresh.chat.locator('[part~="setup-notice"] [data-choice="restore"]').click();
  await fill(fresh.chat, 'recovery-passphrase', 'orbit tulip canyon');
  await fresh.chat.locator('[part~="recovery-confirm"]').click();
  await fresh.chat.locator('[part~="recovery-dialog"] [role="alert"]').waitFor({ timeout: 60_000 });
  await shot(fresh.page, 'recovery-wrong-passphrase');
  await fill(fresh.chat, 'recovery-passphrase', PASSPHRASE);
  await fresh.chat.locator('[part~="recovery-confirm"]').click();
  await fresh.chat.locator('[part~="recovery-dialog"] .done').waitFor({ timeout: 60_000 });
  await fresh.chat.locator('[part~="recovery-dialog"] button', { hasText: 'Close' }).click();
  await fresh.chat.locator('[part~="message-body"]', { hasText: text }).waitFor();
  await shot(fresh.page, 'recovery-restored');

  await fresh.chat.locator('[part~="recovery-button"]').click();
  await fresh.chat
    .locator('[part~="recovery-dialog"] [role="status"]', { hasText: 'Recovery is on' })
    .waitFor();
  await shot(fresh.page, 'recovery-settings');
} finally {
  await browser.close();
  await site.close();
}
if (problems.length) {
  console.error(`Console errors:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
