/**
 * What a reader can do with one message and what they see around it: the button of the actions menu (the menu
 * and the delete confirmation load on its first press: message-menu.ts), the reactions under a message, the
 * quote of the message a reply answers, the sent and read state of one's own messages, and older history.
 * Everything a user supplied (names, quoted text, even a reaction's "emoji") goes through Lit text bindings.
 */
import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import type { ClientMessageId, ThreadId, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { fill } from '../../i18n/template.js';
import type { ChatActions } from '../../state/actions.js';
import type { ChatState } from '../../state/chat-state.js';
import type { MessageView } from '../../state/timeline.js';
import type { ComposerController } from './composer.js';
import { LazyPart } from './lazy.js';
import { displayName, revealMessage, type MessageListModel } from './message-list.js';
import type { MessageMenu } from './message-menu.js';

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

export interface MessageActionsOptions {
  state: ChatState;
  actions: ChatActions;
  composer: ComposerController;
  /** Runs an action and reports its failure (bm-error). */
  act(action: () => Promise<unknown>): void;
}

/** The sender as the reader sees them: "You" for their own messages. */
export function senderName(model: Pick<MessageListModel, 't' | 'me' | 'thread'>, userId: UserId): string {
  return userId === model.me ? model.t.you : displayName(model.thread, userId);
}

/** The first line of what a message says, for a quote; null when there is nothing to quote. */
export function quoteText(t: Strings, message: MessageView | undefined): string | null {
  if (!message || message.deleted || message.kind === 'undecryptable') return null;
  const line = (message.text.split('\n').find((l) => l.trim()) ?? '').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line || t.attachment;
}

/** Whether another participant has read up to this message (their read position is at or past its seq). */
function readByOthers(model: MessageListModel, message: MessageView): boolean {
  const seq = message.seq;
  return seq !== null && model.thread.participants.some((p) => p.userId !== model.me && p.readUpTo >= seq);
}

/** Scrolls a message into view and focuses it, so a screen reader reads it next. */
function showRow(row: HTMLElement): void {
  row.tabIndex = -1;
  row.scrollIntoView({ block: 'center' });
  row.focus({ preventScroll: true });
}

const rowSelector = (clientId: string) => `[part~="message"][data-client-id="${CSS.escape(clientId)}"]`;

export class MessageActionsController implements ReactiveController {
  private readonly menuPart: LazyPart<typeof import('./message-menu.js')>;
  /** The menus and the delete confirmation, once loaded. */
  private menu: MessageMenu | null = null;
  private afterUpdate: Array<() => void> = [];
  private loadingOlder: ThreadId | null = null;
  private unlisten: (() => void) | null = null;
  /** Scroll state of the log, measured before each update. */
  private atBottom = true;
  private fromBottom = 0;
  private shownThread: ThreadId | null = null;
  private lastThread: ThreadId | null = null;
  /** Whether the older-history button had focus before this update. */
  private olderFocused = false;

  constructor(
    private readonly host: Host,
    private readonly options: MessageActionsOptions,
  ) {
    host.addController(this);
    this.menuPart = new LazyPart(host, () => import('./message-menu.js'));
  }

  hostConnected(): void {
    this.unlisten = this.options.state.$hasOlder.listen(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unlisten?.();
  }

  private get root(): ShadowRoot {
    return this.host.renderRoot as ShadowRoot;
  }

  private log(): HTMLElement | null {
    return this.root.querySelector('[part~="messages"]');
  }

  hostUpdate(): void {
    this.olderFocused = !!this.root.activeElement?.matches('[part~="load-older"]');
    const log = this.log();
    if (!log) return;
    this.atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    this.fromBottom = log.scrollHeight - log.scrollTop;
  }

  hostUpdated(): void {
    const log = this.log();
    if (log) {
      // A newly opened thread starts at its newest message; new messages keep a reader at the bottom there;
      // older history coming in above leaves the reader where they were.
      if (this.shownThread !== this.lastThread || (this.atBottom && !this.loadingOlder))
        log.scrollTop = log.scrollHeight;
      else if (this.loadingOlder) log.scrollTop = log.scrollHeight - this.fromBottom;
      this.lastThread = this.shownThread;
    } else this.lastThread = null;
    for (const run of this.afterUpdate.splice(0)) run();
    // The button goes once there is nothing older: keep the keyboard user's place on the oldest message.
    const oldest = this.root.querySelector<HTMLElement>('[part~="message"]');
    if (this.olderFocused && oldest && !this.root.querySelector('[part~="load-older"]')) showRow(oldest);
  }

  private update(then?: () => void): void {
    if (then) this.afterUpdate.push(then);
    this.host.requestUpdate();
  }

  private readonly focusRow = (clientId: ClientMessageId, part?: string): void => {
    if (!part) revealMessage(this.root, clientId);
    const row = this.root.querySelector<HTMLElement>(rowSelector(clientId));
    if (row && !part) return showRow(row);
    (row?.querySelector<HTMLElement>(`[part~="${part}"]`) ?? this.input())?.focus();
  };

  private input(): HTMLElement | null {
    return this.root.querySelector('[part~="input"]');
  }

  /** Whether a message offers the menu: it was stored by the server and has something to act on. */
  private actionable(message: MessageView): boolean {
    return message.status === 'sent' && !message.deleted && message.kind !== 'undecryptable';
  }

  private readonly toggleReaction = (message: MessageView, emoji: string, mine: boolean): void => {
    this.options.act(() => this.options.actions.react(message.threadId, message.clientId, emoji, mine));
  };

  /** Loads the menu on the first press, then opens or closes it for this message. */
  private toggleMenu(message: MessageView): void {
    this.options.act(async () => {
      const { MessageMenu } = await this.menuPart.use();
      this.menu ??= new MessageMenu({
        options: this.options,
        root: () => this.root,
        update: (then) => this.update(then),
        focusRow: this.focusRow,
        toggleReaction: this.toggleReaction,
      });
      this.menu.toggle(message);
    });
  }

  /** The button that opens a message's menu, and the menu when it is open. */
  menuFor(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
    if (!this.actionable(message)) return nothing;
    const open = !!this.menu?.isOpen(message.clientId);
    return html`<div class="message-actions">
      <button
        type="button"
        part="actions-button"
        aria-label=${model.t.messageActions}
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${open ? 'message-menu' : nothing}
        @click=${() => this.toggleMenu(message)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      ${this.menu?.render(model, message) ?? nothing}
    </div>`;
  }

  /** The confirmation before a delete, while it is asked for (the root element renders it after its dialogs). */
  dialog(t: Strings): TemplateResult | typeof nothing {
    return this.menu?.dialog(t) ?? nothing;
  }

  // Around a message

  /** The quote of the message a reply answers; activating it shows and focuses that message. */
  quote(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
    if (!message.replyTo || message.deleted) return nothing;
    const target = model.messages.find((m) => m.clientId === message.replyTo);
    const text = quoteText(model.t, target);
    if (!target || text === null)
      return html`<div part="reply-quote" class="quote unavailable">${model.t.originalUnavailable}</div>`;
    return html`<button
      type="button"
      part="reply-quote"
      class="quote"
      @click=${() => this.focusRow(target.clientId)}
    >
      <span class="visually-hidden">${model.t.inReplyTo} </span
      ><bdi class="quote-sender">${senderName(model, target.senderId)}</bdi>
      <span class="quote-text" dir="auto">${text}</span>
    </button>`;
  }

  /** Each reaction with its count; the label names who reacted; pressing toggles the reader's own. */
  reactions(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
    if (!message.reactions.length) return nothing;
    const { t } = model;
    const list = new Intl.ListFormat(model.lang, { type: 'conjunction' });
    return html`<div part="reactions" role="group" aria-label=${t.reactions}>
      ${message.reactions.map((reaction) => {
        const mine = !!model.me && reaction.userIds.includes(model.me);
        const names = list.format(reaction.userIds.map((id) => senderName(model, id)));
        const emoji = [...reaction.emoji].slice(0, 8).join('');
        return html`<button
          type="button"
          part="reaction"
          aria-pressed=${mine ? 'true' : 'false'}
          aria-label=${fill(t.reactionLabel, { emoji, count: reaction.userIds.length, names })}
          title=${names}
          ?disabled=${!this.actionable(message)}
          @click=${() => this.toggleReaction(message, reaction.emoji, mine)}
        >
          ${emoji} ${reaction.userIds.length}
        </button>`;
      })}
    </div>`;
  }

  /** Sent or read, for the reader's own messages that the server stored. */
  receipt(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
    if (message.senderId !== model.me || message.status !== 'sent' || message.deleted) return nothing;
    const read = readByOthers(model, message);
    const label = read ? model.t.read : model.t.sent;
    return html`<span part="receipt" class=${read ? 'receipt read' : 'receipt'} title=${label}
      ><span aria-hidden="true">${read ? '✓✓' : '✓'}</span><span class="visually-hidden">${label}</span></span
    >`;
  }

  /** Next to Retry on a message that was not sent: give up on it. */
  discard(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
    if (message.status !== 'failed') return nothing;
    return html`<button
      type="button"
      class="discard"
      @click=${() => {
        this.options.act(() => this.options.actions.discardSend(message.clientId));
        this.update(() => this.input()?.focus());
      }}
    >
      ${model.t.discard}
    </button>`;
  }

  // Older history

  private loadOlder(threadId: ThreadId): void {
    if (this.loadingOlder || !this.options.state.$hasOlder.get()[threadId]) return;
    this.loadingOlder = threadId;
    this.options.act(async () => {
      try {
        await this.options.actions.loadOlder(threadId);
      } finally {
        // Still loading during the update that draws the page, which keeps the reader's place (hostUpdated);
        // then a button still there is drawn as enabled again.
        this.update(() => (this.loadingOlder = null));
        await this.host.updateComplete;
        if (this.root.querySelector('[part~="load-older"]')) this.host.requestUpdate();
      }
    });
  }

  /** The log's reader is near the top of what is loaded (message-list.ts decides when): load the page before. */
  wantOlder(): void {
    if (this.shownThread) this.loadOlder(this.shownThread);
  }

  /** The first row of the log: a button for older history, while the server holds more. */
  olderButton(model: MessageListModel): TemplateResult | typeof nothing {
    // The log renders this first: remember which thread it shows, for scrolling and for the scroll handler.
    this.shownThread = model.thread.id;
    if (!this.options.state.$hasOlder.get()[model.thread.id]) return nothing;
    return html`<button
      type="button"
      part="load-older"
      aria-disabled=${this.loadingOlder ? 'true' : 'false'}
      @click=${() => this.loadOlder(model.thread.id)}
    >
      ${model.t.loadOlder}
    </button>`;
  }
}
