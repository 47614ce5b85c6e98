// The page side of scripts/bench-ui.mjs: the real <bm-secure-chat> element, its vault in IndexedDB and Web Crypto,
// on a MemoryHub in this page. The runner prepares a thread here, clicks and picks files through Playwright
// (trusted input), and reads the figures back from the functions below.
import '../src/bm-secure-chat.js';
import type { BmSecureChat } from '../src/bm-secure-chat.js';
import { MemoryHub } from '../src/adapter/memory.js';
import type { ChatAdapter, MessageRecord, Thread } from '../src/adapter/types.js';
import { createEncryptStream, generateFileKey } from '../src/crypto/chunked.js';
import { fromBase64Url } from '../src/crypto/encoding.js';
import { decodeEnvelopeHeader } from '../src/crypto/envelope.js';
import { EncryptedThreads } from '../src/engine/security/thread-security.js';
import { openVault } from '../src/vault/index.js';

// Main-thread tasks over 50 ms, and the long animation frames that attribute them to scripts, from page load on.
interface LongTask {
  start: number;
  duration: number;
}
interface FrameScript {
  invoker?: string;
  sourceFunctionName?: string;
  sourceURL?: string;
  duration: number;
}
interface LongFrame {
  start: number;
  duration: number;
  scripts: FrameScript[];
}
const longTasks: LongTask[] = [];
const longFrames: LongFrame[] = [];
const taskObserver = new PerformanceObserver((list) => keepTasks(list.getEntries()));
taskObserver.observe({ type: 'longtask', buffered: true });
function keepTasks(entries: PerformanceEntryList): void {
  for (const entry of entries) longTasks.push({ start: entry.startTime, duration: entry.duration });
}
let frameObserver: PerformanceObserver | null = null;
try {
  frameObserver = new PerformanceObserver((list) => keepFrames(list.getEntries()));
  frameObserver.observe({ type: 'long-animation-frame', buffered: true });
} catch {
  // Long animation frames are only diagnostics; the long-task figures do not need them.
}
function keepFrames(entries: PerformanceEntryList): void {
  for (const entry of entries) {
    const scripts = (entry as unknown as { scripts?: FrameScript[] }).scripts ?? [];
    longFrames.push({
      start: entry.startTime,
      duration: entry.duration,
      scripts: scripts.map(({ invoker, sourceFunctionName, sourceURL, duration }) => ({
        invoker,
        sourceFunctionName,
        sourceURL,
        duration,
      })),
    });
  }
}
/** Takes what the observers hold now, so that delivering the preparation's entries does not land in a measurement. */
function drainObservers(): void {
  keepTasks(taskObserver.takeRecords());
  if (frameObserver) keepFrames(frameObserver.takeRecords());
}

/** Long tasks that overlap [from, to]. */
function tasksBetween(from: number, to: number) {
  const tasks = longTasks.filter((t) => t.start + t.duration > from && t.start < to);
  return {
    count: tasks.length,
    longestMs: tasks.reduce((max, t) => Math.max(max, t.duration), 0),
    blockingMs: tasks.reduce((sum, t) => sum + (t.duration - 50), 0),
    /** The longest ten, start relative to `from`. */
    longest: [...tasks]
      .sort((a, b) => b.duration - a.duration)
      .slice(0, 10)
      .map((t) => ({ at: Math.round(t.start - from), ms: Math.round(t.duration) })),
  };
}

