/**
 * Files in the chat: the attach button and its hidden file input, files dropped on or pasted into the open
 * thread, the transfers in progress with their cancel buttons, and each attachment's download button and image
 * preview. The engine encrypts and decrypts; this only hands files over and shows what comes back. A preview is
 * drawn on a <canvas>, because the widget's CSP allows no blob: or data: URL in an <img>.
 */
import { html, nothing, svg, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ThreadId } from '../../adapter/types.js';
import { fileSizeLabel } from '../../i18n/intl.js';
import type { Strings } from '../../i18n/strings.js';
import type { Transfer } from '../../state/actions.js';
import type { ChatContextValue } from '../../state/context.js';
import type { MessageView } from '../../state/timeline.js';
import { StoreController } from '../../utils/store-controller.js';

/** Decodable image types, previewed up to this size; larger ones only by their download button. */
const PREVIEW_TYPES = /^image\/(jpeg|png|webp|gif|avif)$/;
const PREVIEW_MAX_BYTES = 10_000_000;

// Bidi controls in a file name can disguise its extension ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

export function cleanFileName(name: string): string {
  return name.replace(BIDI_CONTROLS, '');
}

const paperclip = svg`<path d="M13 7.5 8 12.5a3 3 0 0 1-4.2-4.2l5.3-5.4a2 2 0 0 1 2.9 2.8L6.6 11a1 1 0 0 1-1.4-1.4L10 4.8" />`;

function filesOf(data: DataTransfer | null): File[] {
  return [...(data?.files ?? [])];
}

/** Holds the open thread's transfers and draws image previews once their rows are in the DOM. */
export class AttachmentController implements ReactiveController {
  private readonly transfers: StoreController<Record<string, Transfer>>;
  private readonly previewed = new WeakSet<HTMLCanvasElement>();

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: ParentNode },
    private readonly chat: ChatContextValue,
    private readonly onError: (error: unknown) => void,
  ) {
    host.addController(this);
    this.transfers = new StoreController(host, chat.state.$transfers);
  }

  hostUpdated(): void {
    for (const canvas of this.host.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-client-id]')) {
      if (!this.previewed.has(canvas)) {
        this.previewed.add(canvas);
        void this.drawPreview(canvas);
      }
    }
  }

  private report(error: unknown): void {
    // A cancelled transfer is the user's choice, not a failure.
    if ((error as { reason?: string } | null)?.reason !== 'cancelled') this.onError(error);
  }

  private async drawPreview(canvas: HTMLCanvasElement): Promise<void> {
    const { threadId, clientId } = canvas.dataset;
    canvas.hidden = true;
    let file: Blob;
    try {
      file = await this.chat.actions.openAttachment(threadId!, clientId!);
    } catch (error) {
      this.report(error);
      return;
    }
    try {
      const image = await createImageBitmap(file);
      canvas.width = image.width;
      canvas.height = image.height;
      canvas.getContext('2d')?.drawImage(image, 0, 0);
      image.close();
      canvas.hidden = false;
    } catch {
      // Not an image this browser can decode: the download button is still there.
    }
  }

  async attach(threadId: ThreadId, files: File[]): Promise<void> {
    try {
      if (files.length) await this.chat.actions.attachFiles(threadId, files);
    } catch (error) {
      this.report(error);
    }
  }

  private async download(message: MessageView, name: string): Promise<void> {
    try {
      const blob = await this.chat.actions.openAttachment(message.threadId, message.clientId);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.hidden = true;
      this.host.renderRoot.append(link);
      link.click();
      link.remove();
      // Some browsers read the URL after click() returns; a minute is plenty.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.report(error);
    }
  }

  /** Drop and paste on the open thread: files are attached, anything else is left to the browser. */
  dropTarget(threadId: ThreadId) {
    return {
      dragover: (event: DragEvent) => {
        if (!event.dataTransfer?.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      drop: (event: DragEvent) => {
        const files = filesOf(event.dataTransfer);
        if (!files.length) return;
        event.preventDefault();
        void this.attach(threadId, files);
      },
      paste: (event: ClipboardEvent) => {
        const files = filesOf(event.clipboardData);
        if (!files.length) return;
        event.preventDefault();
        void this.attach(threadId, files);
      },
    };
  }

  /** The attach button; it opens the hidden file input, which takes several files at once. */
  attachButton(t: Strings, threadId: ThreadId) {
    return html`<button
        part="attach-button"
        type="button"
        class="icon-button"
        aria-label=${t.attachFiles}
        title=${t.attachFiles}
        @click=${(event: Event) =>
          ((event.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click()}
      >
        <svg class="icon" viewBox="0 0 16 16" width="20" height="20" aria-hidden="true">
          ${paperclip}
        </svg></button
      ><input
        type="file"
        multiple
        hidden
        @change=${(event: Event) => {
          const input = event.target as HTMLInputElement;
          void this.attach(threadId, [...(input.files ?? [])]);
          input.value = '';
        }}
      />`;
  }

  /** Uploads and downloads of the thread that are running or failed, each with its cancel or dismiss button. */
  transferList(t: Strings, lang: string, threadId: ThreadId) {
    const shown = Object.values(this.transfers.value).filter(
      (x) => x.threadId === threadId && (x.state === 'running' || x.state === 'failed'),
    );
    if (!shown.length) return nothing;
    const limit = this.chat.state.$session.get()?.capabilities.maxUploadBytes ?? 0;
    return html`<ul class="transfers" aria-label=${t.transfersLabel}>
      ${shown.map((x) => {
        const name = cleanFileName(x.name);
        const running = x.state === 'running';
        const label = `${x.direction === 'up' ? t.uploading : t.downloading} ${name}`;
        return html`<li part="transfer" class=${x.state}>
          <span class="file-name" dir="auto">${name}</span>
          ${
            running
              ? html`<progress max=${x.total || 1} value=${x.loaded} aria-label=${label}></progress>`
              : html`<span class="warning" role="alert">${this.failureText(t, lang, x, limit)}</span>`
          }
          <button part="transfer-cancel" type="button" @click=${() => this.chat.actions.cancelTransfer(x.id)}>
            ${running ? t.cancel : t.dismiss}<span class="visually-hidden"> <bdi>${name}</bdi></span>
          </button>
        </li>`;
      })}
    </ul>`;
  }

  private failureText(t: Strings, lang: string, transfer: Transfer, limit: number): string {
    switch (transfer.error) {
      case 'too-large':
        return t.fileTooLarge.replace('{limit}', fileSizeLabel(limit, lang));
      case 'image-malformed':
        return t.imageUnchecked;
      case 'tampered':
      case 'hash-mismatch':
        return t.fileTampered;
      default:
        return t.transferFailed;
    }
  }

  /** An image attachment's preview, drawn from the decrypted bytes once the row is in the DOM. */
  preview(message: MessageView) {
    const file = message.attachment;
    if (!file || !PREVIEW_TYPES.test(file.mime) || file.size > PREVIEW_MAX_BYTES) return nothing;
    return html`<canvas
      part="preview"
      role="img"
      aria-label=${cleanFileName(file.name)}
      data-thread-id=${message.threadId}
      data-client-id=${message.clientId}
    ></canvas>`;
  }

  /** Decrypts the file in the browser and saves it under its name. */
  downloadButton(t: Strings, message: MessageView) {
    const file = message.attachment;
    if (!file) return nothing;
    const name = cleanFileName(file.name);
    return html`<button
      part="download-button"
      type="button"
      @click=${() => void this.download(message, name)}
    >
      ${t.download}<span class="visually-hidden"> <bdi>${name}</bdi></span>
    </button>`;
  }
}
