import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, post, until } from './helpers.js';

/** The element at a width: the layout follows the element's own width (a container query), not the page's. */
async function chatAt(width: number): Promise<{ el: BmSecureChat; root: ShadowRoot; threadId: string }> {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const thread = await hub.adapterFor(alice).createThread({
    title: 'Lease renewal for the office on Main Street',
    participantIds: [bob],
    encrypted: false,
  });
  await hub.adapterFor(alice).createThread({ title: 'Invoices', participantIds: [bob], encrypted: false });
  await post(hub, bob, thread.id, { type: 'text', text: 'Can you sign by Friday?' });
  await post(hub, alice, thread.id, { type: 'text', text: 'Yes, on Thursday.' });
  const el = await chatWith(hub.adapterFor(alice), alice);
  el.style.inlineSize = `${width}px`;
  el.style.blockSize = '560px';
  await el.updateComplete;
  return { el, root: el.shadowRoot!, threadId: thread.id };
}

const shown = (element: Element | null | undefined) => !!element?.checkVisibility();
const list = (root: ShadowRoot) => root.querySelector('[part~="thread-list"]');
const thread = (root: ShadowRoot) => root.querySelector('.thread');
const item = (root: ShadowRoot, threadId: string) =>
  root.querySelector<HTMLButtonElement>(`[part~="thread-item"][data-thread-id="${threadId}"]`)!;

/** Every visible control that a finger must hit, with its size. */
function smallControls(root: ShadowRoot): string[] {
  const controls = [
    ...root.querySelectorAll<HTMLElement>('button, input, textarea, select, [role="option"]'),
  ];
  return controls
    .filter((control) => control.checkVisibility())
    .map((control) => ({ control, box: control.getBoundingClientRect() }))
    .filter(({ box }) => box.height < 44 || box.width < 44)
    .map(({ control, box }) => `${control.outerHTML.slice(0, 80)} ${box.width}x${box.height}`);
}

describe('responsive layout', () => {
  afterEach(cleanUpVaults);

  it('at 320 px the list and the thread are two screens, and Back returns to the list by keyboard', async () => {
    const { el, root, threadId } = await chatAt(320);
    expect(shown(list(root))).to.equal(true);
    expect(list(root)!.getBoundingClientRect().width).to.be.closeTo(el.getBoundingClientRect().width - 2, 1);
    expect(thread(root)).to.equal(null);
    await expect(el).to.be.accessible();

    item(root, threadId).focus();
    await sendKeys({ press: 'Enter' });
    await until(
      () => shown(root.querySelector('.thread .back')) && !!root.querySelector('[part~="message"]'),
    );
    expect(shown(list(root)), 'the list is hidden').to.equal(false);
    await until(() => root.activeElement === root.querySelector('.thread .back'));
    expect(root.activeElement!.getAttribute('aria-label')).to.equal('Back to conversations');
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'Enter' });
    await until(() => shown(list(root)));
    expect(thread(root)).to.equal(null);
    await until(() => root.activeElement === item(root, threadId));
    await expect(el).to.be.accessible();
  });

  it('at 320 px every button and field is at least 44 by 44 CSS pixels, menus and search included', async () => {
    const { root, threadId } = await chatAt(320);
    expect(smallControls(root)).to.deep.equal([]);

    item(root, threadId).click();
    await until(() => !!root.querySelector('[part~="actions-button"]'));
    expect(smallControls(root)).to.deep.equal([]);

    root.querySelector<HTMLButtonElement>('[part~="actions-button"]')!.click();
    await until(() => !!root.activeElement?.closest('[part~="actions-menu"]'));
    expect(smallControls(root)).to.deep.equal([]);

    root.querySelector<HTMLButtonElement>('[part~="search-toggle"]')!.click();
    await until(() => root.activeElement === root.querySelector('[part~="search-input"]'));
    await sendKeys({ type: 'sign' });
    await until(() => !!root.querySelector('[part~="search-result"]'));
    expect(smallControls(root)).to.deep.equal([]);
  });

  it('at 1024 px the list and the open thread are side by side, and focus stays in the list', async () => {
    const { el, root, threadId } = await chatAt(1024);
    item(root, threadId).focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !!root.querySelector('[part~="message"]'));
    expect(shown(list(root))).to.equal(true);
    expect(shown(thread(root))).to.equal(true);
    expect(shown(root.querySelector('.thread .back')), 'no back button').to.equal(false);
    const listBox = list(root)!.getBoundingClientRect();
    const threadBox = thread(root)!.getBoundingClientRect();
    expect(threadBox.left).to.be.at.least(listBox.right - 1);
    expect(root.activeElement).to.equal(item(root, threadId));
    await expect(el).to.be.accessible();
  });
});