/** Where the long animation frames of [from, to] spent their script time, biggest first. */
function scriptsBetween(from: number, to: number, top = 6) {
  const byScript = new Map<string, { ms: number; count: number }>();
  for (const frame of longFrames) {
    if (frame.start + frame.duration <= from || frame.start >= to) continue;
    for (const script of frame.scripts) {
      const file = (script.sourceURL ?? '').split('/').pop() ?? '';
      const key = `${script.sourceFunctionName || '(anonymous)'} [${script.invoker ?? '?'}] ${file}`;
      const entry = byScript.get(key) ?? { ms: 0, count: 0 };
      entry.ms += script.duration;
      entry.count++;
      byScript.set(key, entry);
    }
  }
  return [...byScript]
    .map(([script, { ms, count }]) => ({ script, ms: Math.round(ms), count }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
/** Resolves after the current frame's rendering work, as a task queued from its rAF callback runs after it. */
const afterRendering = () =>
  new Promise<number>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(null);
  });

const PHRASES = [
  'Thanks, I have the documents.',
  'Could you send the signed copy of the **engagement letter** by Friday?',
  'The hearing moved to 14:30; the court’s notice is at https://example.com/court/calendar?case=42',
  'Noted. Please quote `Ref 2024-113` when you call the registry.',
  'I went through the draft settlement again last night. Clause 7 still leaves the costs of the expert ' +
    'open, and clause 9 refers to an annex we never received. Before we sign anything I would like both ' +
    'points settled in writing, ideally with the figures from the second valuation attached.',
  'ok',
];
const textFor = (index: number) => `#${index} ${PHRASES[index % PHRASES.length]}`;

function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

interface Setup {
  hub: MemoryHub;
  adapter: ChatAdapter;
  el: BmSecureChat;
  root: ShadowRoot;
  thread: Thread;
  filesThread: Thread;
  newest: { clientId: string; text: string };
  oldest: { clientId: string; text: string };
}
let setup: Setup | null = null;
const ready = () => {
  if (!setup) throw new Error('prepare() first');
  return setup;
};

/**
 * Two people on a MemoryHub. Dana's device seals `count` text messages into an encrypted thread with Chris
 * through the engine's own path (EncryptedThreads.seal, then the adapter's send, which is what the outbox does):
 * a new epoch every 100 messages, as PROTOCOL.md says. Chris's vault then receives every epoch key (one envelope
 * of each epoch is opened with his device), so opening the thread later needs no key fetch. Finally Chris's
 * <bm-secure-chat> is mounted and started; nothing is open yet.
 */
export async function prepare(count: number) {
  const began = performance.now();
  const hub = new MemoryHub({ capabilities: { maxUploadBytes: 2 ** 31 } });
  const run = randomId().slice(0, 8);
  const dana = `dana-${run}`;
  const chris = `chris-${run}`;
  hub.addUser({ id: dana, displayName: 'Dana Adler' });
  hub.addUser({ id: chris, displayName: 'Chris Okafor' });

  const person = async (userId: string, adapter: ChatAdapter) => {
    const vault = await openVault(userId);
    const security = new EncryptedThreads({ adapter, vault, userId });
    await security.ensureDevice();
    return { vault, security };
  };
  const chrisAdapter = hub.adapterFor(chris);
  const danaAdapter = hub.adapterFor(dana);
  const reader = await person(chris, chrisAdapter);
  const sender = await person(dana, danaAdapter);

  // The files thread first, so the big thread has the latest activity and heads the list.
  const filesThread = await danaAdapter.createThread({
    title: 'Matter 42: documents',
    participantIds: [chris],
    encrypted: true,
  });
  await sender.security.start(filesThread);
  const created = await danaAdapter.createThread({
    title: 'Matter 42: correspondence',
    participantIds: [chris],
    encrypted: true,
  });
  await sender.security.start(created);

  const records: MessageRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const clientId = randomId();
    const body = await sender.security.seal(created, clientId, { type: 'text', text: textFor(i) });
    records.push(await danaAdapter.sendMessage(created.id, { clientId, body }));
  }
  const sealedMs = performance.now() - began;

  const thread = await chrisAdapter.getThread(created.id);
  const warmed = new Set<number>();
  for (const record of records) {
    if (record.body.kind !== 'envelope') throw new Error('expected an envelope');
    const { epoch } = decodeEnvelopeHeader(fromBase64Url(record.body.envelope));
    if (warmed.has(epoch)) continue;
    const opened = await reader.security.open(thread, record);
    if (!('content' in opened)) throw new Error(`Chris cannot open epoch ${epoch}: ${opened.failure.reason}`);
    warmed.add(epoch);
  }
  const epochs = (await danaAdapter.listEpochs(created.id)).length;
  const held = (await reader.vault.epochKeys.list(created.id)).length;
  if (held !== epochs) throw new Error(`Chris's vault holds ${held} of ${epochs} epoch keys`);
  reader.vault.close();
  sender.vault.close();

  const item = `[part~="thread-item"][data-thread-id="${CSS.escape(created.id)}"]`;
  countPages(chrisAdapter);
  const el = await mount(chrisAdapter, item);
  const first = records[0]!;
  const last = records.at(-1)!;
  setup = {
    hub,
    adapter: chrisAdapter,
    el,
    root: el.shadowRoot!,
    thread,
    filesThread,
    newest: { clientId: last.clientId, text: textFor(count) },
    oldest: { clientId: first.clientId, text: textFor(1) },
  };
  return {
    messages: records.length,
    epochs,
    sealedMs,
    prepareMs: performance.now() - began,
    threadItem: item,
  };
}

