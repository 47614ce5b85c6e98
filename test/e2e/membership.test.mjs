// Three people, each in their own browser context with their own key vault, in an encrypted thread on the real
// reference server: Alice removes Carol and adds Dave through the people dialog (test/e2e/harness.mjs). What
// is sent after the removal is sealed to no device of Carol's; Dave reads what is sent after he joined and sees
// the earlier history as not available to him. Runs in Chromium and in Firefox ESR.
/* global document */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { BROWSERS, startHarness } from './harness.mjs';

const unique = (label) => `${label} ${randomBytes(6).toString('hex')}`;

/** Four browser contexts on a loaded machine: each wait fails after 45 s (harness.mjs). */
const TEST = { timeout: 240_000 };

for (const kind of BROWSERS) {
  describe(`adding and removing people in an encrypted thread (${kind})`, () => {
    /** @type {Awaited<ReturnType<typeof startHarness>>} */
    let harness;
    before(async () => {
      harness = await startHarness(kind);
    });
    after(async () => {
      await harness?.close();
    });

    /** Reads the server's database: the sealed keys of a thread, by epoch, and a user's device ids. */
    function stored(threadId, userId) {
      const db = new Database(join(harness.dataDir, 'chat.db'), { readonly: true, fileMustExist: true });
      try {
        const sealed = db
          .prepare('SELECT epoch, recipient_id FROM sealed_keys WHERE thread_id = ? ORDER BY epoch')
          .all(threadId);
        const devices = db.prepare('SELECT device_id FROM devices WHERE user_id = ?').pluck().all(userId);
        return { sealed, devices };
      } finally {
        db.close();
      }
    }

    /** Waits (bounded) until each user has published a device, so what is sent next is sealed to it. */
    async function published(threadId, users) {
      for (let tries = 0; users.some((user) => stored(threadId, user.id).devices.length === 0); tries++) {
        assert.ok(tries < 400, 'every page published its device');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it(
      'a removed member gets no key for what follows; an added one reads from then on, not before',
      TEST,
      async () => {
        const title = 'Matter 2026-207';
        const [aliceUser, bobUser, carolUser, daveUser] = await harness.createUsers([
          'Alice',
          'Bob',
          'Carol',
          'Dave',
        ]);
        const thread = await harness.api('POST', '/v1/threads', {
          token: aliceUser.token,
          body: { title, participantIds: [bobUser.id, carolUser.id], encrypted: true },
        });
        const [alice, bob, carol, dave] = await Promise.all(
          [aliceUser, bobUser, carolUser, daveUser].map((user) => harness.openPerson(user)),
        );
        // Each page is shown, as on its own device: Firefox throttles a hidden one so hard that Bob's page, in a
        // tab behind the others, once did not show Alice's message within 45 s.
        for (const person of [alice, bob, carol, dave])
          assert.ok(await person.inFront(), `${person.user.displayName}'s page is shown`);
        await Promise.all([alice, bob, carol].map((person) => person.openThread(title)));
        await published(thread.id, [aliceUser, bobUser, carolUser]);

        const before = unique('Before the change');
        await alice.send(before);
        await carol.find({ message: before, selector: '[part~="message-body"]' });
        await bob.find({ message: before, selector: '[part~="message-body"]' });

        // Alice removes Carol through the people dialog.
        await alice.press('[part~="participants-button"]');
        await alice.press('[part~="remove-participant"][aria-label="Remove Carol"]');
        await alice.find({ selector: '#verify-title', text: 'Remove Carol?' });
        await alice.find({ selector: '#remove-body', text: 'cannot decrypt anything sent here after this' });
        await alice.press('[part~="remove-confirm"]');
        await alice.waitFor(
          () =>
            ![
              ...(document
                .querySelector('bm-secure-chat')
                ?.shadowRoot?.querySelectorAll('[part~="participant"]') ?? []),
            ].some((row) => row.textContent?.includes('Carol')),
        );
        // Carol's widget drops the thread.
        await carol.waitFor(
          () => !document.querySelector('bm-secure-chat')?.shadowRoot?.querySelector('[part~="thread-item"]'),
        );

        // And adds Dave from her contacts.
        await alice.press('[part~="add-participants-button"]');
        await alice.press({ selector: '[part~="contact-option"]', text: 'Dave' });
        await alice.press('[part~="add-confirm"]');
        await alice.find({ selector: '[part~="participant"]', text: 'Dave' });
        await alice.press({ selector: '[part~="verify-dialog"] .cancel', text: 'Close' });
        // Dave's widget publishes its device when the thread event tells it of an encrypted thread; Alice's next
        // send must find it (before that, Dave is pending and what is sent stays unreadable to him).
        await published(thread.id, [daveUser]);

        const afterward = unique('After the change');
        await alice.send(afterward);
        await bob.find({ message: afterward, selector: '[part~="message-body"]' });
        await dave.openThread(title);
        await dave.find({ message: afterward, selector: '[part~="message-body"]' });
        await dave.find({ selector: '[part~="message-body"]', text: 'sent before you joined' });
        assert.ok(!(await dave.messageTexts()).includes(before), 'Dave cannot read what came before');

        const { sealed, devices } = stored(thread.id, carolUser.id);
        assert.equal(devices.length, 1, 'Carol published one device');
        const newest = Math.max(...sealed.map((row) => row.epoch));
        assert.ok(newest >= 2, 'a new epoch began');
        const carolKeys = sealed.filter((row) => devices.includes(row.recipient_id)).map((row) => row.epoch);
        assert.deepEqual(carolKeys, [1], 'Carol holds the first epoch only');
        const daveDevices = stored(thread.id, daveUser.id).devices;
        assert.ok(
          sealed.some((row) => row.epoch === newest && daveDevices.includes(row.recipient_id)),
          'the new epoch is sealed to Dave',
        );
        for (const person of [alice, bob, carol, dave]) assert.deepEqual(person.errors, []);
      },
    );
  });
}
