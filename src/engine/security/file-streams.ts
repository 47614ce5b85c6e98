/**
 * The attachment pipelines themselves, shared by the file worker (file-worker.ts) and the in-page fallback
 * (attachment-crypto.ts): Cobblestone-256 with a fresh key per file, and the plaintext's SHA-256, streamed into a
 * Blob in batches so that memory stays flat whatever the file's size.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { createDecryptStream, createEncryptStream, generateFileKey } from '../../crypto/chunked.js';
import { fromBase64Url, toBase64Url } from '../../crypto/encoding.js';
import { CryptoError } from '../../crypto/errors.js';

/** Plaintext held in JS before it is handed to a Blob, which the browser may keep outside the JS heap. */
const BLOB_BATCH_BYTES = 4 * 1024 * 1024;

/** How many bytes pass between two yields to the event loop: about 30 ms of hashing and sealing. */
const YIELD_BYTES = 1024 * 1024;

/** What sealing a file gives: the ciphertext, its input key (base64url) and the plaintext's SHA-256. */
export interface SealedFile {
  blob: Blob;
  key: string;
  sha256: string;
}

/** What opening a file gives: the plaintext, its size and its SHA-256. */
export interface OpenedBytes {
  blob: Blob;
  size: number;
  sha256: string;
}

/**
 * Lets the page handle input and paint: a new task, not a microtask (awaited Web Crypto calls and stream reads
 * alone keep the whole file in one long task). Not setTimeout, which background tabs slow to once a second; not
 * scheduler.yield(), whose continuation Chromium runs ahead of the page's other tasks.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Passes bytes through unchanged while hashing and counting them. On the page it also yields every megabyte;
 * in the worker (`yielding` false) nothing else waits for the thread.
 */
function measure(hash: ReturnType<typeof sha256.create>, count: (bytes: number) => void, yielding: boolean) {
  let sinceYield = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      // A browser may hand a file over in pieces of several megabytes: take them a megabyte at a time.
      for (let at = 0; at < chunk.length; at += YIELD_BYTES) {
        const piece = chunk.subarray(at, at + YIELD_BYTES);
        hash.update(piece);
        count(piece.length);
        controller.enqueue(piece);
        sinceYield += piece.length;
        if (yielding && sinceYield >= YIELD_BYTES) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
    },
  });
}

/** Collects a stream into a Blob in batches, so a large file does not sit in the JS heap whole. */
async function toBlob(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<Blob> {
  const reader = stream.getReader();
  const batches: Blob[] = [];
  let held: Uint8Array<ArrayBuffer>[] = [];
  let heldBytes = 0;
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel(signal.reason).catch(() => undefined);
      throw signal.reason;
    }
    const { done, value } = await reader.read();
    if (done) break;
    held.push(value as Uint8Array<ArrayBuffer>);
    heldBytes += value.length;
    if (heldBytes >= BLOB_BATCH_BYTES) {
      batches.push(new Blob(held));
      held = [];
      heldBytes = 0;
    }
  }
  return new Blob([...batches, ...held]);
}

/** Seals `plain` under a fresh file key. */
export async function sealBlob(plain: Blob, yielding: boolean, signal?: AbortSignal): Promise<SealedFile> {
  const inputKey = generateFileKey();
  const hash = sha256.create();
  const blob = await toBlob(
    plain
      .stream()
      .pipeThrough(measure(hash, () => undefined, yielding))
      .pipeThrough(createEncryptStream(inputKey)),
    signal,
  );
  const key = toBase64Url(inputKey);
  inputKey.fill(0);
  return { blob, key, sha256: toBase64Url(hash.digest()) };
}

/** Opens a Cobblestone-256 file under its base64url input key; CryptoError when it does not authenticate. */
export async function openBlob(
  ciphertext: Blob,
  key: string,
  yielding: boolean,
  signal?: AbortSignal,
): Promise<OpenedBytes> {
  const inputKey = fromBase64Url(key);
  if (inputKey.length !== 32) throw new CryptoError('invalid-key', 'A file key is 32 bytes');
  const hash = sha256.create();
  let size = 0;
  const blob = await toBlob(
    ciphertext
      .stream()
      .pipeThrough(createDecryptStream(inputKey))
      .pipeThrough(measure(hash, (bytes) => (size += bytes), yielding)),
    signal,
  );
  inputKey.fill(0);
  return { blob, size, sha256: toBase64Url(hash.digest()) };
}
