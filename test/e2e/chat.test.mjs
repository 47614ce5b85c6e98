// Two people, each in their own browser context with their own key vault, in an encrypted thread on the real
// reference server, driving the real UI (test/e2e/harness.mjs). Runs in Chromium and in Firefox ESR.
/* global document */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { BROWSERS, solidPng, startHarness } from './harness.mjs';

/** A text nobody else sends, so finding it (or not finding it) proves something. */
const unique = (label) => `${label} ${randomBytes(6).toString('hex')}`;

/** Every file under a folder, with its bytes. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath ?? entry.path, entry.name);
      return { path, bytes: readFileSync(path) };
    });
}

/**
 * Errors the browser itself logs while it is off the network (a refused request, a socket that cannot open;
 * Firefox words a cross-origin request that got no response at all as a CORS failure with status null): the
 * page did not cause them and cannot silence them. Anything else is the page's own error.
 */
const NETWORK_ERROR =
  /net::ERR_INTERNET_DISCONNECTED|Failed to load resource|NetworkError|WebSocket connection to|can.t establish a connection|CORS request did not succeed\)\. Status code: \(null\)/i;

/** Each test's limit: a wait in the page fails after 45 s (harness.mjs); a test is a few such steps. */
const TEST = { timeout: 180_000 };

