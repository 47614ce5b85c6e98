/**
 * A message's actions menu (Reply, React, and for the sender Edit and Delete) and the confirmation before a
 * delete. Loaded with the first press of a message's actions button (message-actions.ts draws the button).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ClientMessageId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { MessageView } from '../../state/timeline.js';
import type { MessageActionsOptions } from './message-actions.js';
import { displayName, type MessageListModel } from './message-list.js';
import { completeEnglish } from '../../i18n/en-more.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

export { styles } from './message-menu.styles.js';

/** The reactions the menu offers; others that arrive from other clients are shown too. */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'];

/** What the menu needs of the controller that draws the rest of a message's actions. */
export interface MenuContext {
  options: MessageActionsOptions;
  root(): ShadowRoot;
  /** Asks the host to render, then runs `then`. */
  update(then?: () => void): void;
  /** Focuses a message, or the element of `part` in it (the text field when there is none). */
  focusRow(clientId: ClientMessageId, part?: string): void;
  toggleReaction(message: MessageView, emoji: string, mine: boolean): void;
}

export class MessageMenu {
  /** The message whose menu is open, and whether it shows the reactions. */
  private menu: { id: ClientMessageId; reacting: boolean } | null = null;
  private deleting: ClientMessageId | null = null;

  constructor(private readonly context: MenuContext) {}

  isOpen(clientId: ClientMessageId): boolean {
    return this.menu?.id === clientId;
  }

  private closeMenu(refocus: boolean): void {
    const id = this.menu?.id;
    this.menu = null;
    this.context.update(refocus && id ? () => this.context.focusRow(id, 'actions-button') : undefined);
  }

  private focusFirstItem = () =>
    this.context.root().querySelector<HTMLElement>('[part~="actions-menu"] button')?.focus();

  toggle(message: MessageView): void {
    if (this.menu?.id === message.clientId) return this.closeMenu(true);
    this.menu = { id: message.clientId, reacting: false };
    this.context.update(this.focusFirstItem);
  }

  /** Arrow keys, Home and End move through the items; Escape closes and goes back to the button; Tab leaves. */
  private readonly onKeydown = (event: KeyboardEvent) => {
    const menu = event.currentTarget as HTMLElement;
    const items = [...menu.querySelectorAll<HTMLElement>('button')];
    const index = items.indexOf(event.target as HTMLElement);
    const rtl = getComputedStyle(menu).direction === 'rtl';
    const step: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      ArrowRight: rtl ? -1 : 1,
      ArrowLeft: rtl ? 1 : -1,
    };
    let next: HTMLElement | undefined;
    if (event.key in step) next = items[(index + step[event.key]! + items.length) % items.length];
    else if (event.key === 'Home') next = items[0];
    else if (event.key === 'End') next = items.at(-1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      return this.closeMenu(true);
    } else if (event.key === 'Tab') return this.closeMenu(false);
    if (!next) return;
    event.preventDefault();
    next.focus();
  };

  /** Focus left the menu for good (checked once the event is over: a re-render of the menu moves focus too). */
  private readonly onFocusout = () => {
    const menu = this.menu;
    setTimeout(() => {
      if (this.menu === menu && !this.context.root().activeElement?.closest('.message-actions'))
        this.closeMenu(false);
    });
  };

  /** Closes the menu and runs what was chosen; `refocus` puts focus back on the menu's button. */
  private choose(action: () => void, refocus = false): void {
    const id = this.menu?.id;
    this.menu = null;
    action();
    this.context.update(refocus && id ? () => this.context.focusRow(id, 'actions-button') : undefined);
  }

  /** The open menu of this message, or nothing. */
  render(model: MessageListModel, message: MessageView): TemplateResult | typeof nothing {
    if (this.menu?.id !== message.clientId) return nothing;
    const { t } = model;
    const { composer } = this.context.options;
    const own = message.senderId === model.me;
    const item = (label: string, run: () => void) =>
      html`<button type="button" role="menuitem" tabindex="-1" @click=${run}>${label}</button>`;
    const mine = (emoji: string) =>
      !!model.me && !!message.reactions.find((r) => r.emoji === emoji)?.userIds.includes(model.me);
    const items = this.menu.reacting
      ? REACTIONS.map(
          (emoji) =>
            html`<button
              type="button"
              role="menuitemcheckbox"
              class="emoji"
              tabindex="-1"
              aria-checked=${mine(emoji) ? 'true' : 'false'}
              @click=${() => this.choose(() => this.context.toggleReaction(message, emoji, mine(emoji)), true)}
            >
              ${emoji}
            </button>`,
        )
      : html`${item(t.reply, () => this.choose(() => composer.startReply(message)))}
        ${item(t.react, () => {
          this.menu = { id: message.clientId, reacting: true };
          this.context.update(this.focusFirstItem);
        })}
        ${
          own && message.kind === 'text'
            ? item(t.edit, () =>
                this.choose(() => composer.startEdit(message, (userId) => displayName(model.thread, userId))),
              )
            : nothing
        }
        ${own ? item(t.delete, () => this.choose(() => this.askToDelete(message.clientId))) : nothing}`;
    return html`<div
      id="message-menu"
      role="menu"
      part="actions-menu"
      aria-label=${t.messageActions}
      @keydown=${this.onKeydown}
      @focusout=${this.onFocusout}
    >
      ${items}
    </div>`;
  }

  // Delete, after a confirmation

  private askToDelete(clientId: ClientMessageId): void {
    this.deleting = clientId;
    this.context.update(() =>
      this.context.root().querySelector<HTMLDialogElement>('dialog.delete-dialog')?.showModal(),
    );
  }

  private readonly onDialogClose = (event: Event) => {
    const dialog = event.currentTarget as HTMLDialogElement;
    const clientId = this.deleting;
    const { state, actions, act } = this.context.options;
    const threadId = state.$openThreadId.get();
    this.deleting = null;
    if (!clientId) return;
    if (dialog.returnValue === 'delete' && threadId) {
      act(() => actions.deleteMessage(threadId, clientId));
      this.context.update(() => this.context.focusRow(clientId));
    } else this.context.update(() => this.context.focusRow(clientId, 'actions-button'));
  };

  /** The confirmation before a delete; rendered after the other dialogs, and only while it is asked for. */
  dialog(t: Strings): TemplateResult | typeof nothing {
    if (!this.deleting) return nothing;
    return html`<dialog
      part="dialog delete-dialog"
      class="delete-dialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-body"
      @close=${this.onDialogClose}
    >
      <form method="dialog">
        <h2 id="delete-title">${t.deleteTitle}</h2>
        <p id="delete-body">${t.deleteBody}</p>
        <div class="actions">
          <button value="cancel" class="cancel">${t.cancel}</button>
          <button value="delete" class="confirm">${t.delete}</button>
        </div>
      </form>
    </dialog>`;
  }
}
