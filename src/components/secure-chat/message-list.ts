/**
 * The log of one thread's messages: day separators, messages grouped by sender, their time, text and files.
 * Everything a user or a server supplied goes through Lit text bindings or the rich-text formatter.
 *
 * Only a window of rows around the visible ones is in the DOM (a thread may hold 10,000 messages): the window
 * follows scrolling, keeps the reader's place when it moves or when older history comes in above, grows over a
 * focused row rather than dropping it, and opens around a message that search or a reply quote asks for
 * (`revealMessage`). Rows that were already there when the thread opened, or that come in as history, sit in a
 * part of the log that is not a live region; only messages that arrive while the thread is open are announced.
 */
import { html, noChange, nothing, render, type ElementPart, type TemplateResult } from 'lit';
import { Directive, directive, type PartInfo } from 'lit/directive.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Thread, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { dateTimeLabel, dayLabel, fileSizeLabel, localDateKey, timeLabel } from '../../i18n/intl.js';
import type { MessageView } from '../../state/timeline.js';
import type { AttachmentController } from './attachments.js';
import { failureText } from './failure-text.js';
import { formatMessage } from './format/render.js';
import type { MessageActionsController } from './message-actions.js';
import { messageRows, type MessageRow } from './message-rows.js';

export interface MessageListModel {
  t: Strings;
  /** The UI language, for dates, times and sizes. */
  lang: string;
  /** The moment "today" is measured from. */
  now: Date;
  me: UserId | null;
  thread: Thread;
  messages: MessageView[];
  /** Image previews and download buttons of attachments (attachments.ts); without it, only name and size. */
  files?: AttachmentController;
  /** Menus, reactions, reply quotes, receipts and older history (message-actions.ts); without it, the bare log. */
  actions?: MessageActionsController;
}

export interface MessageListHandlers {
  retry(clientId: string): void;
}

export function displayName(thread: Thread | null, userId: UserId): string {
  return thread?.participants.find((p) => p.userId === userId)?.displayName ?? userId;
}

// Bidi controls in a file name can disguise its extension ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

function attachment(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
  const file = message.attachment;
  if (!file || message.deleted) return nothing;
  return html`<div part="attachment" role="group" aria-label=${model.t.attachment}>
    ${model.files?.preview(message)}
    <span class="file-name" dir="auto">${file.name.replace(BIDI_CONTROLS, '')}</span>
    <span class="file-size">${fileSizeLabel(file.size, model.lang)}</span>
    ${model.files?.downloadButton(model.t, message)}
  </div>`;
}

function messageBody(model: MessageListModel, message: MessageView): TemplateResult {
  const { t } = model;
  // No whitespace around the bindings: the body keeps white space as typed (pre-wrap).
  if (message.kind === 'undecryptable') {
    const text = failureText(t, message.failure?.reason ?? 'unknown');
    const tone = message.failure?.expected ? 'info' : 'warning';
    return html`<div part="message-body" class=${tone}>${text}</div>`;
  }
  if (message.deleted) return html`<div part="message-body" class="info">${t.deleted}</div>`;
  if (!message.text) return html``;
  const rich = formatMessage(message.text, message.mentions, {
    me: model.me,
    nameOf: (userId) => displayName(model.thread, userId),
  });
  // Each message takes its direction from its own first strong letter, whatever the UI language.
  return html`<div part="message-body" dir="auto">${rich}</div>`;
}

function messageStatus(model: MessageListModel, message: MessageView, handlers: MessageListHandlers) {
  const { t } = model;
  return html`${message.edited && !message.deleted ? html`<span class="meta">${t.edited}</span>` : nothing}
  ${message.status === 'pending' ? html`<span class="meta">${t.pending}</span>` : nothing}
  ${
    message.status === 'failed'
      ? html`<span class="meta warning">${t.failed}</span>
          <button type="button" @click=${() => handlers.retry(message.clientId)}>${t.retry}</button>
          ${model.actions?.discard(model, message)}`
      : nothing
  }`;
}

