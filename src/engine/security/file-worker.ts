/**
 * The file worker: seals and opens attachments off the page's main thread, so hashing and encrypting a large
 * file never holds up input or painting (attachment-crypto.ts starts one worker per file and falls back to the
 * page when a worker cannot start). It holds no key beyond the one file it is given or makes.
 *
 *   request:  { op: 'seal', plain: Blob } | { op: 'open', ciphertext: Blob, key: string }
 *   reply:    { ok: true, result: SealedFile | OpenedBytes } | { ok: false, error: WorkerFailure }
 */
import { CryptoError } from '../../crypto/errors.js';
import { openBlob, sealBlob } from './file-streams.js';

export type FileJob = { op: 'seal'; plain: Blob } | { op: 'open'; ciphertext: Blob; key: string };

/** An error as it crosses back to the page: CryptoError keeps its reason, anything else its name and message. */
export interface WorkerFailure {
  name: string;
  message: string;
  reason?: string;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<FileJob>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = async ({ data: job }) => {
  try {
    const result =
      job.op === 'seal' ? await sealBlob(job.plain, false) : await openBlob(job.ciphertext, job.key, false);
    scope.postMessage({ ok: true, result });
  } catch (error) {
    const failure: WorkerFailure =
      error instanceof CryptoError
        ? { name: error.name, message: error.message, reason: error.reason }
        : { name: (error as Error)?.name ?? 'Error', message: String((error as Error)?.message ?? error) };
    scope.postMessage({ ok: false, error: failure });
  }
};
