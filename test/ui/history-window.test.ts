import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, post, until } from './helpers.js';
import { open, row } from './two-people.js';

const TOTAL = 2000;
/** Far below the thread's 2,000 messages: what the log may hold in the DOM at any moment. */
const BOUND = 300;

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** Alice's widget, 400 px tall, with a plain thread of 2,000 messages from Bob ("message 1" is the oldest). */
async function longThread() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const thread = await hub
    .adapterFor(bob)
    .createThread({ title: 'Long', participantIds: [alice], encrypted: false });
  for (let i = 1; i <= TOTAL; i++) await post(hub, bob, thread.id, { type: 'text', text: `message ${i}.` });
  // Older pages can be held back (`hold`), to look at the log just before one comes in.
  const adapter = hub.adapterFor(alice);
  const listMessages = adapter.listMessages.bind(adapter);
  let gate: Promise<void> | null = null;
  let release = () => {};
  let olderAsked = 0;
  adapter.listMessages = async (threadId, query) => {
    if (query?.before) olderAsked++;
    const page = await listMessages(threadId, query);
    if (query?.before) await gate;
    return page;
  };
  const hold = () => (gate = new Promise((resolve) => (release = resolve)));
  const el = await chatWith(adapter, alice);
  el.style.blockSize = '400px';
  const root = await open(el);
  await until(() => !!row(root, `message ${TOTAL}.`));
  const log = root.querySelector<HTMLElement>('[part~="messages"]')!;
  return { hub, bob, thread, el, root, log, hold, release: () => release(), olderAsked: () => olderAsked };
}

const rowsInDom = (root: ShadowRoot) => root.querySelectorAll('[part~="message"]').length;

/** Whether the row is at least partly inside the log's visible box. */
function onScreen(log: HTMLElement, element: Element | undefined): boolean {
  if (!element) return false;
  const r = element.getBoundingClientRect();
  const box = log.getBoundingClientRect();
  return r.height > 0 && r.bottom > box.top && r.top < box.bottom;
}

/** Holds the log at its top (or bottom), frame after frame, until `done`; returns the most rows the DOM held. */
async function holdAtTop(
  root: ShadowRoot,
  log: HTMLElement,
  done: () => boolean,
  bottom = false,
): Promise<number> {
  let most = rowsInDom(root);
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('Timed out holding the log at one end');
    log.scrollTop = bottom ? log.scrollHeight : 0;
    await frame();
    most = Math.max(most, rowsInDom(root));
  }
  return most;
}

/** The message row's top relative to the log's box. */
const topIn = (log: HTMLElement, element: Element) =>
  element.getBoundingClientRect().top - log.getBoundingClientRect().top;

