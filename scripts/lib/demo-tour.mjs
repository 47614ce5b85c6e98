// A tour of the demo pages in Chromium (Playwright): each page that demo/index.html links, opened in a light and
// a dark colour scheme, and brought to a state worth looking at (the widget ready, a message sent and shown as
// sent, the other side's copy decrypted). scripts/screenshots.mjs photographs each stop; the end-to-end test
// test/e2e/demo-pages.test.mjs checks that no stop logged a console error, threw, or (on the strict-CSP page)
// met a policy violation, and that the tour covers every page the index links.
/* global window */

/** Each stop: a page under /demo/ and how to bring it to its ready state. */
export const stops = [
  {
    name: 'index',
    path: '',
    ready: (page) => page.getByRole('link', { name: 'Law-firm client portal' }).waitFor(),
  },
  {
    name: 'two-people',
    path: 'two-people.html',
    ready: async (page, scheme) => {
      const [partner, client] = [0, 1].map((i) => page.locator('bm-secure-chat').nth(i));
      await page.locator('#server-view', { hasText: 'not encrypted' }).waitFor();
      // Both open the encrypted matter thread; the partner writes, the client's widget decrypts it.
      for (const chat of [partner, client]) {
        await chat.locator('[part~="thread-item"]', { hasText: 'Matter' }).click();
        await chat.locator('[part~="input"]').waitFor();
      }
      const text = `The draft settlement is ready for your review (${scheme}).`;
      await send(partner, text);
      await messageShown(client, text);
      await page.locator('#server-view', { hasText: 'envelope' }).waitFor();
    },
  },
  {
    name: 'portal-sign-in',
    path: 'portal/',
    ready: (page) => page.getByRole('button', { name: /partner/i }).waitFor(),
  },
  {
    // The client signs in once first, so that their device's keys are published before the partner writes
    // (a message from before a device existed is not readable on it, by design).
    name: 'portal-client-setup',
    path: 'portal/',
    shot: false,
    ready: async (page) => {
      await portalAs(page, 'client', true);
      await devicePublished(page);
    },
  },
  {
    name: 'portal-partner',
    path: 'portal/',
    ready: async (page, scheme) => {
      await portalAs(page, 'partner', true);
      await send(
        page.locator('bm-secure-chat'),
        `Chris, the inventory of assets is in the documents (${scheme}).`,
      );
      // Sending scrolled the composer into view; the picture starts at the page's top.
      await page.evaluate(() => window.scrollTo(0, 0));
    },
  },
  {
    name: 'portal-client',
    path: 'portal/',
    // The client's widget decrypts what the partner wrote.
    ready: async (page, scheme) => {
      await portalAs(page, 'client', true);
      await messageShown(page.locator('bm-secure-chat'), `(${scheme})`);
    },
  },
  {
    name: 'portal-assistant',
    path: 'portal/',
    // The page asks for threads the assistant may not open, to show the server's answer; the browser logs each
    // refused request.
    expectedErrors: /status of 403/,
    ready: async (page) => {
      await portalAs(page, 'assistant', false);
      await page.getByText('not a participant').waitFor();
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
      await messageShown(page.locator('bm-secure-chat'), 'one script tag');
    },
  },
  {
    name: 'hostile-cms',
    path: 'hostile-cms.html',
    ready: async (page) => {
      for (const i of [0, 1])
        await messageShown(page.locator('bm-secure-chat').nth(i), 'keeps its own styles');
      await page.locator('.layout').evaluate((el) => el.scrollIntoView());
    },
  },
  {
    name: 'strict-csp',
    path: 'strict-csp.html',
    ready: async (page, scheme) => {
      const [sender, receiver] = [0, 1].map((i) => page.locator('bm-secure-chat').nth(i));
      for (const chat of [sender, receiver]) await chat.locator('[part~="input"]').waitFor();
      // Sending proves the widget works under the policy: encrypt, post, and the other side decrypts it.
      const text = `Sent under a strict CSP (${scheme})`;
      await send(sender, text);
      await messageShown(receiver, text);
      // A file too: under this policy (and its Trusted Types) it is sealed in the widget's file worker.
      const workers = [];
      const seen = (worker) => workers.push(worker.url());
      page.on('worker', seen);
      const name = `brief-${scheme}.txt`;
      await sender.locator('[part~="attach-button"] + input[type="file"]').setInputFiles({
        name,
        mimeType: 'text/plain',
        buffer: Buffer.from(`Filed under a strict CSP (${scheme}).\n`),
      });
      await receiver.locator('[part~="attachment"] .file-name', { hasText: name }).waitFor();
      page.off('worker', seen);
      if (!workers.some((url) => /\/file-worker-[\w-]+\.js$/.test(url))) {
        throw new Error(
          `The file was not sealed in the file worker (workers: ${workers.join(', ') || 'none'})`,
        );
      }
      const violations = await page.locator('#violations').textContent();
      if (!violations?.startsWith('No policy violation')) throw new Error(violations ?? 'no status');
    },
  },
];

