/**
 * Attachment encryption: c2sp.org/chunked-encryption instantiated as Cobblestone-256 (HKDF-Expand with SHA-512,
 * AES-256-GCM, 16 KiB chunks). Streaming in both directions, so memory stays flat whatever the file size.
 *
 *   file = salt (24) || commitment (32) || chunk 0 || chunk 1 || ... || final chunk
 *   key || base nonce || commitment = HKDF-Expand-SHA-512(input key, "c2sp.org/chunked-encryption@v1+"
 *                                       || "AEAD_AES_256_GCM" || 0x00 || salt || context, 32 + 12 + 32)
 *   chunk i = AES-256-GCM(key, base nonce XOR i, aad = empty, plaintext chunk); every chunk but the last is
 *   16 KiB of plaintext, the last is shorter (possibly empty).
 */
import { concat, equalBytes, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { aesGcmDecrypt, aesGcmEncrypt, importAesGcmKey, randomBytes } from './primitives.js';

export const CHUNK_BYTES = 16384;
const TAG_BYTES = 16;
const SALT_BYTES = 24;
const COMMITMENT_BYTES = 32;
export const CHUNKED_HEADER_BYTES = SALT_BYTES + COMMITMENT_BYTES;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const INFO_PREFIX = utf8('c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\u0000');
/** The spec's limit of 2^38 chunks; far beyond any attachment, checked all the same. */
const MAX_CHUNKS = 2 ** 38;

/** A fresh random input key for one file (it travels inside the encrypted message). */
export function generateFileKey(): Uint8Array {
  return randomBytes(KEY_BYTES);
}

/**
 * HKDF-Expand (RFC 5869 §2.3) over HMAC-SHA-512 from Web Crypto. Web Crypto's HKDF always runs Extract first,
 * and the scheme uses the input key as the PRK directly, so Expand is composed here from Web Crypto's HMAC.
 */
async function hkdfExpandSha512(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(prk),
    { name: 'HMAC', hash: 'SHA-512' },
    false,
    ['sign'],
  );
  const blocks: Uint8Array[] = [];
  let previous = new Uint8Array(0);
  for (let counter = 1; blocks.length * 64 < length; counter++) {
    const input = concat(previous, info, Uint8Array.of(counter));
    previous = new Uint8Array(await crypto.subtle.sign('HMAC', key, new Uint8Array(input)));
    blocks.push(previous);
  }
  return concat(...blocks).slice(0, length);
}

interface FileKeys {
  key: CryptoKey;
  baseNonce: Uint8Array;
  commitment: Uint8Array;
}

async function deriveFileKeys(
  inputKey: Uint8Array,
  salt: Uint8Array,
  context: Uint8Array,
): Promise<FileKeys> {
  if (inputKey.length !== KEY_BYTES) throw new CryptoError('invalid-key', 'A file key is 32 bytes');
  const okm = await hkdfExpandSha512(
    inputKey,
    concat(INFO_PREFIX, salt, context),
    KEY_BYTES + NONCE_BYTES + 32,
  );
  return {
    key: await importAesGcmKey(okm.subarray(0, KEY_BYTES)),
    baseNonce: okm.slice(KEY_BYTES, KEY_BYTES + NONCE_BYTES),
    commitment: okm.slice(KEY_BYTES + NONCE_BYTES),
  };
}

function chunkNonce(baseNonce: Uint8Array, index: number): Uint8Array {
  if (index >= MAX_CHUNKS) throw new CryptoError('malformed', 'Too many chunks');
  const nonce = baseNonce.slice();
  let value = index;
  for (let i = NONCE_BYTES - 1; i >= NONCE_BYTES - 5 && value > 0; i--) {
    nonce[i]! ^= value % 256;
    value = Math.floor(value / 256);
  }
  return nonce;
}

