/**
 * Export of one thread as this device sees it: JSON for machines, and a standalone HTML page for people. Both
 * are built from the folded MessageViews (edits applied, deletions and reactions folded in) and hold only what
 * the reader could already read on screen: no key, no blob id, nothing the server would need to fetch a file.
 *
 * The HTML is built as a string, so every value goes through `escapeHtml`, and the page carries a CSP that
 * forbids every script, image, frame and request: the one style sheet is allowed by its hash.
 */
import type { Thread, UserId } from '../adapter/types.js';
import type { MessageView } from './timeline.js';

export interface ExportInput {
  thread: Thread;
  messages: readonly MessageView[];
  exportedAt: Date;
}

export interface ExportedMessage {
  id: string;
  /** Server order; null for a message still in this device's outbox. */
  seq: number | null;
  senderId: UserId;
  sender: string;
  time: string;
  status: MessageView['status'];
  text: string;
  edited: boolean;
  deleted: boolean;
  replyTo: string | null;
  mentions: UserId[];
  reactions: { emoji: string; userIds: UserId[] }[];
  attachment: { name: string; mime: string; size: number } | null;
  /** Why this device could not read the message; null when it could. */
  undecryptable: { reason: string; expected: boolean } | null;
}

export interface ThreadExport {
  format: 'bm-secure-chat-export';
  version: 1;
  exportedAt: string;
  thread: {
    id: string;
    title: string;
    encrypted: boolean;
    participants: { userId: UserId; displayName: string }[];
  };
  messages: ExportedMessage[];
}

function nameIn(thread: Thread, userId: UserId): string {
  return thread.participants.find((p) => p.userId === userId)?.displayName ?? userId;
}

// Bidi controls in a file name can disguise its extension ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** The export as a plain object: what `exportJson` writes. */
export function exportRecord({ thread, messages, exportedAt }: ExportInput): ThreadExport {
  return {
    format: 'bm-secure-chat-export',
    version: 1,
    exportedAt: exportedAt.toISOString(),
    thread: {
      id: thread.id,
      title: thread.title,
      encrypted: thread.encrypted,
      participants: thread.participants.map((p) => ({ userId: p.userId, displayName: p.displayName })),
    },
    messages: messages.map((message) => ({
      id: message.clientId,
      seq: message.seq,
      senderId: message.senderId,
      sender: nameIn(thread, message.senderId),
      time: message.createdAt,
      status: message.status,
      text: message.text,
      edited: message.edited,
      deleted: message.deleted,
      replyTo: message.replyTo,
      mentions: [...message.mentions],
      reactions: message.reactions.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds] })),
      attachment: message.attachment
        ? {
            name: message.attachment.name.replace(BIDI_CONTROLS, ''),
            mime: message.attachment.mime,
            size: message.attachment.size,
          }
        : null,
      undecryptable:
        message.kind === 'undecryptable'
          ? { reason: message.failure?.reason ?? 'unknown', expected: message.failure?.expected ?? false }
          : null,
    })),
  };
}

export function exportJson(input: ExportInput): string {
  return JSON.stringify(exportRecord(input), null, 2);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML content and in a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** The export page's only style sheet; `EXPORT_STYLE_HASH` must be its SHA-256 (a test checks it). */
export const EXPORT_STYLE = `:root{color-scheme:light dark}
body{font:1rem/1.5 system-ui,sans-serif;max-inline-size:48rem;margin:0 auto;padding:1rem;color:#1b1d21;background:#fff}
h1{font-size:1.4rem;margin:0}
.about{margin:0;color:#5b6170}
main{margin-block-start:1rem}
article{margin-block-end:.75rem;padding:.5rem .75rem;border-radius:.5rem;background:#f4f5f7}
.who{margin:0;font-size:.85rem;color:#5b6170}
.who strong{color:#1b1d21}
.text{margin:.25rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.note{margin:.25rem 0 0;font-style:italic;color:#5b6170}
@media (prefers-color-scheme:dark){body{color:#eef0f4;background:#15171b}article{background:#1f2228}.about,.who,.note{color:#a9afbd}.who strong{color:#eef0f4}}`;

export const EXPORT_STYLE_HASH = 'sha256-jXDQoVTMddWITSYpOed2hzrayPXXBTKqJ5OlN0+2shE=';

/** Words and formats of the page, in the reader's language. */
export interface HtmlExportFormat {
  lang: string;
  dir: 'ltr' | 'rtl';
  labels: {
    encrypted: string;
    plain: string;
    participants: string;
    /** "Exported on …", already filled in. */
    exportedAt: string;
    edited: string;
    deleted: string;
    attachment: string;
  };
  time(date: Date): string;
  size(bytes: number): string;
  /** What to say in place of a message this device could not decrypt. */
  undecryptable(failure: { reason: string; expected: boolean }): string;
}

function messageHtml(message: ExportedMessage, format: HtmlExportFormat): string {
  const { labels } = format;
  const time = new Date(message.time);
  const timeHtml = Number.isNaN(time.getTime())
    ? ''
    : ` <time datetime="${escapeHtml(time.toISOString())}">${escapeHtml(format.time(time))}</time>`;
  const parts = [`<p class="who"><strong><bdi>${escapeHtml(message.sender)}</bdi></strong>${timeHtml}</p>`];
  if (message.undecryptable) {
    parts.push(`<p class="note">${escapeHtml(format.undecryptable(message.undecryptable))}</p>`);
  } else if (message.deleted) {
    parts.push(`<p class="note">${escapeHtml(labels.deleted)}</p>`);
  } else {
    if (message.text) parts.push(`<p class="text" dir="auto">${escapeHtml(message.text)}</p>`);
    if (message.attachment) {
      const { name, size } = message.attachment;
      parts.push(
        `<p class="note">${escapeHtml(labels.attachment)}: <bdi>${escapeHtml(name)}</bdi> (${escapeHtml(format.size(size))})</p>`,
      );
    }
    if (message.edited) parts.push(`<p class="note">${escapeHtml(labels.edited)}</p>`);
  }
  return `<article>${parts.join('')}</article>`;
}

/** A standalone HTML page of the thread: no script, no request, every value escaped. */
export function exportHtml(input: ExportInput, format: HtmlExportFormat): string {
  const record = exportRecord(input);
  const { labels } = format;
  const title = escapeHtml(record.thread.title);
  const names = record.thread.participants.map((p) => `<bdi>${escapeHtml(p.displayName)}</bdi>`).join(', ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(format.lang)}" dir="${format.dir === 'rtl' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src '${EXPORT_STYLE_HASH}'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${EXPORT_STYLE}</style>
</head>
<body>
<header>
<h1><bdi>${title}</bdi></h1>
<p class="about">${escapeHtml(record.thread.encrypted ? labels.encrypted : labels.plain)}</p>
<p class="about">${escapeHtml(labels.participants)}: ${names}</p>
<p class="about">${escapeHtml(labels.exportedAt)}</p>
</header>
<main>
${record.messages.map((message) => messageHtml(message, format)).join('\n')}
</main>
</body>
</html>
`;
}

/** A file name for the export: the title's letters and digits, and the date ("Matter-42-2026-03-01.html"). */
export function exportFileName(title: string, exportedAt: Date, extension: 'json' | 'html'): string {
  const letters = title
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  // By code points, so a letter outside the BMP is never cut in half.
  const stem = Array.from(letters).slice(0, 60).join('') || 'conversation';
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${exportedAt.getFullYear()}-${pad(exportedAt.getMonth() + 1)}-${pad(exportedAt.getDate())}`;
  return `${stem}-${day}.${extension}`;
}
