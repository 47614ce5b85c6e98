import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryHub } from '../../src/adapter/memory.js';
import '../../src/bm-secure-chat.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { cleanUpVaults, trackDatabase, uniqueUserId } from '../vault/helpers.js';
import { vaultDatabaseName } from '../../src/vault/index.js';
import { until } from '../until.js';

const XSS = '<img src=x onerror="window.__bmXss=1"><script>window.__bmXss=2</script>';

async function chatFor(hub: MemoryHub, userId: string) {
  trackDatabase(vaultDatabaseName(userId));
  const el = await fixture<BmSecureChat>(html`<bm-secure-chat theme="light"></bm-secure-chat>`);
  el.adapter = hub.adapterFor(userId);
  await el.sessionReady;
  await el.updateComplete;
  return el;
}

function world() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: XSS });
  return { hub, alice, bob };
}

describe('<bm-secure-chat> with a backend', () => {
  afterEach(cleanUpVaults);

  it('lists threads with a lock on encrypted ones and opens one on click', async () => {
    const { hub, alice, bob } = world();
    await hub.adapterFor(alice).createThread({ title: 'Matter 42', participantIds: [bob], encrypted: true });
    const el = await chatFor(hub, alice);
    const item = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!;
    expect(item.textContent).to.contain('Matter 42');
    expect(item.querySelector('[aria-label="End-to-end encrypted"]')).to.exist;
    item.click();
    await until(() => !!el.shadowRoot!.querySelector('[part~="title"]'));
    expect(el.shadowRoot!.querySelector('[part~="title"]')!.textContent).to.equal('Matter 42');
    await expect(el).to.be.accessible();
  });

  it('sends with Enter, breaks the line with Shift+Enter, and Bob reads the encrypted message', async () => {
    const { hub, alice, bob } = world();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Matter', participantIds: [bob], encrypted: true });
    const el = await chatFor(hub, alice);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => !!el.shadowRoot!.querySelector('[part~="input"]'));
    const input = el.shadowRoot!.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    input.focus();
    await sendKeys({ type: 'first line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    await sendKeys({ press: 'Enter' });
    await until(() =>
      (el.shadowRoot!.querySelector('[part~="message-body"]')?.textContent ?? '').includes('second'),
    );
    expect(el.shadowRoot!.querySelector('[part~="message-body"]')!.textContent).to.equal(
      'first line\nsecond line',
    );
    expect(input.value).to.equal('');

    const bobs = hub.adapterFor(bob);
    // "Sending…" goes away once the backend has stored the message.
    await until(() => el.shadowRoot!.querySelector('.meta') === null);
    const stored = await bobs.listMessages(thread.id);
    expect(stored.items).to.have.length(1);
    expect(stored.items[0]!.body.kind).to.equal('envelope');
    expect(JSON.stringify(stored.items)).not.to.contain('first line');
  });

  it('renders an XSS payload in a message, a thread title and a display name as text', async () => {
    const { hub, alice, bob } = world();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: XSS, participantIds: [bob], encrypted: false });
    await hub.adapterFor(bob).sendMessage(thread.id, {
      clientId: 'x1',
      body: { kind: 'plain', content: { type: 'text', text: XSS } },
    });
    const el = await chatFor(hub, alice);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => !!el.shadowRoot!.querySelector('[part~="message-body"]'));
    const root = el.shadowRoot!;
    expect(root.querySelector('[part~="title"]')!.textContent).to.equal(XSS);
    expect(root.querySelector('[part~="message-body"]')!.textContent).to.equal(XSS);
    expect(root.querySelector('.sender')!.textContent).to.equal(XSS);
    expect(root.querySelectorAll('img, script')).to.have.length(0);
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
  });

  it('asks before turning encryption on, says what changes, and a cancel changes nothing', async () => {
    const { hub, alice, bob } = world();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Plain', participantIds: [bob], encrypted: false });
    const el = await chatFor(hub, alice);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => !!el.shadowRoot!.querySelector('[part~="lock-toggle"]'));
    const dialog = el.shadowRoot!.querySelector<HTMLDialogElement>('[part~="dialog"]')!;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="lock-toggle"]')!.click();
    expect(dialog.open).to.equal(true);
    expect(dialog.textContent).to.contain('cannot be undone');
    expect(dialog.textContent).to.contain('not be able to search');
    await expect(el).to.be.accessible();
    dialog.querySelector<HTMLButtonElement>('.cancel')!.click();
    expect(dialog.open).to.equal(false);
    expect((await hub.adapterFor(alice).getThread(thread.id)).encrypted).to.equal(false);

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="lock-toggle"]')!.click();
    let fired = '';
    el.addEventListener('bm-encryption-enable', (e) => (fired = e.threadId));
    dialog.querySelector<HTMLButtonElement>('.confirm')!.click();
    await until(() => fired === thread.id);
    expect((await hub.adapterFor(alice).getThread(thread.id)).encrypted).to.equal(true);
    expect((await hub.adapterFor(alice).listEpochs(thread.id)).map((e) => e.epoch)).to.deep.equal([1]);
    await until(() => el.shadowRoot!.querySelector('[part~="lock-toggle"]') === null);
  });

  it('offers no encryption toggle where the site does not allow it', async () => {
    const hub = new MemoryHub({ capabilities: { canStartEncryptedThreads: false } });
    const alice = uniqueUserId('alice');
    hub.addUser({ id: alice, displayName: 'Alice' });
    await hub.adapterFor(alice).createThread({ title: 'Plain', participantIds: [], encrypted: false });
    const el = await chatFor(hub, alice);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => !!el.shadowRoot!.querySelector('[part~="title"]'));
    expect(el.shadowRoot!.querySelector('[part~="lock-toggle"]')).to.equal(null);
  });

  it('fires bm-thread-open, bm-message (without content) and bm-unread-change', async () => {
    const { hub, alice, bob } = world();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'T', participantIds: [bob], encrypted: false });
    const el = await chatFor(hub, alice);
    const events: Event[] = [];
    const listening = new AbortController();
    for (const name of ['bm-thread-open', 'bm-message', 'bm-unread-change'] as const) {
      document.body.addEventListener(name, (e) => events.push(e), { signal: listening.signal });
    }
    await hub.adapterFor(bob).sendMessage(thread.id, {
      clientId: 'u1',
      body: { kind: 'plain', content: { type: 'text', text: 'are you there?' } },
    });
    await until(() => events.some((e) => e.type === 'bm-unread-change'));
    const message = events.find((e) => e.type === 'bm-message') as Event & Record<string, unknown>;
    expect(message).to.include({
      threadId: thread.id,
      senderId: bob,
      encrypted: false,
      bubbles: true,
      composed: true,
    });
    expect(JSON.stringify(message)).not.to.contain('are you there');
    expect((events.find((e) => e.type === 'bm-unread-change') as Event & { unread: number }).unread).to.equal(
      1,
    );

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => events.some((e) => e.type === 'bm-thread-open'));
    expect(
      (events.find((e) => e.type === 'bm-thread-open') as Event & { threadId: string }).threadId,
    ).to.equal(thread.id);
    await until(
      () =>
        (events.filter((e) => e.type === 'bm-unread-change').at(-1) as Event & { unread: number }).unread ===
        0,
    );
    listening.abort();
  });

  it('shows only the one thread in matter-chat mode', async () => {
    const { hub, alice, bob } = world();
    await hub.adapterFor(alice).createThread({ title: 'Other', participantIds: [bob], encrypted: false });
    const matter = await hub
      .adapterFor(alice)
      .createThread({ title: 'The matter', participantIds: [bob], encrypted: false });
    trackDatabase(vaultDatabaseName(alice));
    const el = await fixture<BmSecureChat>(html`<bm-secure-chat thread=${matter.id}></bm-secure-chat>`);
    el.adapter = hub.adapterFor(alice);
    await el.sessionReady;
    await until(() => !!el.shadowRoot!.querySelector('[part~="title"]'));
    expect(el.shadowRoot!.querySelector('[part~="thread-list"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part~="title"]')!.textContent).to.equal('The matter');
  });
});