/**
 * Each update of the element: `ms` for the whole of it (performUpdate: controllers' hooks, render, commit to the
 * DOM, and the forced layout of any hook that measures), `renderMs` for render and commit alone (update).
 */
const updates: { start: number; ms: number; renderMs: number }[] = [];

/** Times the element's updates; only this instance is touched, and its behaviour is unchanged. */
function timeUpdates(el: BmSecureChat): void {
  const timed = el as unknown as { performUpdate(): void; update(changed: unknown): void };
  const { performUpdate, update } = timed;
  let renderMs = 0;
  timed.update = function (this: unknown, changed: unknown) {
    const start = performance.now();
    try {
      update.call(this, changed);
    } finally {
      renderMs = performance.now() - start;
    }
  };
  timed.performUpdate = function (this: unknown) {
    const start = performance.now();
    renderMs = 0;
    try {
      performUpdate.call(this);
    } finally {
      updates.push({ start, ms: performance.now() - start, renderMs });
    }
  };
}

function updatesBetween(from: number, to: number) {
  const within = updates.filter((u) => u.start >= from && u.start < to);
  const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0));
  return {
    count: within.length,
    totalMs: sum(within.map((u) => u.ms)),
    renderMs: sum(within.map((u) => u.renderMs)),
    longestMs: Math.round(Math.max(0, ...within.map((u) => u.ms))),
    /** The last ten, when the log is longest: [whole update, render and commit]. */
    last: within.slice(-10).map((u) => [Math.round(u.ms), Math.round(u.renderMs)]),
  };
}

/**
 * Every page of messages the widget asks its adapter for: when it arrived, whether it was older history (a
 * `before` cursor), and how many messages it held. The log keeps only a window of rows in the DOM, so pages are
 * counted here, where they come in, rather than from the log's size.
 */
const pages: { at: number; older: boolean; messages: number }[] = [];

function countPages(adapter: ChatAdapter): void {
  const listMessages = adapter.listMessages.bind(adapter);
  adapter.listMessages = async (threadId, options) => {
    const page = await listMessages(threadId, options);
    pages.push({ at: performance.now(), older: !!options?.before, messages: page.items.length });
    return page;
  };
}

/** A started <bm-secure-chat> for `adapter`, once the list shows `item`. */
async function mount(adapter: ChatAdapter, item: string): Promise<BmSecureChat> {
  const el = document.createElement('bm-secure-chat');
  timeUpdates(el);
  el.setAttribute('theme', 'light');
  el.lang = 'en';
  document.body.append(el);
  el.adapter = adapter;
  await el.sessionReady;
  await el.updateComplete;
  while (!el.shadowRoot!.querySelector(item)) await sleep(20);
  return el;
}

/**
 * Replaces the element with a new one on the same backend and vault, so the thread can be opened again from
 * nothing (a new session and engine, as after a page load); the old one is disconnected, which stops its session.
 */
