/**
 * The log of one thread's messages: day separators, messages grouped by sender, their time, text and files.
 * Everything a user or a server supplied goes through Lit text bindings or the rich-text formatter.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Thread, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { dateTimeLabel, dayLabel, fileSizeLabel, localDateKey, timeLabel } from '../../i18n/intl.js';
import type { MessageView } from '../../state/timeline.js';
import type { AttachmentController } from './attachments.js';
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
    const reason = message.failure?.reason ?? 'unknown';
    const text =
      reason === 'before-join'
        ? t.beforeJoin
        : reason === 'device-added-later'
          ? t.deviceAddedLater
          : `${t.undecryptable} (${reason}).`;
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

export function messageList(model: MessageListModel, handlers: MessageListHandlers): TemplateResult {
  return html`<div
    part="messages"
    role="log"
    aria-live="polite"
    aria-label=${model.t.messagesLabel}
    @scroll=${model.actions?.onScroll}
  >
    ${model.actions?.olderButton(model)}
    ${repeat(
      messageRows(model.messages),
      (row) => (row.kind === 'day' ? row.key : `m:${row.message.clientId}`),
      (row) => (row.kind === 'day' ? daySeparator(model, row.day) : messageRow(model, row, handlers)),
    )}
  </div>`;
}
