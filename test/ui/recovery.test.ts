import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { AdapterError } from '../../src/adapter/types.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { deleteVaultDatabase, vaultDatabaseName } from '../../src/vault/index.js';
import { cleanUpVaults } from '../vault/helpers.js';
import { chatWith, until } from './helpers.js';
import { open, say, twoPeople, waitForRow } from './two-people.js';

const PASSPHRASE = 'orbit tulip canyon marble whisper';

const dialogOf = (root: ShadowRoot) =>
  root.querySelector<HTMLDialogElement>('dialog[part~="recovery-dialog"]');
const confirmButton = (dialog: HTMLElement) =>
  dialog.querySelector<HTMLButtonElement>('[part~="recovery-confirm"]')!;

/** Types into a dialog field as a user would: focus, then keys. */
async function typeIn(field: HTMLInputElement, text: string): Promise<void> {
  field.focus();
  field.value = '';
  await sendKeys({ type: text });
}

/** Alice's widget offers recovery at her first encrypted use; she sets it up through the dialog. */
async function turnOn(ra: ShadowRoot): Promise<HTMLDialogElement> {
  await until(() => !!ra.querySelector('[part~="recovery-offer"]'));
  ra.querySelector<HTMLButtonElement>('[part~="recovery-offer"] .set-up')!.click();
  await until(() => !!dialogOf(ra)?.open);
  const dialog = dialogOf(ra)!;
  await until(() => ra.activeElement?.id === 'recovery-passphrase');
  await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-passphrase')!, PASSPHRASE);
  await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-repeat')!, PASSPHRASE);
  return dialog;
}

/** Alice wrote a message and turned recovery on; then her laptop was lost: its widget and its vault are gone. */
async function lostLaptop() {
  const { hub, alice, a, ra } = await twoPeople(true);
  await say(ra, 'written before the laptop was lost');
  const dialog = await turnOn(ra);
  confirmButton(dialog).click();
  await until(() => !!dialog.querySelector('.done'), 30_000);
  a.remove();
  await deleteVaultDatabase(vaultDatabaseName(alice));
  return { hub, alice };
}

/** Presses the setup notice's `choice`, types `passphrase` into the dialog it opens and sends it; the dialog. */
async function restoreFromNotice(root: ShadowRoot, choice: string, passphrase: string) {
  root.querySelector<HTMLButtonElement>(`[part~="setup-notice"] [data-choice="${choice}"]`)!.click();
  await until(() => !!dialogOf(root)?.open);
  const dialog = dialogOf(root)!;
  await until(() => root.activeElement?.id === 'recovery-passphrase');
  await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-passphrase')!, passphrase);
  confirmButton(dialog).click();
  return dialog;
}

