import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { ChatAdapter } from '../../src/adapter/types.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { uniqueUserId } from '../vault/helpers.js';
import { chatWith, until } from './helpers.js';

/**
 * Alice and Bob (and anyone else named) each in their own widget with their own vault, on one in-memory
 * backend, with one thread between them open on both sides.
 */
export async function twoPeople(
  encrypted: boolean,
  names: { alice?: string; bob?: string; others?: string[] } = {},
  wrapAlice: (adapter: ChatAdapter) => ChatAdapter = (adapter) => adapter,
) {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: names.alice ?? 'Alice' });
  hub.addUser({ id: bob, displayName: names.bob ?? 'Bob' });
  const others = (names.others ?? []).map((displayName) => {
    const id = uniqueUserId('other');
    hub.addUser({ id, displayName });
    return id;
  });
  const thread = await hub
    .adapterFor(alice)
    .createThread({ title: 'Matter 42', participantIds: [bob, ...others], encrypted });
  const a = await chatWith(wrapAlice(hub.adapterFor(alice)), alice);
  const b = await chatWith(hub.adapterFor(bob), bob);
  return { hub, alice, bob, others, thread, a, b, ra: await open(a), rb: await open(b) };
}

/** Opens the first thread and waits for its composer. */
export async function open(el: BmSecureChat): Promise<ShadowRoot> {
  const root = el.shadowRoot!;
  root.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
  await until(() => !!root.querySelector('[part~="input"]'));
  await el.updateComplete;
  return root;
}

export const input = (root: ShadowRoot) => root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;

/** Types into the composer as a user would (one input event) without sending. */
export function typeInto(root: ShadowRoot, text: string): void {
  const field = input(root);
  field.value = text;
  field.setSelectionRange(text.length, text.length);
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

/** Writes and sends a message through the composer, then waits until the server has stored it. */
export async function say(root: ShadowRoot, text: string): Promise<HTMLElement> {
  typeInto(root, text);
  root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
  return until(() => !!row(root, text)?.querySelector('[part~="receipt"]')).then(() => row(root, text)!);
}

/** The message row whose text contains `text`. */
export function row(root: ShadowRoot, text: string): HTMLElement | undefined {
  return [...root.querySelectorAll<HTMLElement>('[part~="message"]')].find((m) =>
    m.querySelector('[part~="message-body"]')?.textContent?.includes(text),
  );
}

export async function waitForRow(root: ShadowRoot, text: string): Promise<HTMLElement> {
  await until(() => !!row(root, text));
  return row(root, text)!;
}

/** Opens a message's actions menu by its button and returns the menu once focus is in it. */
export async function openMenu(root: ShadowRoot, message: HTMLElement): Promise<HTMLElement> {
  message.querySelector<HTMLButtonElement>('[part~="actions-button"]')!.click();
  await until(() => !!root.activeElement?.closest('[part~="actions-menu"]'));
  return root.querySelector<HTMLElement>('[part~="actions-menu"]')!;
}

export function menuLabels(menu: HTMLElement): string[] {
  return [...menu.querySelectorAll('button')].map((b) => b.textContent!.trim());
}

export function menuItem(menu: HTMLElement, label: string): HTMLButtonElement {
  const item = [...menu.querySelectorAll('button')].find((b) => b.textContent!.trim() === label);
  expect(item, `menu item ${label}`).to.exist;
  return item!;
}

/** The text a screen reader gets for a receipt. */
export const receipt = (message: HTMLElement) =>
  message.querySelector('[part~="receipt"] .visually-hidden')?.textContent ?? null;
