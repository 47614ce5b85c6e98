// One person in two browser contexts (two key vaults) on the real reference server: the second browser is linked
// from the first through the Devices dialog by comparing the code on both, and then both read what a contact
// sends in an encrypted thread; removing the second stops it reading. Runs in Chromium and in Firefox ESR.
/* global document */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BROWSERS, startHarness } from './harness.mjs';

const unique = (label) => `${label} ${randomBytes(6).toString('hex')}`;
const TEST = { timeout: 120_000 };

/** The link code as the dialog shows it, digits only. */
const codeOf = (person) =>
  person
    .waitFor(() => {
      const shown = document
        .querySelector('bm-secure-chat')
        ?.shadowRoot?.querySelector('[part~="link-code"] [aria-hidden="true"]')?.textContent;
      return shown ? shown.replace(/\s/g, '') : null;
    })
    .then((handle) => handle.jsonValue());

/** Clicks, again if the dialog drew a new view under the element between finding and clicking it. */
async function press(person, spec) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await person.click(spec);
    } catch (error) {
      if (attempt >= 3 || !/not attached|detached/i.test(String(error?.message))) throw error;
    }
  }
}

/** Waits (up to 60 s: three browser contexts share two cores) until a message row with this text is shown. */
async function shows(person, text) {
  return person.waitFor(
    (wanted) =>
      [
        ...(document
          .querySelector('bm-secure-chat')
          ?.shadowRoot?.querySelectorAll('[part~="message-body"]') ?? []),
      ].some((body) => body.textContent?.includes(wanted)),
    text,
    60_000,
  );
}

for (const kind of BROWSERS) {
  describe(`linked devices (${kind})`, () => {
    /** @type {Awaited<ReturnType<typeof startHarness>>} */
    let harness;
    before(async () => {
      harness = await startHarness(kind);
    });
    after(async () => {
      await harness?.close();
    });

    it(
      'links a second browser by the code on both screens; both read the next message, and after removal the second does not',
      TEST,
      async () => {
        const [aliceUser, bobUser] = await harness.createUsers(['Alice', 'Bob']);
        // A plain conversation only: a browser that meets an encrypted one at start makes its keys at once.
        await harness.api('POST', '/v1/threads', {
          token: aliceUser.token,
          body: { title: 'Plain start', participantIds: [bobUser.id], encrypted: false },
        });
        const first = await harness.openPerson(aliceUser);
        await press(first, '[part~="devices-button"]');
        await first.find({ selector: '[part~="device-item"]', text: 'This browser' });

        const second = await harness.openPerson(aliceUser);
        await press(second, '[part~="devices-button"]');
        await press(second, '[part~="link-button"]');
        await press(first, { selector: '[part~="link-request"] button' });
        const [mine, theirs] = await Promise.all([codeOf(first), codeOf(second)]);
        assert.match(mine, /^\d{6}$/);
        assert.equal(theirs, mine);
        await press(second, '[part~="link-confirm"]');
        await press(first, '[part~="link-confirm"]');
        await second.find({ selector: '[part~="devices-dialog"]', text: 'This browser is linked' });
        await first.find({ selector: '[part~="devices-dialog"]', text: 'The new browser is linked' });
        await first.waitFor(
          () =>
            document.querySelector('bm-secure-chat')?.shadowRoot?.querySelectorAll('[part~="device-item"]')
              .length === 2,
        );
        for (const person of [first, second]) await person.page.keyboard.press('Escape');

        await harness.api('POST', '/v1/threads', {
          token: bobUser.token,
          body: { title: 'Encrypted matter', participantIds: [aliceUser.id], encrypted: true },
        });
        const bob = await harness.openPerson(bobUser);
        await bob.openThread('Encrypted matter');
        await first.openThread('Encrypted matter');
        await second.openThread('Encrypted matter');
        const hello = unique('For both of your browsers');
        await bob.send(hello);
        await shows(first, hello);
        await shows(second, hello);

        // Remove the second browser from the first.
        await press(first, '[part~="devices-button"]');
        await press(first, '[part~="revoke-button"]');
        await press(first, '[part~="revoke-confirm"]');
        await first.find({ selector: '[part~="devices-dialog"]', text: 'Device removed.' });
        await first.page.keyboard.press('Escape');
        const after = unique('Only for the first browser');
        await bob.send(after);
        await shows(first, after);
        await second.waitFor(
          () =>
            document.querySelector('bm-secure-chat')?.shadowRoot?.querySelectorAll('[part~="message"]')
              .length === 2,
        );
        assert.ok(!(await second.messageTexts()).some((text) => text.includes(after)));
        assert.ok(!(await second.has({ message: after, selector: '[part~="message-body"]' })));

        // The removed browser asks for keys the server no longer gives it (403 not-your-device): the browser logs
        // the refused request itself; the page takes it as "no key" and shows the message as unreadable.
        second.errors = second.errors.filter((error) => !/status of 403/.test(error));
        for (const person of [first, second, bob])
          assert.deepEqual(person.errors, [], `${person.user.displayName}'s page`);
        for (const person of [first, second, bob]) await harness.leave(person);
      },
    );
  });
}
