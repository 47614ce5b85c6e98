import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import {
  AdapterError,
  type ChatAdapter,
  type ConnectionState,
  type SubscribeOptions,
} from '../../src/adapter/types.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, openFirstThread, post, until } from './helpers.js';

const XSS = '<img src=x onerror="window.__bmXss=1">';

/** The adapter with some methods replaced; everything else goes to the real one. */
function wrap(adapter: ChatAdapter, overrides: Partial<ChatAdapter>): ChatAdapter {
  return new Proxy(adapter, {
    get(target, name) {
      if (name in overrides) return overrides[name as keyof ChatAdapter];
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function group() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const dana = uniqueUserId('dana');
  const chris = uniqueUserId('chris');
  const eve = uniqueUserId('eve');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: dana, displayName: 'Dana' });
  hub.addUser({ id: chris, displayName: 'Chris' });
  hub.addUser({ id: eve, displayName: XSS });
  const thread = await hub
    .adapterFor(alice)
    .createThread({ title: 'Matter', participantIds: [dana, chris, eve], encrypted: false });
  await post(hub, dana, thread.id, { type: 'text', text: 'hello' });
  return { hub, alice, dana, chris, eve, thread };
}

const typingLine = (el: BmSecureChat) => el.shadowRoot!.querySelector('[part~="typing"]')!;
const typingText = (el: BmSecureChat) => typingLine(el).textContent!.replace(/\s+/g, ' ').trim();

describe('<bm-secure-chat> typing indicator', () => {
  afterEach(cleanUpVaults);

  it('says who is typing in a polite live region, and clears five seconds after the last typing event', async function () {
    this.timeout(20_000);
    const { hub, alice, dana, thread } = await group();
    const el = await chatWith(hub.adapterFor(alice), alice);
    await openFirstThread(el);
    expect(typingLine(el).getAttribute('role')).to.equal('status');
    expect(typingText(el)).to.equal('');

    await hub.adapterFor(dana).sendTyping(thread.id);
    await until(() => typingText(el) !== '');
    const shownAt = Date.now();
    expect(typingText(el)).to.equal('Dana is typing…');
    expect(typingLine(el).querySelector('bdi')!.textContent).to.equal('Dana');
    await expect(el).to.be.accessible();

    await until(() => typingText(el) === '', 8000);
    expect(Date.now() - shownAt).to.be.within(4800, 6500);
  });

  it('names two people, then says several, and never the reader', async () => {
    const { hub, alice, dana, chris, eve, thread } = await group();
    const el = await chatWith(hub.adapterFor(alice), alice);
    await openFirstThread(el);
    // Alice typing on another device reaches this one too; it must not say "Alice is typing".
    hub.emit([alice], { type: 'typing', threadId: thread.id, userId: alice });
    await hub.adapterFor(dana).sendTyping(thread.id);
    await until(() => typingText(el) !== '');
    expect(typingText(el)).to.equal('Dana is typing…');
    await hub.adapterFor(eve).sendTyping(thread.id);
    await until(() => typingText(el) !== 'Dana is typing…');
    expect(typingText(el)).to.equal(`Dana and ${XSS} are typing…`);
    expect(el.shadowRoot!.querySelectorAll('img')).to.have.length(0);
    await hub.adapterFor(chris).sendTyping(thread.id);
    await until(() => typingText(el) === 'Several people are typing…');
    await expect(el).to.be.accessible();
  });

  it('stops showing someone as typing as soon as their message arrives', async () => {
    const { hub, alice, dana, thread } = await group();
    const el = await chatWith(hub.adapterFor(alice), alice);
    await openFirstThread(el);
    await hub.adapterFor(dana).sendTyping(thread.id);
    await until(() => typingText(el) === 'Dana is typing…');
    await post(hub, dana, thread.id, { type: 'text', text: 'done typing' });
    await until(() => typingText(el) === '', 1000);
  });

  it('shows typing only in the thread it happens in', async () => {
    const { hub, alice, dana, thread } = await group();
    const other = await hub
      .adapterFor(alice)
      .createThread({ title: 'Other', participantIds: [dana], encrypted: false });
    const el = await chatWith(hub.adapterFor(alice), alice);
    el.shadowRoot!.querySelector<HTMLButtonElement>(`[data-thread-id="${thread.id}"]`)!.click();
    await until(() => el.shadowRoot!.querySelector('[part~="title"]')?.textContent === 'Matter');
    await hub.adapterFor(dana).sendTyping(other.id);
    await new Promise((r) => setTimeout(r, 300));
    await el.updateComplete;
    expect(typingText(el)).to.equal('');
    await hub.adapterFor(dana).sendTyping(thread.id);
    await until(() => typingText(el) === 'Dana is typing…');
  });
});

describe('<bm-secure-chat> connection and error banner', () => {
  afterEach(cleanUpVaults);

  /** Alice's widget on an adapter whose live connection the test drives. */
  async function withConnection() {
    const { hub, alice, thread } = await group();
    let report: (state: ConnectionState) => void = () => {};
    const real = hub.adapterFor(alice);
    const adapter = wrap(real, {
      subscribe(listener, options: SubscribeOptions = {}) {
        report = (state) => options.onConnectionChange?.(state);
        const subscription = real.subscribe(listener, {});
        queueMicrotask(() => report('offline'));
        return subscription;
      },
    });
    const el = await chatWith(adapter, alice);
    return { el, hub, thread, report: (state: ConnectionState) => report(state) };
  }

  const banners = (el: BmSecureChat) => [...el.shadowRoot!.querySelectorAll('[part~="banner"]')];

  it('shows the connection state while it is not live, in a status region, and clears when live', async () => {
    const { el, report } = await withConnection();
    await until(() => banners(el).length === 1);
    const [banner] = banners(el);
    expect(banner!.textContent!.trim()).to.equal('Offline — messages will be sent when you reconnect.');
    expect(banner!.classList.contains('offline')).to.equal(true);
    expect(banner!.parentElement!.getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();

    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.theme = 'light';

    report('connecting');
    await until(() => banners(el)[0]?.textContent!.trim() === 'Connecting…');
    report('polling');
    await until(() => banners(el)[0]?.classList.contains('polling') === true);
    expect(banners(el)[0]!.textContent).to.contain('Live updates are unavailable');
    report('live');
    await until(() => banners(el).length === 0);
    await expect(el).to.be.accessible();
  });

  it('shows a failed action as a dismissible alert, fires bm-error, and hands focus on when dismissed', async () => {
    const { hub, alice, dana } = await group();
    const real = hub.adapterFor(alice);
    await real.createThread({ title: 'Second', participantIds: [dana], encrypted: false });
    const adapter = wrap(real, {
      listMessages: () => Promise.reject(new AdapterError('network', 'fetch failed')),
    });
    const el = await chatWith(adapter, alice);
    const reasons: string[] = [];
    el.addEventListener('bm-error', (event) => reasons.push(event.reason));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => banners(el).length === 1);
    expect(reasons).to.deep.equal(['network']);
    const [banner] = banners(el);
    expect(banner!.parentElement!.getAttribute('role')).to.equal('alert');
    expect(banner!.textContent).to.contain('Cannot reach the server.');
    await expect(el).to.be.accessible();

    // The same failure again (opening the other thread) is not stacked.
    el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="thread-item"]')[1]!.click();
    await until(() => reasons.length === 2);
    await el.updateComplete;
    expect(banners(el)).to.have.length(1);

    // A repeated failure is a new alert (announced again) in place of the old one.
    const dismiss = banners(el)[0]!.querySelector<HTMLButtonElement>('button')!;
    expect(dismiss.getAttribute('aria-label')).to.equal('Dismiss');
    dismiss.focus();
    dismiss.click();
    await el.updateComplete;
    expect(banners(el)).to.have.length(0);
    expect(el.shadowRoot!.activeElement).to.equal(
      el.shadowRoot!.querySelector('[part~="input"], [part~="filter"]'),
    );
  });

  it('shows an unknown reason as text', async () => {
    const { hub, alice } = await group();
    const adapter = wrap(hub.adapterFor(alice), {
      listMessages: () => Promise.reject(Object.assign(new Error('odd'), { reason: XSS })),
    });
    const el = await chatWith(adapter, alice);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await until(() => banners(el).length === 1);
    expect(banners(el)[0]!.textContent!.trim()).to.equal(`Something went wrong (${XSS}).`);
    expect(el.shadowRoot!.querySelectorAll('img')).to.have.length(0);
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
  });
});