export async function remount(item: string): Promise<void> {
  const current = ready();
  current.el.remove();
  const el = await mount(current.adapter, item);
  setup = { ...current, el, root: el.shadowRoot! };
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(500);
}

function log(root: ShadowRoot): HTMLElement | null {
  return root.querySelector('[part~="messages"]');
}

/**
 * The message's row is in the log with its text, and at least partly inside the log's visible box. With `first`,
 * only the log's first message row is looked at: a query over every row each frame would slow the page measured.
 */
function onScreen(root: ShadowRoot, message: { clientId: string; text: string }, first = false): boolean {
  const list = log(root);
  const row = first
    ? list?.querySelector('[part~="message"]')
    : list?.querySelector(`[part~="message"][data-client-id="${CSS.escape(message.clientId)}"]`);
  if (!list || !row || row.getAttribute('data-client-id') !== message.clientId) return false;
  if (!row.querySelector('[part~="message-body"]')?.textContent?.includes(message.text.slice(0, 24)))
    return false;
  const r = row.getBoundingClientRect();
  const l = list.getBoundingClientRect();
  return r.height > 0 && r.bottom > l.top && r.top < l.bottom;
}

let openWatch: Promise<{ clickAt: number; shownAt: number }> | null = null;

/**
 * Arms the open measurement before the runner clicks: the clock starts at the click event's timestamp (when
 * the input arrived) and stops once the frame that first shows the newest message has been rendered.
 */
export function armOpen(): void {
  const { root, newest } = ready();
  drainObservers();
  let clickAt: number | null = null;
  document.addEventListener('click', (event) => (clickAt ??= event.timeStamp), { capture: true, once: true });
  openWatch = (async () => {
    for (;;) {
      await nextFrame();
      if (clickAt !== null && onScreen(root, newest)) return { clickAt, shownAt: await afterRendering() };
    }
  })();
}

/** Waits for the open to finish, lets it settle for `settleMs`, and reports the figures. */
export async function openResult(settleMs = 1000) {
  const { root } = ready();
  const { clickAt, shownAt } = await openWatch!;
  await sleep(settleMs);
  return {
    ms: shownAt - clickAt,
    rows: root.querySelectorAll('[part~="message"]').length,
    untilShown: tasksBetween(clickAt, shownAt),
    withSettle: tasksBetween(clickAt, shownAt + settleMs),
    updates: updatesBetween(clickAt, shownAt + settleMs),
    scripts: scriptsBetween(clickAt, shownAt + settleMs),
  };
}

/**
 * Scrolls the log to its top and holds it there, frame after frame, the way a reader who drags the scroll bar
 * to the top and keeps it there would: the UI's own scroll handler loads each older page, and after each page it
 * puts the reader back where they were, so the next frame scrolls to the top again. Stops when the oldest
 * message is on screen. Pages are counted where the adapter delivers them, with the messages they held, so the
 * result says whether every message of the thread was loaded; the rows in the DOM are sampled after each page.
 */
export async function scrollToTop(timeoutMs: number) {
  const { root, oldest } = ready();
  const list = log(root);
  if (!list) throw new Error('no open thread');
  drainObservers();
  const start = performance.now();
  // The open of this element loaded the newest page; older elements' pages are not this one's.
  const loadedBefore = pages.findLast((p) => !p.older)?.messages ?? 0;
  const firstPage = pages.length;
  let seen = firstPage;
  let maxRows = 0;
  let reachedAt: number | null = null;
  while (performance.now() - start < timeoutMs) {
    await nextFrame();
    // The log holds a window of rows, so counting them each frame is cheap.
    maxRows = Math.max(maxRows, list.querySelectorAll('[part~="message"]').length);
    if (pages.length !== seen) {
      seen = pages.length;
      const older = seen - firstPage;
      if (older % 25 === 0)
        console.log(
          `  ${older} older pages, ${maxRows} rows at most, ${Math.round(performance.now() - start)} ms`,
        );
    }
    if (onScreen(root, oldest, true)) {
      reachedAt = await afterRendering();
      break;
    }
    if (list.scrollTop > 0) list.scrollTop = 0;
  }
  const end = reachedAt ?? performance.now();
  await sleep(1000);
  const older = pages.slice(firstPage).filter((p) => p.older);
  const intervals = older.map((p, i) => p.at - (i ? older[i - 1]!.at : start));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rows = root.querySelectorAll('[part~="message"]').length;
  return {
    reached: reachedAt !== null,
    ms: end - start,
    pages: older.length,
    /** Messages the widget had loaded when the oldest showed: the first page plus every older one. */
    loaded: loadedBefore + older.reduce((sum, p) => sum + p.messages, 0),
    firstPagesMs: median(intervals.slice(0, 10)),
    lastPagesMs: median(intervals.slice(-10)),
    rows,
    maxRows: Math.max(maxRows, rows),
    tasks: tasksBetween(start, end),
    updates: updatesBetween(start, end),
    scripts: scriptsBetween(start, end),
  };
}

