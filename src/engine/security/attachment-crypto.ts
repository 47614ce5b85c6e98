/**
 * Attachment crypto for encrypted threads, in the lazily loaded crypto chunk (docs/attachments.md): lossless
 * metadata stripping of images, Cobblestone-256 with a fresh key per file, and the plaintext's SHA-256, all
 * streamed so that only an image (which must be parsed whole to be stripped) is ever held in memory at once.
 *
 * Sealing and opening run in a dedicated worker (file-worker.ts), one per file, so that a 100 MB file costs the
 * page no long task. Where no worker can start (a Content-Security-Policy whose worker-src or trusted-types
 * leaves it out, a browser without module workers), the same pipeline runs on the page, yielding to it every
 * megabyte. Either way the file key and the bytes stay in this browser.
 */
import { CHUNK_BYTES, CHUNKED_HEADER_BYTES } from '../../crypto/chunked.js';
import { CryptoError, type CryptoFailure } from '../../crypto/errors.js';
import { detectImageFormat, stripMetadata } from '../../crypto/strip-metadata.js';
import type { FileCrypto, OpenedFile, PreparedFile } from '../attachments.js';
import { openBlob, sealBlob, type OpenedBytes, type SealedFile } from './file-streams.js';
import type { FileJob, WorkerFailure } from './file-worker.js';
import workerUrl from './file-worker.ts?worker&url';

const TAG_BYTES = 16;

/** The size of a Cobblestone-256 file for `plainBytes` of plaintext: header, every chunk and its tag. */
export function sealedSize(plainBytes: number): number {
  const chunks = Math.floor(plainBytes / CHUNK_BYTES) + 1;
  return CHUNKED_HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

/** Where file crypto runs: 'auto' tries the worker first; 'page' is the fallback, also chosen by tests. */
export type FileCryptoPlace = 'auto' | 'page';
let place: FileCryptoPlace = 'auto';
/** Set once a worker failed to start, so later files do not try again. */
let workerUnavailable = false;

/** Chooses where file crypto runs from now on (tests compare both paths). */
export function setFileCryptoPlace(next: FileCryptoPlace): void {
  place = next;
  workerUnavailable = false;
}

type ScriptUrlPolicy = { createScriptURL(url: string): unknown };
let policy: ScriptUrlPolicy | null = null;

/**
 * The worker's script URL, through a Trusted Types policy where the page enforces them. The policy passes this
 * one URL and nothing else. A page whose `trusted-types` directive does not name `bm-secure-chat-worker` makes
 * createPolicy throw, and files are then sealed on the page.
 */
function scriptUrl(): string | URL {
  const url = new URL(workerUrl, import.meta.url).href;
  const types = (
    globalThis as { trustedTypes?: { createPolicy(name: string, rules: object): ScriptUrlPolicy } }
  ).trustedTypes;
  if (!types) return url;
  policy ??= types.createPolicy('bm-secure-chat-worker', {
    createScriptURL(input: string) {
      if (input !== url) throw new TypeError('bm-secure-chat only starts its own file worker');
      return input;
    },
  });
  return policy.createScriptURL(url) as string;
}

/** Thrown inside this module when no worker could start, so the caller runs the job on the page instead. */
class NoWorker extends Error {}

function fromWorker(failure: WorkerFailure): Error {
  if (failure.name === 'CryptoError' && failure.reason) {
    return new CryptoError(failure.reason as CryptoFailure, failure.message);
  }
  const error = new Error(failure.message);
  error.name = failure.name;
  return error;
}

/**
 * Runs one job in a fresh worker, which ends with it. A cancelled job terminates the worker at once and rejects
 * with the signal's reason. A worker that fails before answering (its script refused or not loadable) rejects
 * with NoWorker.
 */
function inWorker<T>(job: FileJob, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  let worker: Worker;
  try {
    worker = new Worker(scriptUrl() as string, { type: 'module', name: 'bm-secure-chat files' });
  } catch (cause) {
    return Promise.reject(new NoWorker('The file worker cannot start', { cause }));
  }
  return new Promise<T>((resolve, reject) => {
    const end = () => {
      worker.terminate();
      signal?.removeEventListener('abort', cancel);
    };
    const cancel = () => {
      end();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    worker.onmessage = ({
      data,
    }: MessageEvent<{ ok: true; result: T } | { ok: false; error: WorkerFailure }>) => {
      end();
      if (data.ok) resolve(data.result);
      else reject(fromWorker(data.error));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      end();
      reject(new NoWorker(`The file worker failed: ${event.message || 'it did not load'}`));
    };
    worker.onmessageerror = () => {
      end();
      reject(new NoWorker('The file worker answered with something that cannot be read'));
    };
    worker.postMessage(job);
  });
}

/** The job in a worker where one starts, else on the page. */
async function run<T>(job: FileJob, onPage: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (place === 'auto' && !workerUnavailable && typeof Worker === 'function') {
    try {
      return await inWorker<T>(job, signal);
    } catch (error) {
      if (!(error instanceof NoWorker)) throw error;
      workerUnavailable = true;
    }
  }
  return onPage();
}

/** The declared types stripMetadata checks; it refuses a file of these types whose bytes are no such image. */
const STRIPPED_TYPES = /^\s*image\/(jpe?g|pjpeg|png|webp)\s*(;|$)/i;
const IMAGE_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/**
 * An image is read whole and stripped; its MIME type is then what its bytes are (a PNG named .jpg is a PNG).
 * Any other file is streamed as it is. A file that claims to be an image and is none is refused by
 * stripMetadata ('malformed').
 */
async function plaintextOf(file: Blob, mime: string): Promise<{ bytes: Blob; mime: string }> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (detectImageFormat(head) === 'other' && !STRIPPED_TYPES.test(mime)) {
    return { bytes: file, mime };
  }
  const stripped = stripMetadata(new Uint8Array(await file.arrayBuffer()), mime);
  return {
    bytes: new Blob([stripped.bytes as Uint8Array<ArrayBuffer>]),
    mime: stripped.format === 'other' ? mime : IMAGE_TYPES[stripped.format],
  };
}

export const fileCrypto: FileCrypto = {
  async prepare(file: Blob, mime: string): Promise<PreparedFile> {
    const plain = await plaintextOf(file, mime);
    return {
      mime: plain.mime,
      size: plain.bytes.size,
      sealedSize: sealedSize(plain.bytes.size),
      encrypt(signal?: AbortSignal) {
        return run<SealedFile>(
          { op: 'seal', plain: plain.bytes },
          () => sealBlob(plain.bytes, true, signal),
          signal,
        );
      },
    };
  },

  async open(ciphertext: Blob, key: string, signal?: AbortSignal): Promise<OpenedFile> {
    return run<OpenedBytes>(
      { op: 'open', ciphertext, key },
      () => openBlob(ciphertext, key, true, signal),
      signal,
    );
  },
};