describe('<bm-secure-chat> long history: a window of rows', () => {
  afterEach(cleanUpVaults);

  it('keeps the DOM bounded while scrolling to the top loads all 2,000 messages and shows the first', async () => {
    const { root, log } = await longThread();
    expect(rowsInDom(root)).to.be.at.most(BOUND);
    const most = await holdAtTop(root, log, () => onScreen(log, row(root, 'message 1.')));
    expect(most).to.be.at.most(BOUND);
    // Everything was loaded: the first message is the log's first row and the server holds nothing older.
    expect(root.querySelector('[part~="message"]')!.textContent).to.contain('message 1.');
    expect(root.querySelector('[part~="load-older"]')).to.equal(null);
    expect(log.getAttribute('role')).to.equal('log');
  });

  it('keeps the message on screen in place when an older page comes in deep in the history', async () => {
    const { root, log, hold, release } = await longThread();
    // Five pages in, the window has dropped rows at its bottom already.
    await holdAtTop(root, log, () => !!row(root, `message ${TOTAL - 300}.`));
    expect(row(root, `message ${TOTAL}.`)).to.equal(undefined);
    // At the top, with the next page held back: the rows the reader sees now must stay where they are.
    hold();
    const oldest = root.querySelector('[part~="message"]')!.textContent;
    log.scrollTop = 0;
    await frame();
    await frame();
    const visible = [...root.querySelectorAll('[part~="message"]')].filter((m) => onScreen(log, m));
    // Not the top row: it may join the group of the message before it and lose its sender line.
    const watched = visible[Math.floor(visible.length / 2)]!;
    const before = topIn(log, watched);
    release();
    await until(() => root.querySelector('[part~="message"]')!.textContent !== oldest);
    await frame();
    await frame();
    expect(watched.isConnected).to.equal(true);
    expect(topIn(log, watched)).to.be.closeTo(before, 1);
  });

  it('asks for the page before while the reader scrolls up towards the top, not only once there', async () => {
    const { log, olderAsked } = await longThread();
    // Opening scrolled down to the newest message: nothing older asked for.
    await frame();
    await frame();
    expect(olderAsked()).to.equal(0);
    // One step up, still far from the top of the 50 loaded messages: the page before is asked for.
    log.scrollTop -= 150;
    await frame();
    await frame();
    expect(log.scrollTop).to.be.greaterThan(300);
    expect(olderAsked()).to.equal(1);
  });

  it('brings an older page into the DOM a step a frame, not all at once', async () => {
    const { root, log, hold, release, olderAsked } = await longThread();
    hold();
    await holdAtTop(root, log, () => olderAsked() === 1);
    const seen = new Set(
      [...root.querySelectorAll<HTMLElement>('[part~="message"]')].map((m) => m.dataset.clientId),
    );
    release();
    // Held at the top, frame after frame, until the page's oldest message is in: no frame adds more than 15 rows.
    let most = 0;
    let frames = 0;
    while (!row(root, `message ${TOTAL - 99}.`)) {
      if (++frames > 600) throw new Error('The older page never came into the DOM');
      log.scrollTop = 0;
      await frame();
      let added = 0;
      for (const m of root.querySelectorAll<HTMLElement>('[part~="message"]'))
        if (!seen.has(m.dataset.clientId)) {
          seen.add(m.dataset.clientId);
          added++;
        }
      most = Math.max(most, added);
    }
    expect(most).to.be.greaterThan(0);
    expect(most).to.be.at.most(15);
  });

  it('adds rows above without moving what is on screen when the reader scrolls back up', async () => {
    const { root, log } = await longThread();
    await holdAtTop(root, log, () => onScreen(log, row(root, 'message 1.')));
    // Back down to the newest: the window follows.
    const most = await holdAtTop(root, log, () => onScreen(log, row(root, `message ${TOTAL}.`)), true);
    expect(most).to.be.at.most(BOUND);
    expect(rowsInDom(root)).to.be.at.most(BOUND);
    // Up again, 150 px a frame: the window adds older rows above and moves only as far as scrolled.
    for (let step = 0; step < 40; step++) {
      const visible = [...root.querySelectorAll('[part~="message"]')].filter((m) => onScreen(log, m));
      const watched = visible.at(-1)!;
      const before = topIn(log, watched);
      const scrolled = Math.min(150, log.scrollTop);
      log.scrollTop -= scrolled;
      await frame();
      await frame();
      expect(watched.isConnected).to.equal(true);
      expect(topIn(log, watched)).to.be.closeTo(before + scrolled, 1);
    }
    expect(rowsInDom(root)).to.be.at.most(BOUND);
  });

  it('a search hit outside the window brings its message in, scrolls to it and focuses it', async () => {
    const { el, root, log } = await longThread();
    await holdAtTop(root, log, () => onScreen(log, row(root, 'message 1.')));
    expect(row(root, 'message 1500.')).to.equal(undefined);
    root.querySelector<HTMLButtonElement>('[part~="search-toggle"]')!.click();
    await until(() => !!root.querySelector('[part~="search-input"]'));
    const field = root.querySelector<HTMLInputElement>('[part~="search-input"]')!;
    field.value = 'message 1500.';
    field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await until(() => root.querySelectorAll('[part~="search-result"]').length === 1);
    root.querySelector<HTMLButtonElement>('[part~="search-result"]')!.click();
    const focused = root.activeElement as HTMLElement;
    expect(focused.getAttribute('part')).to.equal('message');
    expect(focused.textContent).to.contain('message 1500.');
    await frame();
    await frame();
    expect(onScreen(log, focused)).to.equal(true);
    expect(rowsInDom(root)).to.be.at.most(BOUND);
    // The focused row stays while the reader scrolls a few screens away from it.
    log.scrollTop += 2000;
    await frame();
    await frame();
    expect(root.activeElement).to.equal(focused);
    await expect(el).to.be.accessible();
  });

  it('announces only messages that arrive while open: history sits outside the live region', async () => {
    const { hub, bob, thread, el, root, log } = await longThread();
    expect(log.getAttribute('aria-live')).to.equal('polite');
    const liveOf = (element: Element) => element.closest('[aria-live]')!.getAttribute('aria-live');
    expect(liveOf(row(root, `message ${TOTAL}.`)!)).to.equal('off');
    await post(hub, bob, thread.id, { type: 'text', text: 'a new message.' });
    const fresh = await until(() => !!row(root, 'a new message.')).then(() => row(root, 'a new message.')!);
    expect(liveOf(fresh)).to.equal('polite');
    expect(liveOf(row(root, `message ${TOTAL}.`)!)).to.equal('off');
    // Older history that comes in above is not announced either.
    await holdAtTop(root, log, () => !!row(root, `message ${TOTAL - 100}.`));
    expect(liveOf(row(root, `message ${TOTAL - 100}.`)!)).to.equal('off');
    await expect(el).to.be.accessible();
  });
});
