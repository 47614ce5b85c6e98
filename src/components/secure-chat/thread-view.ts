/**
 * The open thread: its header (title, lock, encryption, search and export buttons), messages (message-list.ts),
 * who is typing, transfers and the composer, with the controllers behind them. A chunk of its own: it loads
 * while the thread list is on screen (secure-chat.component.ts), so the entry holds what the first drawing needs.
 * Everything a user or a server supplied goes through Lit text bindings or the rich-text formatter.
 */
import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Thread, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { ChatContextValue } from '../../state/context.js';
import type { MessageView } from '../../state/timeline.js';
import { AttachmentController } from './attachments.js';
import { backButton } from './chat-view.js';
import { attachmentStyles } from './attachments.styles.js';
import { composer, ComposerController } from './composer.js';
import { ThreadExportController } from './export.js';
import { lock } from './icons.js';
import { MessageActionsController } from './message-actions.js';
import { messageActionsStyles } from './message-actions.styles.js';
import { displayName, messageList } from './message-list.js';
import { ThreadSearchController } from './search.js';
import { typingIndicator } from './typing.js';
import { completeEnglish } from '../../i18n/en-more.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

export const styles = css`
  ${messageActionsStyles}
  ${attachmentStyles}
`;

export interface ThreadViewModel {
  t: Strings;
  /** The UI language, for dates, times and sizes. */
  lang: string;
  /** The moment "Today" and "Yesterday" are measured from. */
  now: Date;
  me: UserId | null;
  thread: Thread;
  messages: MessageView[];
  /** One thread only (the matter-chat mode): no back button. */
  single: boolean;
  /** The site and this user's role allow turning encryption on. */
  canEncrypt: boolean;
  draft: string;
  /** Who is typing in the open thread, by user id. */
  typing: readonly UserId[];
  /** More of the header after the lock, from the root element (a verified badge, say). */
  headerExtra?: unknown;
  /** Notices above the composer, from the root element. */
  notices?: unknown;
  /** Sending is paused here (the notices say why): the field and the send button are disabled. */
  blocked?: boolean;
  /** Below the composer, from the root element (the recovery offer: there it moves nothing when it appears). */
  footer?: unknown;
}

export interface ThreadViewHandlers {
  open(threadId: string | null): void;
  send(): void;
  draftChanged(text: string): void;
  retry(clientId: string): void;
  /** Asks before turning encryption on; the dialog is the root element's. */
  askToEncrypt(): void;
}

export interface ThreadViewOptions {
  chat: ChatContextValue;
  /** Runs an action and reports its failure (bm-error). */
  act(action: () => Promise<unknown>): void;
  onError(error: unknown): void;
  /** The draft lives in the root element; the composer reads and replaces it. */
  draft: { get(): string; set(text: string): void };
}

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

export class ThreadView {
  /** Attach, drop and paste of files, transfers, previews and downloads (attachments.ts). */
  readonly files: AttachmentController;
  /** Search of the open thread on this device (search.ts). */
  readonly search: ThreadSearchController;
  /** Export of the open thread (export.ts). */
  readonly exporter: ThreadExportController;
  /** The composer's reply and edit modes and mention suggestions (composer.ts). */
  readonly composer: ComposerController;
  /** Message menus, reactions, reply quotes, receipts, delete confirmation, older history (message-actions.ts). */
  readonly messageActions: MessageActionsController;

  constructor(host: Host, options: ThreadViewOptions) {
    const { chat, onError } = options;
    this.files = new AttachmentController(host, chat, onError);
    this.search = new ThreadSearchController(host, onError);
    this.exporter = new ThreadExportController(host, chat, onError);
    this.composer = new ComposerController(host, { actions: chat.actions, draft: options.draft });
    this.messageActions = new MessageActionsController(host, {
      state: chat.state,
      actions: chat.actions,
      composer: this.composer,
      act: options.act,
    });
  }

  render(model: ThreadViewModel, handlers: ThreadViewHandlers): TemplateResult {
    const { t, thread } = model;
    const drop = this.files.dropTarget(thread.id);
    return html`
      <section
        class="thread"
        aria-labelledby="thread-title"
        @dragover=${drop.dragover}
        @drop=${drop.drop}
        @paste=${drop.paste}
      >
        <header part="header">
          ${model.single ? nothing : backButton(t, handlers)}
          <h2 part="title" id="thread-title"><bdi>${thread.title}</bdi></h2>
          ${lock(t, thread.encrypted)} ${model.headerExtra ?? nothing}
          ${
            model.canEncrypt && !thread.encrypted
              ? html`<button part="lock-toggle" type="button" @click=${() => handlers.askToEncrypt()}>
                  ${t.encryptAction}
                </button>`
              : nothing
          }
          ${this.search.toggle(t)} ${this.exporter.button(t)}
        </header>
        ${this.search.render(model)}
        ${messageList(
          {
            files: this.files,
            t,
            lang: model.lang,
            now: model.now,
            me: model.me,
            thread,
            messages: model.messages,
            actions: this.messageActions,
          },
          handlers,
        )}
        ${typingIndicator(
          t,
          model.typing.filter((id) => id !== model.me).map((id) => displayName(thread, id)),
        )}
        ${this.files.transferList(t, model.lang, thread.id)} ${model.notices ?? nothing}
        ${composer(
          {
            t,
            attach: this.files.attachButton(t, thread.id),
            draft: model.draft,
            thread,
            me: model.me,
            messages: model.messages,
            modes: this.composer,
            blocked: !!model.blocked,
          },
          handlers,
        )}
        ${model.footer ?? nothing} ${this.exporter.render(t, model.lang, thread)}
      </section>
    `;
  }

  /** The confirmation before a delete, while it is asked for. */
  dialog(t: Strings): TemplateResult | typeof nothing {
    return this.messageActions.dialog(t);
  }
}
