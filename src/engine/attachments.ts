/**
 * Attachments: upload a file and send it as an `attachment` message; download, decrypt and check one. Loaded
 * lazily by the engine on the first attach or open. In an encrypted thread the file is stripped of image
 * metadata and sealed with Cobblestone-256 by the crypto chunk (`FileCrypto`), and its key, name, MIME type,
 * size and hash travel only inside the envelope; in a plain thread the file goes up as it is.
 */
import {
  AdapterError,
  type ChatAdapter,
  type ClientMessageId,
  type MessageContent,
  type Thread,
  type ThreadId,
} from '../adapter/types.js';
import { toBase64Url } from '../crypto/encoding.js';
import { CryptoError } from '../crypto/errors.js';
import type { Transfer } from '../state/actions.js';
import type { ChatState } from '../state/chat-state.js';

export type AttachmentFailure =
  /** The file, as it would be uploaded (ciphertext in an encrypted thread), is over `maxUploadBytes`. */
  | 'too-large'
  /** The user cancelled the transfer. */
  | 'cancelled'
  /** An image whose metadata could not be checked (it does not parse); refused rather than sent with it. */
  | 'image-malformed'
  /** The stored ciphertext does not authenticate under the file's key: it was changed, cut or swapped. */
  | 'tampered'
  /** The file decrypted, but its SHA-256 or size is not the one its message names. */
  | 'hash-mismatch'
  /** No attachment message with that client id is known in that thread. */
  | 'not-found';

/** Every attachment failure of the engine is one of these (or an AdapterError from the backend). */
export class AttachmentError extends Error {
  override readonly name = 'AttachmentError';
  constructor(
    readonly reason: AttachmentFailure,
    message: string = reason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file made ready for an encrypted thread: stripped, its sizes known, not yet encrypted. */
export interface PreparedFile {
  /** The MIME type to send: what an image's bytes are, else the declared type. */
  mime: string;
  /** Plaintext bytes after stripping. */
  size: number;
  /** Bytes of the ciphertext that `encrypt` will produce. */
  sealedSize: number;
  /** Encrypts with a fresh key; the key and the plaintext's SHA-256 come back base64url. */
  encrypt(signal?: AbortSignal): Promise<{ blob: Blob; key: string; sha256: string }>;
}

export interface OpenedFile {
  blob: Blob;
  size: number;
  /** SHA-256 of the plaintext, base64url. */
  sha256: string;
}

/** The attachment half of the crypto chunk (src/engine/security/attachment-crypto.ts). */
export interface FileCrypto {
  prepare(file: Blob, mime: string): Promise<PreparedFile>;
  /** Streams the ciphertext through Cobblestone-256; a CryptoError when it does not authenticate. */
  open(ciphertext: Blob, key: string, signal?: AbortSignal): Promise<OpenedFile>;
}

export interface AttachmentHost {
  adapter: ChatAdapter;
  state: ChatState;
  /** Loads the crypto chunk's file crypto (a typed error where encryption is not available). */
  fileCrypto(): Promise<FileCrypto>;
  /** Sends content like any message: shown at once as pending, sealed in an encrypted thread, queued. */
  send(threadId: ThreadId, content: MessageContent): Promise<void>;
}

type AttachmentContent = Extract<MessageContent, { type: 'attachment' }>;

const OCTETS = 'application/octet-stream';
const MAX_NAME = 255;

/** A MIME type as a single token pair, else octets: it becomes the Blob's type, never a parsed header. */
function safeMime(mime: string): string {
  return /^[\w.+-]+\/[\w.+-]+$/.test(mime) ? mime.toLowerCase() : OCTETS;
}

/** A file name that is never empty and, if too long, keeps its extension. */
function cleanName(name: string): string {
  const chars = [...name.trim()];
  if (!chars.length) return 'file';
  if (chars.length <= MAX_NAME) return chars.join('');
  const dot = chars.lastIndexOf('.');
  const extension = dot > 0 && chars.length - dot <= 16 ? chars.slice(dot) : [];
  return [...chars.slice(0, MAX_NAME - extension.length), ...extension].join('');
}

function failureOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted || (error instanceof AdapterError && error.code === 'aborted')) return 'cancelled';
  if (error instanceof AttachmentError) return error.reason;
  if (error instanceof AdapterError) return error.code;
  return (error as { reason?: string } | null)?.reason ?? 'unknown';
}

