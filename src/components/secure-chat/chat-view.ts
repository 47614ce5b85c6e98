/**
 * The chat view of the root element: thread list, the open thread's header, its messages (message-list.ts) and
 * the composer. Everything a user or a server supplied (titles, names, message text) goes through Lit text
 * bindings, which never parse markup, or through the rich-text formatter, which emits no markup of its own.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { Thread, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { MessageView } from '../../state/timeline.js';
import { composer } from './composer.js';
import { messageList } from './message-list.js';

export interface ChatViewModel {
  t: Strings;
  /** The UI language, for dates, times and sizes. */
  lang: string;
  /** The moment "Today" and "Yesterday" are measured from. */
  now: Date;
  me: UserId | null;
  threads: Thread[];
  openThread: Thread | null;
  messages: MessageView[];
  /** One thread only (the matter-chat mode): no list, no back button. */
  single: boolean;
  /** The site and this user's role allow turning encryption on. */
  canEncrypt: boolean;
  draft: string;
}

export interface ChatViewHandlers {
  open(threadId: string | null): void;
  send(): void;
  draftChanged(text: string): void;
  retry(clientId: string): void;
  /** Asks before turning encryption on; the dialog is the root element's. */
  askToEncrypt(): void;
  confirmEncrypt(): void;
  cancelEncrypt(): void;
}

const closedShackle = svg`<path d="M5 7V5a3 3 0 0 1 6 0v2" />`;
const openShackle = svg`<path d="M5 7V5a3 3 0 0 1 5.8-1" />`;

/** A padlock drawn inline (no icon font, no emoji font needed), closed for encrypted threads. */
function lock(t: Strings, encrypted: boolean): TemplateResult {
  return html`<svg
    class=${encrypted ? 'lock closed' : 'lock open'}
    role="img"
    aria-label=${encrypted ? t.encryptedThread : t.plainThread}
    viewBox="0 0 16 16"
    width="16"
    height="16"
  >
    <title>${encrypted ? t.encryptedThread : t.plainThread}</title>
    ${encrypted ? closedShackle : openShackle}
    <rect x="3" y="7" width="10" height="7" rx="1.5" />
  </svg>`;
}

function threadList(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult {
  const { t } = model;
  return html`
    <nav part="thread-list" aria-label=${t.threadsLabel}>
      <ul>
        ${model.threads.map(
          (thread) => html`
            <li>
              <button
                part="thread-item"
                type="button"
                aria-current=${model.openThread?.id === thread.id ? 'true' : 'false'}
                @click=${() => handlers.open(thread.id)}
              >
                ${lock(t, thread.encrypted)}
                <span class="title"><bdi>${thread.title}</bdi></span>
                ${
                  thread.unreadCount > 0
                    ? html`<span class="unread"
                        >${thread.unreadCount}<span class="visually-hidden"> ${t.unread}</span></span
                      >`
                    : nothing
                }
              </button>
            </li>
          `,
        )}
      </ul>
    </nav>
  `;
}

function threadView(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult {
  const { t, openThread } = model;
  if (!openThread) return html``;
  return html`
    <section class="thread" aria-labelledby="thread-title">
      <header part="header">
        ${
          model.single
            ? nothing
            : html`<button
                type="button"
                class="back"
                aria-label=${t.back}
                @click=${() => handlers.open(null)}
              >
                ←
              </button>`
        }
        <h2 part="title" id="thread-title"><bdi>${openThread.title}</bdi></h2>
        ${lock(t, openThread.encrypted)}
        ${
          model.canEncrypt && !openThread.encrypted
            ? html`<button part="lock-toggle" type="button" @click=${() => handlers.askToEncrypt()}>
                ${t.encryptAction}
              </button>`
            : nothing
        }
      </header>
      ${messageList(
        {
          t,
          lang: model.lang,
          now: model.now,
          me: model.me,
          thread: openThread,
          messages: model.messages,
        },
        handlers,
      )}
      ${composer({ t, draft: model.draft }, handlers)}
    </section>
  `;
}

/** The confirmation before the one-way switch: it says plainly what changes. */
function encryptDialog(t: Strings, handlers: ChatViewHandlers): TemplateResult {
  return html`<dialog
    part="dialog"
    aria-labelledby="encrypt-title"
    aria-describedby="encrypt-body"
    @cancel=${() => handlers.cancelEncrypt()}
  >
    <h2 id="encrypt-title">${t.encryptTitle}</h2>
    <p id="encrypt-body">${t.encryptBody}</p>
    <div class="actions">
      <button type="button" class="cancel" @click=${() => handlers.cancelEncrypt()}>${t.cancel}</button>
      <button type="button" class="confirm" @click=${() => handlers.confirmEncrypt()}>
        ${t.encryptConfirm}
      </button>
    </div>
  </dialog>`;
}

export function renderChat(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult {
  return html`${model.single ? nothing : threadList(model, handlers)}${threadView(model, handlers)}${encryptDialog(
    model.t,
    handlers,
  )}`;
}