for (const kind of BROWSERS) {
  describe(`two people in an encrypted thread (${kind})`, () => {
    /** @type {Awaited<ReturnType<typeof startHarness>>} */
    let harness;
    before(async () => {
      harness = await startHarness(kind);
    });
    after(async () => {
      await harness?.close();
    });

    /** Both people's pages logged no error; then closes their contexts. */
    async function done(...people) {
      for (const person of people) assert.deepEqual(person.errors, [], `${person.user.displayName}'s page`);
      for (const person of people) await harness.leave(person);
    }

    it(
      'a text one person sends arrives decrypted on the other side, and an answer comes back',
      TEST,
      async () => {
        const { alice, bob } = await harness.twoPeople();
        const hello = unique('Hello Bob, the draft is ready');
        await alice.send(hello);
        await bob.find({ message: hello, selector: '[part~="sender"]', text: 'Alice' });
        const answer = unique('Thanks Alice, reading it now');
        await bob.send(answer);
        await alice.find({ message: answer, selector: '[part~="sender"]', text: 'Bob' });
        assert.deepEqual(await alice.messageTexts(), [hello, answer]);
        assert.deepEqual(await bob.messageTexts(), [hello, answer]);
        await done(alice, bob);
      },
    );

    it('a reply shows the quoted message on the other side', TEST, async () => {
      const { alice, bob } = await harness.twoPeople();
      const question = unique('Can you sign on Friday?');
      await alice.send(question);
      await bob.find({ message: question, selector: '[part~="actions-button"]' });
      await bob.chooseAction(question, 'Reply');
      await bob.find({ selector: '[part~="composer-mode"]', text: question });
      const reply = unique('Friday works');
      await bob.send(reply);
      const quote = await alice.find({ message: reply, selector: '[part~="reply-quote"]' });
      const quoted = await quote.evaluate((el) => ({
        sender: el.querySelector('.quote-sender')?.textContent,
        text: el.querySelector('.quote-text')?.textContent,
      }));
      assert.deepEqual(quoted, { sender: 'You', text: question });
      await done(alice, bob);
    });

    it('an edit replaces the text on the other side, marked edited', TEST, async () => {
      const { alice, bob } = await harness.twoPeople();
      const first = unique('The hearing is on Monday');
      await alice.send(first);
      await bob.find({ message: first, selector: '[part~="message-body"]' });
      await alice.find({ message: first, selector: '[part~="actions-button"]' });
      await alice.chooseAction(first, 'Edit');
      await alice.find({ selector: '[part~="composer-mode"]', text: first });
      const fixed = unique('The hearing is on Tuesday');
      await alice.send(fixed);
      await bob.find({ message: fixed, selector: '.meta', text: 'edited' });
      assert.deepEqual(await bob.messageTexts(), [fixed]);
      await done(alice, bob);
    });

    it('a reaction shows on the other side with who reacted', TEST, async () => {
      const { alice, bob } = await harness.twoPeople();
      const news = unique('The court approved the settlement');
      await alice.send(news);
      await bob.find({ message: news, selector: '[part~="actions-button"]' });
      await bob.chooseAction(news, 'React');
      await bob.click({ selector: '[part~="actions-menu"] [role="menuitemcheckbox"]', text: '🎉' });
      const reaction = await alice.find({ message: news, selector: '[part~="reaction"]', text: '🎉' });
      const shown = await reaction.evaluate((el) => ({
        text: el.textContent.replace(/\s+/g, ' ').trim(),
        label: el.getAttribute('aria-label'),
        pressed: el.getAttribute('aria-pressed'),
      }));
      assert.equal(shown.text, '🎉 1');
      assert.match(shown.label, /Bob/);
      assert.equal(shown.pressed, 'false');
      await done(alice, bob);
    });

    it(
      'an image attached through the file input is decrypted into a preview on the other side',
      TEST,
      async () => {
        const { alice, bob } = await harness.twoPeople();
        const colour = [0, 128, 255];
        const path = harness.writeFile('scan.png', await solidPng(12, 8, colour));
        await alice.attach(path);
        const handle = await bob.waitFor(() => {
          const canvas = document
            .querySelector('bm-secure-chat')
            ?.shadowRoot?.querySelector('[part~="attachment"] canvas[part~="preview"]');
          if (!canvas || canvas.hidden || canvas.width !== 12) return null;
          const pixel = canvas.getContext('2d').getImageData(5, 4, 1, 1).data;
          return { width: canvas.width, height: canvas.height, pixel: [...pixel], label: canvas.ariaLabel };
        });
        const preview = await handle.jsonValue();
        assert.deepEqual(preview, { width: 12, height: 8, pixel: [...colour, 255], label: 'scan.png' });
        await done(alice, bob);
      },
    );

    it(
      'a message written offline shows pending, then arrives exactly once when back online',
      TEST,
      async () => {
        const { alice, bob, thread } = await harness.twoPeople();
        await alice.setOffline(true);
        const offline = unique('Written in the lift');
        await alice.send(offline);
        await alice.find({ message: offline, selector: '.meta', text: 'Sending…' });
        const offlineErrors = alice.errors.splice(0).filter((error) => !NETWORK_ERROR.test(error));
        await alice.setOffline(false);
        await alice.find({ message: offline, selector: '[part~="receipt"]' });
        await bob.find({ message: offline, selector: '[part~="message-body"]' });
        // A later message: once Bob has it, a second copy of the first would have arrived before it.
        const later = unique('Back at my desk');
        await alice.send(later);
        await bob.find({ message: later, selector: '[part~="message-body"]' });
        assert.deepEqual(await bob.messageTexts(), [offline, later]);
        assert.deepEqual(await alice.messageTexts(), [offline, later]);
        const { items } = await harness.api('GET', `/v1/threads/${thread.id}/messages?limit=50`, {
          token: alice.user.token,
        });
        assert.equal(items.length, 2, 'the server stored each message once');
        assert.deepEqual(offlineErrors, []);
        await done(alice, bob);
      },
    );

    it(
      'the server stores envelopes only, and no sent text or file appears in its database or blobs',
      TEST,
      async () => {
        const { alice, bob, thread } = await harness.twoPeople();
        const secret = unique('The witness lives at 12 Elm Street');
        const answer = unique('Keep that out of the filing');
        const fileText = unique('Privileged memo');
        const fileName = `memo-${randomBytes(4).toString('hex')}.txt`;
        await alice.send(secret);
        await bob.find({ message: secret, selector: '[part~="message-body"]' });
        await bob.send(answer);
        await alice.find({ message: answer, selector: '[part~="message-body"]' });
        await alice.attach(harness.writeFile(fileName, fileText));
        await bob.find({ selector: '[part~="attachment"] .file-name', text: fileName });

        const db = new Database(join(harness.dataDir, 'chat.db'), { readonly: true, fileMustExist: true });
        let bodies;
        try {
          bodies = db
            .prepare('SELECT body FROM messages WHERE thread_id = ? ORDER BY seq')
            .all(thread.id)
            .map((row) => JSON.parse(row.body));
        } finally {
          db.close();
        }
        assert.equal(bodies.length, 3);
        for (const body of bodies) {
          assert.deepEqual(Object.keys(body).sort(), ['envelope', 'kind']);
          assert.equal(body.kind, 'envelope');
          assert.match(body.envelope, /^[A-Za-z0-9_-]+$/);
        }

        const files = filesUnder(harness.dataDir);
        assert.ok(
          files.some((f) => f.path.startsWith(join(harness.dataDir, 'blobs'))),
          'a blob was stored',
        );
        for (const text of [secret, answer, fileText, fileName]) {
          const found = files.filter((f) => f.bytes.includes(Buffer.from(text))).map((f) => f.path);
          assert.deepEqual(found, [], `"${text}" is stored in plain text`);
        }
        await done(alice, bob);
      },
    );
  });
}