describe('recovery dialogs (widget, two vaults, real crypto at the production PBKDF2 count)', () => {
  afterEach(cleanUpVaults);

  it('offers recovery at first encrypted use with a live strength hint, a minimum and the plain warning; turns it on', async () => {
    const { hub, alice, ra } = await twoPeople(true);
    await until(() => !!ra.querySelector('[part~="recovery-offer"]'));
    expect(ra.querySelector('[part~="recovery-offer"]')!.textContent).to.contain(
      'a lost device means lost history',
    );
    ra.querySelector<HTMLButtonElement>('[part~="recovery-offer"] .set-up')!.click();
    await until(() => !!dialogOf(ra)?.open);
    const dialog = dialogOf(ra)!;
    await until(() => ra.activeElement?.id === 'recovery-passphrase');
    const field = dialog.querySelector<HTMLInputElement>('#recovery-passphrase')!;
    await typeIn(field, 'password123');
    const hint = dialog.querySelector('[part~="passphrase-strength"]')!;
    await until(() => hint.textContent!.includes('Not strong enough'));
    expect(hint.textContent).to.contain('This is a common password.');
    expect(confirmButton(dialog).disabled).to.equal(true);
    await typeIn(field, PASSPHRASE);
    await until(() => !hint.textContent!.includes('Not strong enough'));
    await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-repeat')!, 'orbit tulip');
    await until(() => !!dialog.querySelector('.mismatch'));
    expect(confirmButton(dialog).disabled).to.equal(true);
    await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-repeat')!, PASSPHRASE);
    await until(() => !confirmButton(dialog).disabled);
    await expect(dialog).to.be.accessible();
    // Touch targets: every button and field of the offer and the dialog is at least 44 by 44 CSS px.
    const targets = [...ra.querySelectorAll<HTMLElement>('[part~="recovery-offer"] button')];
    targets.push(...dialog.querySelectorAll<HTMLElement>('button, input'));
    for (const target of targets) {
      const box = target.getBoundingClientRect();
      expect(Math.min(box.width, box.height), target.outerHTML.slice(0, 80)).to.be.at.least(44);
    }
    confirmButton(dialog).click();
    await until(() => !!dialog.querySelector('.done'), 30_000);
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.not.equal(null);
    expect(ra.querySelector('[part~="recovery-offer"]')).to.equal(null);
    // Closing returns focus to the conversation (the offer that opened it is gone).
    dialog.querySelector<HTMLButtonElement>('.confirm')!.click();
    await until(() => !dialogOf(ra));
    expect(ra.activeElement?.getAttribute('part')).to.equal('input');
  });

  it('remembers "Not now" in the vault: a reload does not offer again', async () => {
    const { hub, alice, a, ra } = await twoPeople(true);
    await until(() => !!ra.querySelector('[part~="recovery-offer"]'));
    ra.querySelector<HTMLButtonElement>('[part~="recovery-offer"] .not-now')!.click();
    await until(() => !ra.querySelector('[part~="recovery-offer"]'));
    a.remove();
    const again = await chatWith(hub.adapterFor(alice), alice);
    const root = await open(again);
    await again.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(root.querySelector('[part~="recovery-offer"]')).to.equal(null);
    // The settings dialog in the header still turns it on.
    root.querySelector<HTMLButtonElement>('[part~="recovery-button"]')!.click();
    await until(() => !!dialogOf(root)?.querySelector('[role="status"]')?.textContent?.includes('off'));
    await expect(dialogOf(root)!).to.be.accessible();
  });

  it('on a fresh browser offers restore and start fresh; a wrong passphrase is refused; the right one brings history back', async () => {
    const { hub, alice } = await lostLaptop();

    const fresh: BmSecureChat = await chatWith(hub.adapterFor(alice), alice);
    const root = fresh.shadowRoot!;
    await until(() => !!root.querySelector('[part~="setup-notice"]'));
    const choices = [...root.querySelectorAll('[part~="setup-notice"] button')].map((b) =>
      b.textContent!.trim(),
    );
    expect(choices).to.deep.equal([
      'Link from your other device',
      'Restore with your recovery passphrase',
      'Start fresh on this browser',
    ]);
    await expect(root.querySelector('[part~="setup-notice"]')!).to.be.accessible();
    const restore = await restoreFromNotice(root, 'restore', 'orbit tulip canyon');
    await until(() => !!restore.querySelector('[role="alert"]'), 30_000);
    expect(restore.querySelector('[role="alert"]')!.textContent).to.contain(
      'That passphrase does not open your backup.',
    );
    await expect(restore).to.be.accessible();
    await typeIn(restore.querySelector<HTMLInputElement>('#recovery-passphrase')!, PASSPHRASE);
    confirmButton(restore).click();
    await until(() => !!restore.querySelector('.done'), 30_000);
    expect(root.querySelector('[part~="setup-notice"]')).to.equal(null);
    await open(fresh);
    await waitForRow(root, 'written before the laptop was lost');
  });

  it('a restore the network cut short: the next page says so, and the passphrase again finishes it', async () => {
    const { hub, alice } = await lostLaptop();

    // The new laptop's restore publishes its device, then loses the network while fetching the backup's keys.
    const adapter = hub.adapterFor(alice);
    const getSealedKeys = adapter.getSealedKeys.bind(adapter);
    adapter.getSealedKeys = () => Promise.reject(new AdapterError('network', 'network down'));
    const first = await chatWith(adapter, alice);
    const firstRoot = first.shadowRoot!;
    await until(() => !!firstRoot.querySelector('[part~="setup-notice"] [data-choice="restore"]'));
    const restore = await restoreFromNotice(firstRoot, 'restore', PASSPHRASE);
    await until(() => !!restore.querySelector('[role="alert"]'), 30_000);
    first.remove();

    // The page again, online: it does not read as set up; it says the restore did not finish and offers that.
    adapter.getSealedKeys = getSealedKeys;
    const again = await chatWith(adapter, alice);
    const root = again.shadowRoot!;
    await until(() => !!root.querySelector('[part~="setup-notice"]'));
    const notice = root.querySelector('[part~="setup-notice"]')!;
    expect(notice.textContent).to.contain('Restoring this browser from your backup did not finish.');
    expect([...notice.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.deep.equal([
      'Finish restoring',
    ]);
    await expect(notice).to.be.accessible();
    const finish = await restoreFromNotice(root, 'finish-restore', PASSPHRASE);
    await until(() => !!finish.querySelector('.done'), 30_000);
    expect(root.querySelector('[part~="setup-notice"]')).to.equal(null);
    await open(again);
    await waitForRow(root, 'written before the laptop was lost');
  });

  it('shows a server’s error reason as text, never as markup', async () => {
    const payload = '<img src=x onerror="window.__recoveryXss=1">';
    const { ra } = await twoPeople(true, {}, (adapter) => {
      const putRecoveryBlob = () => Promise.reject(new AdapterError('server', 'down', 500, payload));
      return new Proxy(adapter, {
        get: (target, key) =>
          key === 'putRecoveryBlob'
            ? putRecoveryBlob
            : ((value) => (typeof value === 'function' ? value.bind(target) : value))(
                Reflect.get(target, key),
              ),
      });
    });
    const dialog = await turnOn(ra);
    confirmButton(dialog).click();
    await until(() => !!dialog.querySelector('[role="alert"]'), 30_000);
    expect(dialog.querySelector('[role="alert"]')!.textContent).to.contain(payload);
    expect(dialog.querySelector('img')).to.equal(null);
    expect((window as { __recoveryXss?: number }).__recoveryXss).to.equal(undefined);
  });

  it('changes the passphrase (the current one checked first) and turns recovery off from the header button', async () => {
    const { hub, alice, ra } = await twoPeople(true);
    const enable = await turnOn(ra);
    confirmButton(enable).click();
    await until(() => !!enable.querySelector('.done'), 30_000);
    enable.querySelector<HTMLButtonElement>('.confirm')!.click();
    await until(() => !dialogOf(ra));

    const settings = async () => {
      ra.querySelector<HTMLButtonElement>('[part~="recovery-button"]')!.click();
      await until(
        () => !!dialogOf(ra)?.querySelector('[role="status"]')?.textContent?.includes('Recovery is on'),
      );
      return dialogOf(ra)!;
    };
    let dialog = await settings();
    await expect(dialog).to.be.accessible();
    [...dialog.querySelectorAll('button')]
      .find((b) => b.textContent!.trim() === 'Change passphrase')!
      .click();
    await until(() => ra.activeElement?.id === 'recovery-current');
    const next = 'lantern velvet harbor quartz meadow';
    await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-current')!, 'not the passphrase at all');
    await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-passphrase')!, next);
    await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-repeat')!, next);
    const before = await hub.adapterFor(alice).getRecoveryBlob();
    confirmButton(dialog).click();
    await until(() => !!dialog.querySelector('[role="alert"]'), 30_000);
    expect(dialog.querySelector('[role="alert"]')!.textContent).to.contain('does not open your backup');
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.deep.equal(before);
    await typeIn(dialog.querySelector<HTMLInputElement>('#recovery-current')!, PASSPHRASE);
    confirmButton(dialog).click();
    await until(() => !!dialog.querySelector('.done'), 30_000);
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.not.deep.equal(before);
    dialog.querySelector<HTMLButtonElement>('.confirm')!.click();
    await until(() => !dialogOf(ra));
    // Focus returns to the header button that opened the dialog.
    expect(ra.activeElement?.getAttribute('part')).to.equal('recovery-button');

    dialog = await settings();
    [...dialog.querySelectorAll('button')]
      .find((b) => b.textContent!.trim() === 'Turn off recovery')!
      .click();
    await until(() => !!dialog.querySelector('.warning')?.textContent?.includes('deleted from the server'));
    await expect(dialog).to.be.accessible();
    confirmButton(dialog).click();
    await until(() => !!dialog.querySelector('.done'), 30_000);
    expect(await hub.adapterFor(alice).getRecoveryBlob()).to.equal(null);
  });

  it('starts fresh on a browser of a user without a backup, after saying what it costs', async () => {
    const { hub, alice, bob, a, ra } = await twoPeople(true);
    await until(() => !!ra.querySelector('[part~="recovery-offer"]'));
    const [before] = await hub.adapterFor(bob).fetchKeys([alice]);
    a.remove();
    await deleteVaultDatabase(vaultDatabaseName(alice));
    const fresh = await chatWith(hub.adapterFor(alice), alice);
    const root = fresh.shadowRoot!;
    await until(() => !!root.querySelector('[part~="setup-notice"]'));
    const choices = [...root.querySelectorAll('[part~="setup-notice"] button')].map((b) =>
      b.textContent!.trim(),
    );
    expect(choices).to.deep.equal(['Link from your other device', 'Start fresh on this browser']);
    root.querySelector<HTMLButtonElement>('[part~="setup-notice"] [data-choice="start-fresh"]')!.click();
    await until(() => !!dialogOf(root)?.open);
    const dialog = dialogOf(root)!;
    expect(dialog.querySelector('.warning')!.textContent).to.contain('contacts are told your key changed');
    await expect(dialog).to.be.accessible();
    confirmButton(dialog).click();
    await until(() => !!dialog.querySelector('.done'), 30_000);
    const [after] = await hub.adapterFor(bob).fetchKeys([alice]);
    expect(after!.identityKey).to.not.equal(before!.identityKey);
    expect(root.querySelector('[part~="setup-notice"]')).to.equal(null);
    // The new identity is offered recovery, as a first one is, in the encrypted thread.
    await open(fresh);
    await until(() => !!root.querySelector('[part~="recovery-offer"]'));
  });

  it('speaks Arabic right to left in the offer and the dialog, and stays accessible', async () => {
    const { a, ra } = await twoPeople(true);
    a.lang = 'ar';
    await a.updateComplete;
    await until(() => !!ra.querySelector('[part~="recovery-offer"]'));
    expect(ra.querySelector('[part~="recovery-offer"]')!.textContent).to.contain(
      'فقدان الجهاز يعني فقدان السجل',
    );
    ra.querySelector<HTMLButtonElement>('[part~="recovery-offer"] .set-up')!.click();
    await until(() => !!dialogOf(ra)?.open);
    const dialog = dialogOf(ra)!;
    expect(dialog.querySelector('label[for="recovery-passphrase"]')!.textContent).to.equal('العبارة');
    expect(getComputedStyle(dialog).direction).to.equal('rtl');
    await expect(dialog).to.be.accessible();
  });
});