function messageRow(
  model: MessageListModel,
  row: Extract<MessageRow, { kind: 'message' }>,
  handlers: MessageListHandlers,
): TemplateResult {
  const { message, time, continued } = row;
  const own = message.senderId === model.me;
  const sender = own ? model.t.you : displayName(model.thread, message.senderId);
  return html`<div
    part="message"
    class="${own ? 'own' : 'other'} ${continued ? 'continued' : ''}"
    data-client-id=${message.clientId}
  >
    <span part="sender" class=${continued ? 'sender visually-hidden' : 'sender'}><bdi>${sender}</bdi></span>
    ${model.actions?.quote(model, message)} ${messageBody(model, message)} ${attachment(model, message)}
    ${model.actions?.reactions(model, message)}
    <div class="footer">
      ${
        time
          ? html`<time part="time" datetime=${time.toISOString()} title=${dateTimeLabel(time, model.lang)}
              >${timeLabel(time, model.lang)}</time
            >`
          : nothing
      }
      ${messageStatus(model, message, handlers)} ${model.actions?.receipt(model, message)}
      ${model.actions?.menuFor(model, message)}
    </div>
  </div>`;
}

function daySeparator(model: MessageListModel, day: Date): TemplateResult {
  return html`<h3 part="day-separator">
    <time datetime=${localDateKey(day)}>${dayLabel(day, model.now, model.lang, model.t)}</time>
  </h3>`;
}

const rowKey = (row: MessageRow) => (row.kind === 'day' ? row.key : `m:${row.message.clientId}`);

/** Rows a newly opened thread shows, up to its newest. */
const FIRST_ROWS = 40;
/** Rows kept beyond the visible ones on each side: topped up below `MIN_AHEAD`, trimmed beyond `MAX_AHEAD`. */
const AHEAD = 25;
const MIN_AHEAD = 10;
const MAX_AHEAD = 50;
/**
 * At most this many rows come into the window at each `settle` (a scroll event or a frame after an update), so
 * that drawing and laying them out stays well inside one frame's budget; 15 rows fill more than a screen.
 */
const STEP = 15;
/** The window grows over a focused row up to this many rows; beyond, focus moves to a visible message. */
const MAX_ROWS = 400;
/**
 * A reader scrolling up this close to the top of the loaded history (in rows) has the page before loaded, so
 * it is usually there before they reach the top; about one page of the engine's (50 messages).
 */
const OLDER_AHEAD = 60;

const windows = new WeakMap<Element, RowWindow>();

/** The log's window of rows (an element directive on the log, which renders its children itself). */
class RowWindow extends Directive {
  private log: HTMLElement | null = null;
  private model!: MessageListModel;
  private handlers!: MessageListHandlers;
  private rows: MessageRow[] = [];
  private start = 0;
  private end = 0;
  private threadId: string | null = null;
  /** Messages up to this seq, and these unsent ones, were there when the thread opened: not announced. */
  private historySeq = 0;
  private historyUnsent = new Set<string>();
  private settling = 0;
  /** The first row on screen at the last `settle`, counted from the first loaded row; the last scroll offset. */
  private firstShown = Number.POSITIVE_INFINITY;
  private lastScrollTop = 0;

  constructor(info: PartInfo) {
    super(info);
  }

  render(_model: MessageListModel, _handlers: MessageListHandlers) {
    return noChange;
  }

  override update(part: ElementPart, [model, handlers]: [MessageListModel, MessageListHandlers]) {
    const log = part.element as HTMLElement;
    this.log = log;
    windows.set(log, this);
    this.model = model;
    this.handlers = handlers;
    const old = this.rows;
    const rows = messageRows(model.messages);
    this.rows = rows;
    if (model.thread.id !== this.threadId) {
      this.threadId = model.thread.id;
      this.start = Math.max(0, rows.length - FIRST_ROWS);
      this.end = rows.length;
      this.forgetLive(model.thread.lastSeq);
    } else {
      // The window stays on the rows it showed; at the bottom, new messages come into it. Older history that
      // came in above is drawn by `settle`, a step a frame as the reader nears it, so that no one task lays out
      // a whole page of rows. Asked for by the older-history button, it comes in at once, under the button.
      this.start = this.start === 0 && this.olderButtonFocused() ? 0 : this.find(old, this.start, 1);
      this.end = this.end >= old.length ? rows.length : this.find(old, this.end - 1, -1) + 1;
      if (this.end < this.start)
        [this.start, this.end] = [Math.max(0, rows.length - FIRST_ROWS), rows.length];
    }
    this.draw();
    this.settleSoon();
    return noChange;
  }

