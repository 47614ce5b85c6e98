/**
 * The chat view of the root element: the thread list, the open thread (thread-view.ts, a chunk that may still be
 * loading), and the encryption confirmation. Everything a user or a server supplied (titles, names, message
 * text) goes through Lit text bindings, which never parse markup, or through the rich-text formatter, which emits
 * no markup of its own.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Thread, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { MessageView } from '../../state/timeline.js';
import type { ThreadListController } from './thread-list.js';
import type { ThreadView, ThreadViewHandlers } from './thread-view.js';
import type { RecoveryController } from './recovery.js';
import type { TrustController } from './trust.js';

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
  /** The thread list's filter and its one Tab stop (thread-list.ts). */
  threadList: ThreadListController;
  /** The open thread's view, once its chunk has loaded. */
  threadView: ThreadView | null;
  /** Who is typing in the open thread, by user id. */
  typing: readonly UserId[];
  /** Verified badge, key-change notices, paused sending and the verification dialog (trust.ts). */
  trust: TrustController;
  /** Below the thread list: the Devices button (devices.ts). */
  listFooter?: TemplateResult | typeof nothing;
  /** The header button that opens the recovery settings (recovery.ts). */
  recovery?: RecoveryController;
}

export interface ChatViewHandlers extends ThreadViewHandlers {
  confirmEncrypt(): void;
  cancelEncrypt(): void;
}

/** The header's back button: to the thread list in the narrow layout (hidden when both are side by side). */
export function backButton(t: Strings, handlers: Pick<ThreadViewHandlers, 'open'>): TemplateResult {
  return html`<button type="button" class="back" aria-label=${t.back} @click=${() => handlers.open(null)}>
    ←
  </button>`;
}

function threadList(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult {
  const { t, lang, now, me, threads } = model;
  const openThreadId = model.openThread?.id ?? null;
  return model.threadList.render(
    { t, lang, now, me, threads, openThreadId, footer: model.listFooter },
    (id) => handlers.open(id),
  );
}

function threadView(model: ChatViewModel, handlers: ChatViewHandlers): TemplateResult | typeof nothing {
  const { openThread: thread, threadView: view } = model;
  if (!thread) return nothing;
  // Until its chunk is in, the thread shows its title, busy.
  if (!view)
    return html`<section class="thread" aria-labelledby="thread-title" aria-busy="true">
      <header part="header">
        ${model.single ? nothing : backButton(model.t, handlers)}
        <h2 part="title" id="thread-title"><bdi>${thread.title}</bdi></h2>
      </header>
    </section>`;
  const { t, me, trust } = model;
  return view.render(
    {
      ...model,
      thread,
      headerExtra: html`${trust.header(t, thread, me)}${model.recovery?.button(t, thread) ?? nothing}`,
      notices: trust.notices(t, thread, me),
      blocked: trust.blocked(thread, me),
      footer: model.recovery?.offer(t, thread) ?? nothing,
    },
    handlers,
  );
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
  )}${model.threadView?.dialog(model.t) ?? nothing}${model.trust.renderDialog(model.t)}`;
}
