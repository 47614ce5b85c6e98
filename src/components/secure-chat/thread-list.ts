/**
 * The thread list: a filter box over titles and names, and one button per thread with its title, last activity,
 * unread count, lock and participants. Arrow keys, Home and End move between threads (a roving tabindex: the
 * list is one Tab stop).
 */
import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import type { Thread, ThreadId, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { calendarDaysBetween, dateTimeLabel, timeLabel } from '../../i18n/intl.js';
import { repeat } from 'lit/directives/repeat.js';
import { fill } from '../../i18n/template.js';
import { filterThreads } from '../../state/search.js';
import { lock } from './icons.js';

export interface ThreadListModel {
  t: Strings;
  lang: string;
  now: Date;
  me: UserId | null;
  threads: Thread[];
  openThreadId: ThreadId | null;
  /** Below the list (the Devices button). */
  footer?: TemplateResult | typeof nothing;
}

type Format = Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat | Intl.NumberFormat;
const formats = new Map<string, Format>();

/** One cached Intl formatter per key; a malformed `lang` (a page can say anything) falls back to English. */
function cached<T extends Format>(key: string, lang: string, make: (locale: string) => T): T {
  let format = formats.get(`${key}|${lang}`) as T | undefined;
  if (!format) {
    try {
      format = make(lang);
    } catch {
      format = make('en');
    }
    formats.set(`${key}|${lang}`, format);
  }
  return format;
}

const relative = (lang: string) =>
  cached('relative', lang, (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto', style: 'short' }));
const date = (lang: string, options: Intl.DateTimeFormatOptions) =>
  cached(JSON.stringify(options), lang, (l) => new Intl.DateTimeFormat(l, options));

/** The last activity, short: "now", "5 min. ago", "14:05", "yesterday", "Tue", "3 Mar", "3 Mar 2024". */
export function activityLabel(when: Date, now: Date, lang: string): string {
  const minutes = Math.floor((now.getTime() - when.getTime()) / 60_000);
  if (minutes < 1 && minutes > -1) return relative(lang).format(0, 'second');
  if (minutes > 0 && minutes < 60) return relative(lang).format(-minutes, 'minute');
  const days = calendarDaysBetween(when, now);
  if (days === 0) return timeLabel(when, lang);
  if (days === 1) return relative(lang).format(-1, 'day');
  if (days > 1 && days < 7) return date(lang, { weekday: 'short' }).format(when);
  if (when.getFullYear() === now.getFullYear())
    return date(lang, { month: 'short', day: 'numeric' }).format(when);
  return date(lang, { year: 'numeric', month: 'short', day: 'numeric' }).format(when);
}

/** "Dana", "Dana and Chris", "Dana, Chris and Eve", "Dana, Chris, Eve +2"; never the reader. */
export function participantSummary(thread: Thread, me: UserId | null, t: Strings, lang: string): string {
  const names = thread.participants.filter((p) => p.userId !== me).map((p) => p.displayName);
  if (names.length === 0) return t.onlyYou;
  if (names.length <= 3)
    return cached('list', lang, (l) => new Intl.ListFormat(l, { type: 'conjunction' })).format(names);
  const units = cached('units', lang, (l) => new Intl.ListFormat(l, { type: 'unit', style: 'short' }));
  const count = cached('number', lang, (l) => new Intl.NumberFormat(l)).format(names.length - 3);
  return `${units.format(names.slice(0, 3))} +${count}`;
}

function activityTime(thread: Thread, model: ThreadListModel): TemplateResult | typeof nothing {
  const when = new Date(thread.lastActivityAt);
  if (Number.isNaN(when.getTime())) return nothing;
  return html`<time part="thread-time" datetime=${when.toISOString()} title=${dateTimeLabel(when, model.lang)}
    >${activityLabel(when, model.now, model.lang)}</time
  >`;
}

/** Holds the filter text and which thread has the list's one Tab stop, for the element that renders the list. */
export class ThreadListController implements ReactiveController {
  filter = '';
  private activeId: ThreadId | null = null;
  private clock: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost & { renderRoot: ParentNode }) {
    host.addController(this);
  }

  /** Once a minute, so "now" becomes "1 min. ago" without waiting for the next message. */
  hostConnected(): void {
    this.clock = setInterval(() => this.host.requestUpdate(), 60_000);
  }

  hostDisconnected(): void {
    clearInterval(this.clock);
  }

  private items(): HTMLButtonElement[] {
    return [...this.host.renderRoot.querySelectorAll<HTMLButtonElement>('[part~="thread-item"]')];
  }

  private moveTo(item: HTMLButtonElement | undefined): void {
    if (!item) return;
    item.focus();
    this.activeId = item.dataset['threadId'] ?? null;
    this.host.requestUpdate();
  }

  private readonly onListKeydown = (event: KeyboardEvent) => {
    const items = this.items();
    const index = items.indexOf(event.target as HTMLButtonElement);
    if (index < 0) return;
    const next =
      event.key === 'ArrowDown'
        ? items[Math.min(index + 1, items.length - 1)]
        : event.key === 'ArrowUp'
          ? items[Math.max(index - 1, 0)]
          : event.key === 'Home'
            ? items[0]
            : event.key === 'End'
              ? items.at(-1)
              : null;
    if (next === null) return;
    event.preventDefault();
    this.moveTo(next);
  };

  private readonly onFilterKeydown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      this.moveTo(this.items().find((item) => item.tabIndex === 0));
    } else if (event.key === 'Escape' && this.filter) {
      event.preventDefault();
      this.setFilter('');
    }
  };

  private setFilter(text: string): void {
    this.filter = text;
    this.host.requestUpdate();
  }

  render(model: ThreadListModel, open: (threadId: ThreadId) => void): TemplateResult {
    const { t } = model;
    const visible = filterThreads(model.threads, this.filter, model.me);
    const active =
      visible.find((thread) => thread.id === this.activeId) ??
      visible.find((thread) => thread.id === model.openThreadId) ??
      visible[0];
    return html`
      <nav part="thread-list" aria-label=${t.threadsLabel}>
        <div class="filter-row">
          <input
            part="filter"
            type="search"
            aria-label=${t.filterLabel}
            placeholder=${t.filterLabel}
            autocomplete="off"
            .value=${this.filter}
            @input=${(event: InputEvent) => this.setFilter((event.target as HTMLInputElement).value)}
            @keydown=${this.onFilterKeydown}
          />
        </div>
        ${
          // Keyed by thread, so focus stays on its thread when new activity reorders the list.
          visible.length
            ? html`<ul @keydown=${this.onListKeydown}>
                ${repeat(
                  visible,
                  (thread) => thread.id,
                  (thread) => this.item(thread, thread === active, model, open),
                )}
              </ul>`
            : nothing
        }
        <p part="thread-list-empty" class="filter-empty" role="status">
          ${visible.length ? '' : fill(t.filterEmpty, { query: this.filter.trim() })}
        </p>
        ${model.footer ?? nothing}
      </nav>
    `;
  }

  private item(
    thread: Thread,
    tabStop: boolean,
    model: ThreadListModel,
    open: (threadId: ThreadId) => void,
  ): TemplateResult {
    const { t } = model;
    return html`<li>
      <button
        part="thread-item"
        type="button"
        data-thread-id=${thread.id}
        tabindex=${tabStop ? 0 : -1}
        aria-current=${model.openThreadId === thread.id ? 'true' : 'false'}
        @focus=${() => (this.activeId = thread.id)}
        @click=${() => open(thread.id)}
      >
        <span class="thread-line">
          ${lock(t, thread.encrypted)}
          <span class="title"><bdi>${thread.title}</bdi></span>
          ${activityTime(thread, model)}
        </span>
        <span class="thread-line">
          <span part="thread-participants" class="participants"
            ><bdi>${participantSummary(thread, model.me, t, model.lang)}</bdi></span
          >
          ${
            thread.unreadCount > 0
              ? html`<span class="unread"
                  >${thread.unreadCount}<span class="visually-hidden"> ${t.unread}</span></span
                >`
              : nothing
          }
        </span>
      </button>
    </li>`;
  }
}
