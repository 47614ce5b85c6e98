/**
 * The chat view of the root element: thread list, the open thread's header, its messages (message-list.ts) and
 * the composer. Everything a user or a server supplied (titles, names, message text) goes through Lit text
 * bindings, which never parse markup, or through the rich-text formatter, which emits no markup of its own.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Thread, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { MessageView } from '../../state/timeline.js';
import type { AttachmentController } from './attachments.js';
import { composer, type ComposerController } from './composer.js';
import type { MessageActionsController } from './message-actions.js';
import { displayName, messageList } from './message-list.js';
import type { ThreadExportController } from './export.js';
import { lock } from './icons.js';
import type { TrustController } from './trust.js';
import type { ThreadSearchController } from './search.js';
import type { ThreadListController } from './thread-list.js';
import { typingIndicator } from './typing.js';

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
  /** Attach, drop and paste of files, transfers, previews and downloads (attachments.ts). */
  files: AttachmentController;
  /** The thread list's filter and its one Tab stop (thread-list.ts). */
  threadList: ThreadListController;
  /** Search of the open thread on this device (search.ts). */
  search: ThreadSearchController;
  /** Export of the open thread (export.ts). */
  exporter: ThreadExportController;
  /** Who is typing in the open thread, by user id. */
  typing: readonly UserId[];
  /** The composer's reply and edit modes and mention suggestions (composer.ts). */
  composer: ComposerController;
  /** Message menus, reactions, reply quotes, receipts, delete confirmation, older history (message-actions.ts). */
  messageActions: MessageActionsController;
  /** Verified badge, key-change notices, paused sending and the verification dialog (trust.ts). */
  trust: TrustController;
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

function threadList(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult {
  const { t, lang, now, me, threads } = model;
  const openThreadId = model.openThread?.id ?? null;
  return model.threadList.render({ t, lang, now, me, threads, openThreadId }, (id) => handlers.open(id));
}

function threadView(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult {
  const { t, openThread } = model;
  if (!openThread) return html``;
  const drop = model.files.dropTarget(openThread.id);
  return html`
    <section
      class="thread"
      aria-labelledby="thread-title"
      @dragover=${drop.dragover}
      @drop=${drop.drop}
      @paste=${drop.paste}
    >
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
        ${lock(t, openThread.encrypted)} ${model.trust.header(t, openThread, model.me)}
        ${
          model.canEncrypt && !openThread.encrypted
            ? html`<button part="lock-toggle" type="button" @click=${() => handlers.askToEncrypt()}>
                ${t.encryptAction}
              </button>`
            : nothing
        }
        ${model.search.toggle(t)} ${model.exporter.button(t)}
      </header>
      ${model.search.render({
        t,
        lang: model.lang,
        now: model.now,
        me: model.me,
        thread: openThread,
        messages: model.messages,
      })}
      ${messageList(
        {
          files: model.files,
          t,
          lang: model.lang,
          now: model.now,
          me: model.me,
          thread: openThread,
          messages: model.messages,
          actions: model.messageActions,
        },
        handlers,
      )}
      ${typingIndicator(
        t,
        model.typing.filter((id) => id !== model.me).map((id) => displayName(openThread, id)),
      )}
      ${model.files.transferList(t, model.lang, openThread.id)}
      ${model.trust.notices(t, openThread, model.me)}
      ${composer(
        {
          t,
          attach: model.files.attachButton(t, openThread.id),
          draft: model.draft,
          thread: openThread,
          me: model.me,
          messages: model.messages,
          modes: model.composer,
          blocked: model.trust.blocked(openThread, model.me),
        },
        handlers,
      )}
      ${model.exporter.render(t, model.lang, openThread)}
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
  )}${model.messageActions.dialog(model.t)}${model.trust.renderDialog(model.t)}`;
}