  private olderButtonFocused(): boolean {
    const root = this.log!.getRootNode() as Document | ShadowRoot;
    const active = root.activeElement;
    return !!active && this.log!.contains(active) && active.matches('[part~="load-older"]');
  }

  /** Where old row `index` is now, or the nearest row that is still there, looking in `direction`. */
  private find(old: readonly MessageRow[], index: number, direction: 1 | -1): number {
    const rows = this.rows;
    const shift = rows.length - old.length;
    for (let i = index; i >= 0 && i < old.length; i += direction) {
      const key = rowKey(old[i]!);
      for (const guess of [i + shift, i]) if (rows[guess] && rowKey(rows[guess]) === key) return guess;
      const found = rows.findIndex((row) => rowKey(row) === key);
      if (found >= 0) return found;
    }
    return direction === 1 ? 0 : rows.length - 1;
  }

  /** Everything the log holds now counts as history: what comes into the window later is not announced. */
  private forgetLive(seq = 0): void {
    this.historySeq = seq;
    for (const row of this.rows) {
      if (row.kind !== 'message') continue;
      const { seq: s, clientId } = row.message;
      if (s === null) this.historyUnsent.add(clientId);
      else this.historySeq = Math.max(this.historySeq, s);
    }
  }

  private isLive(row: MessageRow): boolean {
    if (row.kind !== 'message') return false;
    const { seq, clientId } = row.message;
    return !this.historyUnsent.has(clientId) && (seq === null || seq > this.historySeq);
  }

  /** The first row of the window's newest stretch of live messages (with the day rows between them). */
  private liveFrom(): number {
    let split = this.end;
    for (let i = this.end - 1; i >= this.start; i--) {
      const row = this.rows[i]!;
      if (row.kind === 'message' && !this.isLive(row)) break;
      if (row.kind === 'message') split = i;
    }
    // A day row right before the first live message belongs with it.
    if (split > this.start && this.rows[split - 1]!.kind === 'day' && split < this.end) split--;
    return split;
  }

  private draw(): void {
    const { model, handlers, rows } = this;
    const split = this.liveFrom();
    const row = (r: MessageRow) =>
      r.kind === 'day' ? daySeparator(model, r.day) : messageRow(model, r, handlers);
    // The older-history button is always asked for: it also tells the controller which thread is shown.
    const older = model.actions?.olderButton(model);
    render(
      html`${this.start === 0 ? older : nothing}
        <div class="rows" aria-live="off">${repeat(rows.slice(this.start, split), rowKey, row)}</div>
        <div class="rows">${repeat(rows.slice(split, this.end), rowKey, row)}</div>`,
      this.log!,
    );
  }

  /** Row elements of the window, in order. */
  private elements(): HTMLElement[] {
    const els: HTMLElement[] = [];
    for (const part of this.log!.children)
      if (part.classList.contains('rows')) els.push(...(part.children as HTMLCollectionOf<HTMLElement>));
    return els;
  }

  /** `settle` in the next frame, once however many scroll events and updates come before it. */
  private settleSoon(): void {
    this.settling ||= requestAnimationFrame(() => {
      this.settling = 0;
      this.settle();
    });
  }

  /** Moves the window to [start, end) and keeps the row at `anchor` where it was on screen (and focus on it). */
  private move(start: number, end: number, anchor: HTMLElement | null): void {
    const log = this.log!;
    const root = log.getRootNode() as Document | ShadowRoot;
    const focused = root.activeElement?.closest<HTMLElement>('[part~="message"]');
    const focusedId = focused && log.contains(focused) ? focused.dataset.clientId : undefined;
    const olderFocused = this.olderButtonFocused();
    const anchorId = anchor?.dataset.clientId;
    const top = anchor?.getBoundingClientRect().top ?? 0;
    if (end < this.end) this.forgetLive();
    this.start = start;
    this.end = end;
    this.draw();
    const byId = (id: string) =>
      log.querySelector<HTMLElement>(`[part~="message"][data-client-id="${CSS.escape(id)}"]`);
    const now = anchorId ? byId(anchorId) : null;
    if (now) log.scrollTop += now.getBoundingClientRect().top - top;
    // A focused row that had to leave (or was drawn again elsewhere): focus the anchor, or the row again. A
    // focused older-history button that left: the oldest message shown.
    const target = focusedId && !focused!.isConnected ? (byId(focusedId) ?? now) : null;
    const oldest =
      olderFocused && !this.olderButtonFocused() ? log.querySelector<HTMLElement>('[part~="message"]') : null;
    const refocus = target ?? oldest;
    if (refocus) {
      refocus.tabIndex = -1;
      refocus.focus({ preventScroll: true });
    }
  }

