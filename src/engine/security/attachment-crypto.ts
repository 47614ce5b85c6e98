/**
 * Attachment crypto for encrypted threads, in the lazily loaded crypto chunk (docs/attachments.md): lossless
 * metadata stripping of images, Cobblestone-256 with a fresh key per file, and the plaintext's SHA-256, all
 * streamed so that only an image (which must be parsed whole to be stripped) is ever held in memory at once.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  CHUNK_BYTES,
  CHUNKED_HEADER_BYTES,
  createDecryptStream,
  createEncryptStream,
  generateFileKey,
} from '../../crypto/chunked.js';
import { fromBase64Url, toBase64Url } from '../../crypto/encoding.js';
import { CryptoError } from '../../crypto/errors.js';
import { detectImageFormat, stripMetadata } from '../../crypto/strip-metadata.js';
import type { FileCrypto, OpenedFile, PreparedFile } from '../attachments.js';

const TAG_BYTES = 16;
/** Plaintext held in JS before it is handed to a Blob, which the browser may keep outside the JS heap. */
const BLOB_BATCH_BYTES = 4 * 1024 * 1024;

/** The size of a Cobblestone-256 file for `plainBytes` of plaintext: header, every chunk and its tag. */
export function sealedSize(plainBytes: number): number {
  const chunks = Math.floor(plainBytes / CHUNK_BYTES) + 1;
  return CHUNKED_HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

/** How many bytes pass between two yields to the event loop: about 30 ms of hashing and sealing. */
const YIELD_BYTES = 1024 * 1024;

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

/** Passes bytes through unchanged while hashing and counting them, yielding to the page every megabyte. */
function measure(hash: ReturnType<typeof sha256.create>, count: (bytes: number) => void) {
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
        if (sinceYield >= YIELD_BYTES) {
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
      async encrypt(signal?: AbortSignal) {
        const inputKey = generateFileKey();
        const hash = sha256.create();
        const blob = await toBlob(
          plain.bytes
            .stream()
            .pipeThrough(measure(hash, () => undefined))
            .pipeThrough(createEncryptStream(inputKey)),
          signal,
        );
        const key = toBase64Url(inputKey);
        inputKey.fill(0);
        return { blob, key, sha256: toBase64Url(hash.digest()) };
      },
    };
  },

  async open(ciphertext: Blob, key: string, signal?: AbortSignal): Promise<OpenedFile> {
    const inputKey = fromBase64Url(key);
    if (inputKey.length !== 32) throw new CryptoError('invalid-key', 'A file key is 32 bytes');
    const hash = sha256.create();
    let size = 0;
    const blob = await toBlob(
      ciphertext
        .stream()
        .pipeThrough(createDecryptStream(inputKey))
        .pipeThrough(measure(hash, (bytes) => (size += bytes))),
      signal,
    );
    inputKey.fill(0);
    return { blob, size, sha256: toBase64Url(hash.digest()) };
  },
};
