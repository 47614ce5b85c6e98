/**
 * Export of the open thread: the header button, and the dialog with the downloads (export-dialog.ts), which
 * loads on the first click.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Thread } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { ChatContextValue } from '../../state/context.js';
import type { ExportDialog } from './export-dialog.js';
import { downloadIcon } from './icons.js';
import { LazyPart } from './lazy.js';

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

export class ThreadExportController {
  private readonly part: LazyPart<typeof import('./export-dialog.js')>;
  private view: ExportDialog | null = null;

  constructor(
    private readonly host: Host,
    private readonly chat: ChatContextValue,
    private readonly onError: (error: unknown) => void,
  ) {
    this.part = new LazyPart(host, () => import('./export-dialog.js'));
  }

  private async open(): Promise<void> {
    try {
      const { ExportDialog } = await this.part.use();
      this.view ??= new ExportDialog(this.host, this.chat, this.onError);
    } catch (error) {
      this.onError(error);
      return;
    }
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.view.dialog()?.showModal();
  }

  /** The header button that opens the export dialog. */
  button(t: Strings): TemplateResult {
    return html`<button
      part="export-button"
      type="button"
      class="icon-button"
      aria-label=${t.exportOpen}
      title=${t.exportOpen}
      aria-haspopup="dialog"
      @click=${() => void this.open()}
    >
      ${downloadIcon()}
    </button>`;
  }

  /** The dialog, once it has loaded (closed until the button opens it). */
  render(t: Strings, lang: string, thread: Thread): TemplateResult | typeof nothing {
    return this.view?.render(t, lang, thread) ?? nothing;
  }
}
