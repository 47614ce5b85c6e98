/**
 * Export of the open thread from the browser, as JSON or as a standalone HTML page: the dialog that says what the
 * file holds, and the download. Loaded with the first click of the header button (export.ts); the builders
 * (src/state/export.ts) load with the first download.
 */
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Thread } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { dateTimeLabel, fileSizeLabel } from '../../i18n/intl.js';
import { fill } from '../../i18n/template.js';
import type { ChatContextValue } from '../../state/context.js';
import { completeEnglish } from '../../i18n/en-more.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

export { styles } from './export-dialog.styles.js';

/** Saves `text` as a file through an `<a download>` on an object URL (no server involved). */
export function saveFile(root: ParentNode, text: string, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  root.append(link);
  link.click();
  link.remove();
  // Some browsers read the URL after click() returns; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A ceiling on history pages fetched for one export, in case a backend never says "no more". */
const MAX_PAGES = 10_000;

export class ExportDialog {
  private busy = false;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: ParentNode },
    private readonly chat: ChatContextValue,
    private readonly onError: (error: unknown) => void,
  ) {}

  dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog[part~="export-dialog"]');
  }

  /** Fetches the rest of the thread's history, so the file holds the whole thread and not only the last page. */
  private async loadAll(threadId: string): Promise<void> {
    const { state, actions } = this.chat;
    for (let page = 0; page < MAX_PAGES && state.$hasOlder.get()[threadId]; page++)
      await actions.loadOlder(threadId);
  }

  private async download(kind: 'json' | 'html', t: Strings, lang: string, thread: Thread): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.host.requestUpdate();
    try {
      await this.loadAll(thread.id);
      const builders = await import('../../state/export.js');
      const exportedAt = new Date();
      const input = { thread, messages: this.chat.state.$openThreadMessages.get(), exportedAt };
      const dir = this.host.renderRoot.querySelector('[part~="base"]')?.getAttribute('dir');
      const text =
        kind === 'json'
          ? builders.exportJson(input)
          : builders.exportHtml(input, {
              lang,
              dir: dir === 'rtl' ? 'rtl' : 'ltr',
              labels: {
                encrypted: t.encryptedThread,
                plain: t.plainThread,
                participants: t.exportParticipants,
                exportedAt: fill(t.exportedOn, { date: dateTimeLabel(exportedAt, lang) }),
                edited: t.edited,
                deleted: t.deleted,
                attachment: t.attachment,
              },
              time: (date) => dateTimeLabel(date, lang),
              size: (bytes) => fileSizeLabel(bytes, lang),
              undecryptable: ({ reason }) =>
                reason === 'before-join'
                  ? t.beforeJoin
                  : reason === 'device-added-later'
                    ? t.deviceAddedLater
                    : `${t.undecryptable} (${reason}).`,
            });
      saveFile(
        this.host.renderRoot,
        text,
        kind === 'json' ? 'application/json' : 'text/html',
        builders.exportFileName(thread.title, exportedAt, kind),
      );
      this.dialog()?.close();
    } catch (error) {
      this.onError(error);
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  /** The dialog: what the file holds, and the two formats. Focus returns to the header button on close. */
  render(t: Strings, lang: string, thread: Thread): TemplateResult {
    // Not the part "dialog": the root element finds its encryption dialog by that part.
    return html`<dialog
      part="export-dialog"
      aria-labelledby="export-title"
      aria-describedby="export-body"
      aria-busy=${this.busy ? 'true' : 'false'}
      @close=${() => this.host.renderRoot.querySelector<HTMLElement>('[part~="export-button"]')?.focus()}
    >
      <h2 id="export-title">${t.exportOpen}</h2>
      <p id="export-body">${t.exportBody}</p>
      <div class="actions">
        <button type="button" class="cancel" @click=${() => this.dialog()?.close()}>${t.cancel}</button>
        <button
          type="button"
          class="export-json"
          aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() => void this.download('json', t, lang, thread)}
        >
          ${t.exportJson}
        </button>
        <button
          type="button"
          class="export-html confirm"
          aria-disabled=${this.busy ? 'true' : 'false'}
          @click=${() => void this.download('html', t, lang, thread)}
        >
          ${t.exportHtml}
        </button>
      </div>
    </dialog>`;
  }
}