/** Opens the small files thread and sends one text through the composer, so the send path is warm. */
export async function prepareFiles() {
  const { root, filesThread } = ready();
  root
    .querySelector<HTMLButtonElement>(
      `[part~="thread-item"][data-thread-id="${CSS.escape(filesThread.id)}"]`,
    )!
    .click();
  while (!root.querySelector('[part~="input"]') || root.querySelector('[part~="message"]')) await sleep(20);
  const input = root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
  input.value = 'Sending the scans now.';
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
  while (!root.querySelector('[part~="message"] [part~="receipt"]')) await sleep(20);
  return { selector: '[part~="attach-button"] + input[type="file"]' };
}

let fileWatch: Promise<{ pickedAt: number; doneAt: number; error: string | null }> | null = null;

/**
 * Arms the file measurement before the runner picks a file in the widget's own file input: the clock starts at
 * the input's change event and stops once the attachment's message is in the log as sent (its receipt shows),
 * or a bm-error says it failed.
 */
export function armFile(name: string): void {
  const { el, root } = ready();
  drainObservers();
  let pickedAt: number | null = null;
  let error: string | null = null;
  root.addEventListener('change', (event) => (pickedAt ??= event.timeStamp), { capture: true, once: true });
  el.addEventListener('bm-error', (event) => (error ??= (event as Event & { reason: string }).reason));
  const sent = () =>
    [...root.querySelectorAll('[part~="message"]')].some(
      (row) =>
        row.querySelector('[part~="attachment"] .file-name')?.textContent === name &&
        !!row.querySelector('[part~="receipt"]'),
    );
  const armedAt = performance.now();
  fileWatch = (async () => {
    for (;;) {
      await nextFrame();
      if (performance.now() - armedAt > 10 * 60 * 1000) error ??= 'timed out after 10 minutes';
      if ((pickedAt !== null && sent()) || error !== null)
        return { pickedAt: pickedAt ?? armedAt, doneAt: await afterRendering(), error };
    }
  })();
}

export async function fileResult() {
  const { pickedAt, doneAt, error } = await fileWatch!;
  await sleep(1000);
  return {
    error,
    ms: doneAt - pickedAt,
    tasks: tasksBetween(pickedAt, doneAt),
    updates: updatesBetween(pickedAt, doneAt),
    scripts: scriptsBetween(pickedAt, doneAt),
  };
}

/**
 * The fallback when attachFiles cannot be measured: the Cobblestone-256 encryption stream alone, on the main
 * thread, piped from the File the runner picked in the page's own input (#file), drained without keeping it.
 */
export async function encryptPickedFile() {
  const file = document.querySelector<HTMLInputElement>('#file')!.files![0]!;
  drainObservers();
  const start = performance.now();
  const reader = file.stream().pipeThrough(createEncryptStream(generateFileKey())).getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
  }
  const end = performance.now();
  await sleep(1000);
  return {
    error: null,
    ms: end - start,
    bytes,
    tasks: tasksBetween(start, end),
    scripts: scriptsBetween(start, end),
  };
}
