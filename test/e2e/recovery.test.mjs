// Recovery end to end: Alice turns on a recovery passphrase at her first encrypted use, loses her browser, and
// restores her history in a fresh browser context (an empty key vault) against the real reference server, through
// the widget's UI (test/e2e/harness.mjs). Runs in Chromium and in Firefox ESR, at the production PBKDF2 count.
/* global document */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BROWSERS, startHarness } from './harness.mjs';

const PASSPHRASE = 'orbit tulip canyon marble whisper';
const unique = (label) => `${label} ${randomBytes(6).toString('hex')}`;
// Generous: PBKDF2 at 600,000 iterations runs three times, and Firefox under a loaded machine is slow.
const TEST = { timeout: 300_000 };

/** Replaces a dialog field's text, typed key by key. */
async function fill(person, id, text) {
  const field = await person.find({ selector: `[part~="recovery-dialog"] #${id}`, visible: true });
  await field.evaluate((el) => {
    el.focus();
    el.select();
  });
  await field.type(text);
}

/** Runs in the page: the recovery dialog shows `selector` (its "Done." line, or its alert). */
function dialogShows(selector) {
  const root = document.querySelector('bm-secure-chat')?.shadowRoot;
  return !!root?.querySelector(`[part~="recovery-dialog"] ${selector}`);
}

/** Each step runs PBKDF2 at 600,000 iterations and a few requests: on a loaded machine Firefox needs longer. */
const PBKDF2_WAIT = 90_000;
const dialogDone = (person) => person.waitFor(dialogShows, '.done', PBKDF2_WAIT);

for (const kind of BROWSERS) {
  describe(`recovery in a fresh browser (${kind})`, () => {
    /** @type {Awaited<ReturnType<typeof startHarness>>} */
    let harness;
    before(async () => {
      harness = await startHarness(kind);
    });
    after(async () => {
      await harness?.close();
    });

    it(
      'restores the history with the passphrase after a wrong one was refused; the identity stays',
      TEST,
      async () => {
        const title = 'Matter 2026-114';
        const { alice, bob } = await harness.twoPeople(title);
        await alice.click('[part~="recovery-offer"] .set-up');
        await fill(alice, 'recovery-passphrase', PASSPHRASE);
        await fill(alice, 'recovery-repeat', PASSPHRASE);
        await alice.click('[part~="recovery-confirm"]');
        await dialogDone(alice);
        await alice.click({ selector: '[part~="recovery-dialog"] button', text: 'Close' });
        const before = unique('Written before the laptop was lost');
        await alice.send(before);
        await bob.find({ message: before, selector: '[part~="message-body"]' });
        const identity = async () =>
          (await harness.api('GET', `/v1/keys?users=${alice.user.id}`, { token: bob.user.token }))[0];
        const published = await identity();
        assert.deepEqual(alice.errors, []);
        await harness.leave(alice);

        // A fresh browser context: an empty key vault. Nothing is published until Alice chooses.
        const fresh = await harness.openPerson(alice.user);
        await fresh.find({ selector: '[part~="setup-notice"]', text: 'no keys for your account' });
        assert.equal((await identity()).identityKey, published.identityKey);
        await fresh.click('[part~="setup-notice"] [data-choice="restore"]');
        await fill(fresh, 'recovery-passphrase', 'orbit tulip canyon marble');
        await fresh.click('[part~="recovery-confirm"]');
        await fresh.find({ selector: '[part~="recovery-dialog"] [role="alert"]', text: 'does not open' });
        await fill(fresh, 'recovery-passphrase', PASSPHRASE);
        await fresh.click('[part~="recovery-confirm"]');
        await dialogDone(fresh);
        await fresh.click({ selector: '[part~="recovery-dialog"] button', text: 'Close' });
        await fresh.openThread(title);
        await fresh.find({ message: before, selector: '[part~="message-body"]' });

        // The same identity key (Bob's safety number does not change), one more device, and live messages.
        const restored = await identity();
        assert.equal(restored.identityKey, published.identityKey);
        assert.equal(restored.devices.length, published.devices.length + 1);
        const after = unique('Welcome back');
        await bob.send(after);
        await fresh.find({ message: after, selector: '[part~="message-body"]' });
        assert.deepEqual(fresh.errors, []);
        assert.deepEqual(bob.errors, []);
        await harness.leave(fresh);
        await harness.leave(bob);
      },
    );
  });
}
