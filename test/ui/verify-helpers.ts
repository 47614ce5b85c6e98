/** Opening the verification dialog as a user would: the header's people button, then a person's Verify. */
import { until } from './helpers.js';

export const dialogOf = (root: ShadowRoot) =>
  root.querySelector<HTMLDialogElement>('dialog[part~="verify-dialog"]');

export async function openPeople(root: ShadowRoot): Promise<HTMLDialogElement> {
  root.querySelector<HTMLButtonElement>('[part~="participants-button"]')!.click();
  await until(() => !!dialogOf(root)?.open);
  return dialogOf(root)!;
}

/** Opens one person's safety number and waits for its digits. */
export async function openContact(root: ShadowRoot, name: string): Promise<HTMLDialogElement> {
  const dialog = await openPeople(root);
  const button = [...dialog.querySelectorAll<HTMLButtonElement>('[part~="verify-button"]')].find((b) =>
    b.getAttribute('aria-label')!.includes(name),
  )!;
  button.click();
  await until(() => !!dialog.querySelector('[part~="safety-number"]'));
  return dialog;
}

/** The digits as shown (the groups, joined). */
export const digitsIn = (dialog: HTMLElement) =>
  [...dialog.querySelectorAll('[part~="safety-number"] li [aria-hidden="true"]')]
    .map((group) => group.textContent!.trim())
    .join('');

export const toggle = (dialog: HTMLElement) =>
  dialog.querySelector<HTMLButtonElement>('[part~="verify-toggle"]')!;