  /** After scrolling or an update: keep `AHEAD` rows on each side of the visible ones, within bounds. */
  settle(): void {
    const log = this.log;
    if (!log?.isConnected) return;
    const els = this.elements();
    const box = log.getBoundingClientRect();
    let first = -1;
    let last = -1;
    for (let i = 0; i < els.length; i++) {
      const r = els[i]!.getBoundingClientRect();
      if (r.bottom > box.top && r.top < box.bottom) {
        if (first < 0) first = i;
        last = i;
      } else if (first >= 0) break;
    }
    if (first < 0) return;
    this.firstShown = this.start + first;
    const n = this.rows.length;
    let start = this.start;
    let end = this.end;
    const above = first;
    const below = els.length - 1 - last;
    if ((above < MIN_AHEAD && start > 0) || above > MAX_AHEAD)
      start = Math.max(0, this.start + first - AHEAD, this.start - STEP);
    if ((below < MIN_AHEAD && end < n) || below > MAX_AHEAD)
      end = Math.min(n, this.start + last + 1 + AHEAD, this.end + STEP);
    // A focused older-history button keeps the top of the window, and the rows it brought in, in the DOM.
    if (this.start === 0 && this.olderButtonFocused() && end <= MAX_ROWS) start = 0;
    // Keep a focused row (a keyboard user's place) unless the window would grow too large.
    const root = log.getRootNode() as Document | ShadowRoot;
    const focused = root.activeElement?.closest<HTMLElement>('.rows > *');
    const at = focused ? els.indexOf(focused) : -1;
    if (at >= 0) {
      const s = Math.min(start, this.start + at);
      const e = Math.max(end, this.start + at + 1);
      if (e - s <= MAX_ROWS) [start, end] = [s, e];
    }
    if (start === this.start && end === this.end) return;
    const anchor = els.slice(first, last + 1).find((el) => el.dataset.clientId) ?? null;
    this.move(start, end, anchor);
  }

  /** Brings a message into the window; false when the thread does not hold it. */
  reveal(clientId: string): boolean {
    const i = this.rows.findIndex((row) => row.kind === 'message' && row.message.clientId === clientId);
    if (i < 0) return false;
    if (i < this.start || i >= this.end)
      this.move(Math.max(0, i - AHEAD), Math.min(this.rows.length, i + 1 + AHEAD), null);
    return true;
  }

  readonly onScroll = () => {
    const top = this.log!.scrollTop;
    const up = top < this.lastScrollTop;
    this.lastScrollTop = top;
    this.settleSoon();
    // Older history is asked for while the reader scrolls up within a page of the top of what is loaded, and
    // at the very top however they got there.
    if ((up && this.firstShown < OLDER_AHEAD) || (this.start === 0 && top < 48))
      this.model.actions?.wantOlder();
  };
}

const rowWindow = directive(RowWindow);

function onLogScroll(event: Event): void {
  windows.get(event.currentTarget as Element)?.onScroll();
}

/**
 * Makes sure the message's row is in the log's window (for search hits, reply quotes and other jumps), so it can
 * be scrolled to and focused. `root` is the element's render root.
 */
export function revealMessage(root: ParentNode, clientId: string): void {
  const log = root.querySelector('[part~="messages"]');
  if (log) windows.get(log)?.reveal(clientId);
}

export function messageList(model: MessageListModel, handlers: MessageListHandlers): TemplateResult {
  return html`<div
    part="messages"
    role="log"
    aria-live="polite"
    aria-label=${model.t.messagesLabel}
    @scroll=${onLogScroll}
    ${rowWindow(model, handlers)}
  ></div>`;
}
