// Verification and a key change, end to end: Alice and Bob compare safety numbers in their own browsers and Alice
// marks Bob verified; Bob then starts over in a new browser (a fresh key vault; he chooses to start fresh, so a new
// identity key). Alice's widget tells her, pauses sending to Bob, and resumes once she has compared the new
// number; what she sends then is readable in Bob's new browser. Real reference server, real browsers, real vaults
// (test/e2e/harness.mjs). Runs in Chromium and in Firefox ESR.
// With BM_SCREENSHOTS=1 the Chromium run saves the steps to docs/screenshots/key-change-*.png for the README.
/* global document */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BROWSERS, startHarness } from './harness.mjs';

const unique = (label) => `${label} ${randomBytes(6).toString('hex')}`;
const TEST = { timeout: 240_000 };
const SHOTS = process.env.BM_SCREENSHOTS === '1';

/** The safety number a person's verification dialog shows for `name` (60 digits), read off the page. */
async function safetyNumberFor(person, name) {
  await person.press('[part~="participants-button"]');
  await person.press(`[part~="verify-button"][aria-label*="${name}"]`);
  await person.find('[part~="safety-number"]');
  return person.evaluate(() =>
    [
      ...document
        .querySelector('bm-secure-chat')
        .shadowRoot.querySelectorAll('[part~="safety-number"] li [aria-hidden="true"]'),
    ]
      .map((group) => group.textContent.trim())
      .join(''),
  );
}

/** Closes the open verification dialog with Escape. */
async function closeDialog(person) {
  await person.page.keyboard.press('Escape');
  await person.waitFor(
    () =>
      !document
        .querySelector('bm-secure-chat')
        .shadowRoot.querySelector('dialog[part~="verify-dialog"][open]'),
  );
}

async function shot(person, name) {
  if (SHOTS && person.kind === 'chromium')
    await person.page.screenshot({ path: `docs/screenshots/key-change-${name}.png` });
}

for (const kind of BROWSERS) {
  describe(`verification and a key change (${kind})`, () => {
    /** @type {Awaited<ReturnType<typeof startHarness>>} */
    let harness;
    before(async () => {
      harness = await startHarness(kind);
    });
    after(async () => {
      await harness?.close();
    });

    it(
      'pauses sending to a verified contact whose key changed until the new number is compared, then delivers to the new browser',
      TEST,
      async () => {
        const { alice, bob } = await harness.twoPeople('Matter 2026-131');
        const hello = unique('Draft lease attached');
        await alice.send(hello);
        await bob.find({ message: hello, selector: '[part~="message-body"]' });

        // Both compare the number their own browser computed, and Alice marks Bob verified.
        const aliceSees = await safetyNumberFor(alice, 'Bob');
        const bobSees = await safetyNumberFor(bob, 'Alice');
        assert.match(aliceSees, /^\d{60}$/);
        assert.equal(aliceSees, bobSees);
        await shot(alice, '1-compare');
        await alice.press('[part~="verify-toggle"]');
        await alice.find({ selector: '[part~="verify-toggle"]', text: 'Clear verification' });
        await closeDialog(alice);
        await closeDialog(bob);
        await alice.find('[part~="verified-badge"]');

        // Bob starts over in another browser: a fresh vault. He has no other device to link from and no
        // recovery backup, so he chooses to start fresh, with a new identity key.
        const bobUser = bob.user;
        await harness.leave(bob);
        const bobAgain = await harness.openPerson(bobUser);
        await bobAgain.press('[part~="setup-notice"] [data-choice="start-fresh"]');
        await bobAgain.press('dialog[part~="recovery-dialog"] [part~="recovery-confirm"]');
        await bobAgain.find('dialog[part~="recovery-dialog"] .done');
        await bobAgain.page.keyboard.press('Escape');
        await bobAgain.openThread('Matter 2026-131');

        // Alice's widget learns of Bob's new keys (the server's live keys event, or her next send) and pauses
        // sending to him, saying why.
        await alice.find({ selector: '[part~="key-change-notice"].blocking', text: 'Bob' });
        await alice.waitFor(
          () =>
            document.querySelector('bm-secure-chat').shadowRoot.querySelector('[part~="send-button"]')
              .disabled,
        );
        await shot(alice, '2-paused');

        // She compares the new number with Bob's new browser and marks it verified: sending resumes.
        await alice.press({ selector: '[part~="key-change-notice"] button.verify' });
        await alice.find('[part~="safety-number"]');
        const newNumber = await alice.evaluate(() =>
          [
            ...document
              .querySelector('bm-secure-chat')
              .shadowRoot.querySelectorAll('[part~="safety-number"] li [aria-hidden="true"]'),
          ]
            .map((group) => group.textContent.trim())
            .join(''),
        );
        assert.notEqual(newNumber, aliceSees);
        assert.equal(newNumber, await safetyNumberFor(bobAgain, 'Alice'));
        await closeDialog(bobAgain);
        await shot(alice, '3-new-number');
        await alice.press('[part~="verify-toggle"]');
        await closeDialog(alice);
        await alice.waitFor(
          () =>
            !document
              .querySelector('bm-secure-chat')
              .shadowRoot.querySelector('[part~="key-change-notice"].blocking'),
        );
        const after = unique('Resumed after comparing numbers');
        await alice.send(after);
        await bobAgain.find({ message: after, selector: '[part~="sender"]', text: 'Alice' });
        // What was sent before Bob's new browser existed is marked as such there, not shown as an error.
        await bobAgain.find({ selector: '[part~="message-body"].info' });
        await shot(bobAgain, '4-new-browser');
        assert.deepEqual(alice.errors, []);
        assert.deepEqual(bobAgain.errors, []);
      },
    );
  });
}