/** Encrypts a stream: emits the header first, then one encrypted chunk per 16 KiB of input, then the final one. */
export function createEncryptStream(
  inputKey: Uint8Array,
  context: Uint8Array = new Uint8Array(0),
): TransformStream<Uint8Array, Uint8Array> {
  let keys: FileKeys;
  const pending = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  let index = 0;
  return new TransformStream({
    async start(controller) {
      const salt = randomBytes(SALT_BYTES);
      keys = await deriveFileKeys(inputKey, salt, context);
      controller.enqueue(concat(salt, keys.commitment));
    },
    async transform(input, controller) {
      let offset = 0;
      while (offset < input.length) {
        const take = Math.min(CHUNK_BYTES - filled, input.length - offset);
        pending.set(input.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        // A full chunk is never the final one (the final chunk is always shorter), so it can go at once.
        if (filled === CHUNK_BYTES) {
          controller.enqueue(await aesGcmEncrypt(keys.key, chunkNonce(keys.baseNonce, index++), pending));
          filled = 0;
        }
      }
    },
    async flush(controller) {
      controller.enqueue(
        await aesGcmEncrypt(keys.key, chunkNonce(keys.baseNonce, index++), pending.subarray(0, filled)),
      );
    },
  });
}

/**
 * Decrypts a stream. The header's commitment is checked before any chunk; a chunk is released only after it
 * authenticates; a full-size chunk is held until more input shows it is not the last; the end of input without
 * a short final chunk is 'truncated'. After an error the stream stays errored.
 */
export function createDecryptStream(
  inputKey: Uint8Array,
  context: Uint8Array = new Uint8Array(0),
): TransformStream<Uint8Array, Uint8Array> {
  if (inputKey.length !== KEY_BYTES) throw new CryptoError('invalid-key', 'A file key is 32 bytes');
  const sealedChunk = CHUNK_BYTES + TAG_BYTES;
  // Holds the header, then up to one sealed chunk plus one byte: enough to know a full chunk is not the last.
  let buffer = new Uint8Array(sealedChunk + 1);
  let filled = 0;
  let keys: FileKeys | null = null;
  let index = 0;

  async function openChunk(sealed: Uint8Array): Promise<Uint8Array> {
    try {
      return await aesGcmDecrypt(keys!.key, chunkNonce(keys!.baseNonce, index++), sealed);
    } catch (cause) {
      throw new CryptoError('decrypt-failed', `Chunk ${index - 1} does not authenticate`, { cause });
    }
  }

  return new TransformStream({
    async transform(input, controller) {
      let offset = 0;
      while (offset < input.length) {
        const take = Math.min(buffer.length - filled, input.length - offset);
        buffer.set(input.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (!keys && filled >= CHUNKED_HEADER_BYTES) {
          const salt = buffer.slice(0, SALT_BYTES);
          const commitment = buffer.slice(SALT_BYTES, CHUNKED_HEADER_BYTES);
          keys = await deriveFileKeys(inputKey, salt, context);
          if (!equalBytes(keys.commitment, commitment)) {
            throw new CryptoError('commitment-mismatch', 'The file is not sealed with this key and context');
          }
          buffer.copyWithin(0, CHUNKED_HEADER_BYTES, filled);
          filled -= CHUNKED_HEADER_BYTES;
        }
        if (keys && filled === buffer.length) {
          controller.enqueue(await openChunk(buffer.slice(0, sealedChunk)));
          buffer.copyWithin(0, sealedChunk, filled);
          filled -= sealedChunk;
        }
      }
    },
    async flush(controller) {
      if (!keys) throw new CryptoError('truncated', 'The file is shorter than its header');
      if (filled < TAG_BYTES || filled >= sealedChunk) {
        throw new CryptoError('truncated', 'The final chunk is missing');
      }
      controller.enqueue(await openChunk(buffer.slice(0, filled)));
      buffer = new Uint8Array(0);
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(...parts);
    parts.push(value);
  }
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Whole-buffer encryption, for small files. */
export async function encryptChunked(
  inputKey: Uint8Array,
  bytes: Uint8Array,
  context?: Uint8Array,
): Promise<Uint8Array> {
  return collect(streamOf(bytes).pipeThrough(createEncryptStream(inputKey, context)));
}

/** Whole-buffer decryption: all or nothing. */
export async function decryptChunked(
  inputKey: Uint8Array,
  bytes: Uint8Array,
  context?: Uint8Array,
): Promise<Uint8Array> {
  return collect(streamOf(bytes).pipeThrough(createDecryptStream(inputKey, context)));
}