export class Attachments {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly host: AttachmentHost) {}

  /**
   * Sends each file as its own message, one after another; the caption goes with the first one sent. Every
   * file is listed as a transfer at once. A cancelled file is skipped silently; the first other failure is
   * thrown after the remaining files have been tried.
   */
  async attach(threadId: ThreadId, files: File[], options: { caption?: string } = {}): Promise<void> {
    const thread = this.host.state.$threads.get()[threadId];
    if (!thread) throw new AdapterError('not-found', `Unknown thread ${threadId}`);
    const queued = files.map((file) => {
      const name = cleanName(file.name);
      return { file, name, ...this.begin(threadId, name, 'up', file.size) };
    });
    let caption = options.caption || undefined;
    let failure: unknown = null;
    for (const { file, name, id, signal } of queued) {
      try {
        if (signal.aborted) throw new AttachmentError('cancelled');
        await this.upload(thread, file, name, { id, signal }, caption);
        caption = undefined;
        this.update(id, { state: 'done' });
      } catch (error) {
        const reason = failureOf(error, signal);
        this.update(id, { state: reason === 'cancelled' ? 'cancelled' : 'failed', error: reason });
        if (reason !== 'cancelled') failure ??= error;
      } finally {
        this.running.delete(id);
      }
    }
    if (failure) throw failure;
  }

  private async upload(
    thread: Thread,
    file: File,
    name: string,
    { id, signal }: { id: string; signal: AbortSignal },
    caption: string | undefined,
  ): Promise<void> {
    const limit = this.host.state.$session.get()?.capabilities.maxUploadBytes ?? Infinity;
    const tooLarge = (bytes: number) => {
      if (bytes > limit) {
        throw new AttachmentError('too-large', `${bytes} bytes to upload, the site allows ${limit}`);
      }
    };
    let body: Blob;
    let fields: Pick<AttachmentContent, 'mime' | 'size' | 'sha256' | 'key'>;
    if (thread.encrypted) {
      const files = await this.host.fileCrypto();
      const prepared = await files.prepare(file, file.type || OCTETS).catch((error: unknown) => {
        if (error instanceof CryptoError && error.reason === 'malformed') {
          throw new AttachmentError('image-malformed', error.message, { cause: error });
        }
        throw error;
      });
      tooLarge(prepared.sealedSize);
      this.update(id, { total: prepared.sealedSize });
      const sealed = await prepared.encrypt(signal);
      body = sealed.blob;
      fields = { mime: prepared.mime, size: prepared.size, sha256: sealed.sha256, key: sealed.key };
    } else {
      tooLarge(file.size);
      body = file;
      fields = { mime: file.type || OCTETS, size: file.size };
    }
    if (signal.aborted) throw new AttachmentError('cancelled');
    const ref = await this.host.adapter.uploadBlob(thread.id, body, {
      signal,
      onProgress: (loaded, total) => this.update(id, { loaded, total }),
    });
    // Cancelled after the last byte went up: the blob stays unreferenced, and no message names it.
    if (signal.aborted) throw new AttachmentError('cancelled');
    await this.host.send(thread.id, {
      type: 'attachment',
      blobId: ref.blobId,
      name,
      ...fields,
      ...(caption ? { caption } : {}),
    });
  }

  /** Downloads an attachment, decrypts it if it is sealed, and checks it against its message. */
  async open(threadId: ThreadId, clientId: ClientMessageId): Promise<Blob> {
    const content = this.host.state.$events.get()[threadId]?.find((e) => e.clientId === clientId)?.content;
    if (content?.type !== 'attachment') {
      throw new AttachmentError('not-found', `No attachment ${clientId} in thread ${threadId}`);
    }
    const { id, signal } = this.begin(threadId, content.name, 'down', content.size);
    try {
      const stored = await this.host.adapter.downloadBlob(threadId, content.blobId, {
        signal,
        onProgress: (loaded, total) => this.update(id, { loaded, total }),
      });
      const plain =
        content.key === undefined
          ? await this.checkPlain(stored, content)
          : await this.decrypt(stored, content, signal);
      this.update(id, { state: 'done' });
      return new Blob([plain], { type: safeMime(content.mime) });
    } catch (error) {
      const reason = failureOf(error, signal);
      this.update(id, { state: reason === 'cancelled' ? 'cancelled' : 'failed', error: reason });
      throw reason === 'cancelled' && !(error instanceof AttachmentError)
        ? new AttachmentError('cancelled', 'Download cancelled', { cause: error })
        : error;
    } finally {
      this.running.delete(id);
    }
  }

  private async decrypt(stored: Blob, content: AttachmentContent, signal: AbortSignal): Promise<Blob> {
    const files = await this.host.fileCrypto();
    let opened: OpenedFile;
    try {
      opened = await files.open(stored, content.key!, signal);
    } catch (error) {
      if (error instanceof CryptoError && !signal.aborted) {
        throw new AttachmentError('tampered', error.message, { cause: error });
      }
      throw error;
    }
    if (opened.size !== content.size || !content.sha256 || opened.sha256 !== content.sha256) {
      throw new AttachmentError('hash-mismatch', 'The file is not the one its message names');
    }
    return opened.blob;
  }

  /** A plain thread's file as stored; checked against its hash when the sender gave one. */
  private async checkPlain(stored: Blob, content: AttachmentContent): Promise<Blob> {
    if (content.sha256 !== undefined) {
      const digest = await crypto.subtle.digest('SHA-256', await stored.arrayBuffer());
      if (toBase64Url(new Uint8Array(digest)) !== content.sha256) {
        throw new AttachmentError('hash-mismatch', 'The file is not the one its message names');
      }
    }
    return stored;
  }

  /** Cancels a running transfer; a finished one is dismissed from the list. */
  cancel(transferId: string): void {
    const controller = this.running.get(transferId);
    if (controller) controller.abort(new AttachmentError('cancelled'));
    else this.host.state.$transfers.setKey(transferId, undefined);
  }

  private begin(threadId: ThreadId, name: string, direction: Transfer['direction'], total: number) {
    const id = crypto.randomUUID();
    const controller = new AbortController();
    this.running.set(id, controller);
    this.host.state.$transfers.setKey(id, {
      id,
      threadId,
      name,
      loaded: 0,
      total,
      direction,
      state: 'running',
    });
    return { id, signal: controller.signal };
  }

  private update(id: string, patch: Partial<Transfer>): void {
    const current = this.host.state.$transfers.get()[id];
    if (current) this.host.state.$transfers.setKey(id, { ...current, ...patch });
  }
}