/** A message row whose body contains `text`, in one widget. */
const row = (chat, text) =>
  chat.locator('[part~="message"]', {
    has: chat.page().locator('[part~="message-body"]', { hasText: text }),
  });

async function messageShown(chat, text) {
  await row(chat, text).first().waitFor();
}

/** Types and sends a message, and waits until the widget shows it as sent (stored by the server). */
async function send(chat, text) {
  await chat.locator('[part~="input"]').fill(text);
  await chat.locator('[part~="send-button"]').click();
  await row(chat, text).locator('[part~="receipt"]').waitFor();
}

/**
 * Waits until the reference server lists a device of the signed-in portal user's (their widget published its
 * keys; asked through the demo site's /chat-api proxy with the portal's session token).
 */
async function devicePublished(page) {
  await page.waitForFunction(
    async () => {
      const session = JSON.parse(sessionStorage.getItem('bm-portal-session') ?? 'null');
      if (!session) return false;
      const response = await fetch(`/chat-api/v1/keys?users=${session.userId}`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      return response.ok && (await response.json())[0]?.devices?.length > 0;
    },
    undefined,
    { polling: 250 },
  );
}

async function portalAs(page, role, withChat) {
  await page.getByRole('button', { name: new RegExp(role, 'i') }).click();
  await page.getByText('Signed in as').waitFor();
  if (withChat) await page.locator('bm-secure-chat [part~="input"]').waitFor();
}

/**
 * Walks the tour in one browser context (the portal's people keep their key vaults across sign-ins, as in one
 * browser): per colour scheme, each stop in a new tab. `atStop(page, stop, scheme)` runs when a stop is ready.
 * Answers the problems seen: console errors (other than a stop's expected ones) and uncaught page errors, each
 * prefixed with the stop and scheme. A stop that does not get ready throws, with the problems so far.
 * @param {{ context: import('playwright-core').BrowserContext, siteUrl: string,
 *   schemes?: ('light' | 'dark')[], atStop?: (page: any, stop: any, scheme: string) => Promise<void>,
 *   onFailure?: (page: any, stop: any, scheme: string) => Promise<void> }} options
 */
export async function tour({ context, siteUrl, schemes = ['light', 'dark'], atStop, onFailure }) {
  /** @type {string[]} */
  const problems = [];
  for (const scheme of schemes) {
    for (const stop of stops) {
      const page = await context.newPage();
      const where = `${stop.name} (${scheme})`;
      try {
        await page.emulateMedia({ colorScheme: scheme });
        page.on('console', (message) => {
          if (message.type() === 'error' && !stop.expectedErrors?.test(message.text()))
            problems.push(`${where}: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`${where}: ${error.message}`));
        await page.goto(new URL(`demo/${stop.path}`, siteUrl).href);
        try {
          await stop.ready(page, scheme);
        } catch (error) {
          await onFailure?.(page, stop, scheme);
          throw new Error(`${where}: ${error.message}\n${problems.join('\n')}`, { cause: error });
        }
        if (stop.shot !== false) await atStop?.(page, stop, scheme);
      } finally {
        await page.close();
      }
    }
  }
  return problems;
}
