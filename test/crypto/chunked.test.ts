import { expect } from '@open-wc/testing';
import {
  CHUNK_BYTES,
  CHUNKED_HEADER_BYTES,
  createDecryptStream,
  createEncryptStream,
  decryptChunked,
  encryptChunked,
  generateFileKey,
} from '../../src/crypto/chunked.js';
import { concat, equalBytes, fromHex, toHex } from '../../src/crypto/encoding.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { sha512 } from '../../src/crypto/primitives.js';
import { loadVectors, Tally, type WycheproofFile, type WycheproofTest, failureReason } from './vectors.js';

type Vector = WycheproofTest & {
  key: string;
  ctx: string;
  ct: string;
  msgLength?: number;
  msgSha512?: string;
};

async function inflate(hex: string): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(fromHex(hex))])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Feeds bytes in pieces of `size` and collects what the stream lets out before it ends or fails. */
async function runStream(
  transform: TransformStream<Uint8Array, Uint8Array>,
  bytes: Uint8Array,
  size: number,
): Promise<{ output: Uint8Array; error: unknown }> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
  const parts: Uint8Array[] = [];
  const reader = source.pipeThrough(transform).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { output: concat(...parts), error: null };
      parts.push(value);
    }
  } catch (error) {
    // A failed stream keeps failing if read again.
    const again = await reader.read().then(
      () => null,
      (e: unknown) => e,
    );
    return { output: concat(...parts), error: again ? error : new Error('stream recovered after an error') };
  }
}

const reasonOf = failureReason;

describe('Cobblestone-256 attachments (c2sp.org/chunked-encryption)', function () {
  this.timeout(300_000);

  it('passes the Wycheproof vectors, whole and streamed in odd pieces, with partial plaintext kept to the valid prefix', async () => {
    const file = 'wycheproof_c2sp_chunked_encryption_aes_256_gcm_test.json';
    const data = await loadVectors<WycheproofFile<{ tests: Vector[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      for (const test of group.tests) {
        const key = fromHex(test.key);
        const ct = await inflate(test.ct);
        const ctx = fromHex(test.ctx);
        if (key.length !== 32) {
          (await reasonOf(decryptChunked(key, ct, ctx))) === 'invalid-key'
            ? tally.pass()
            : tally.fail(test.tcId, 'a key of the wrong size was accepted');
          continue;
        }
        for (const size of [ct.length || 1, 1000, 16400]) {
          const { output, error } = await runStream(createDecryptStream(key, ctx), ct, size);
          const expectedHash = test.msgSha512 ?? '';
          const expectedLength = test.msgLength ?? 0;
          const hash = toHex(await sha512(output)).slice(0, expectedHash.length);
          if (test.result === 'valid') {
            !error && output.length === expectedLength && hash === expectedHash
              ? tally.pass()
              : tally.fail(test.tcId, `valid vector failed in pieces of ${size}: ${String(error)}`);
          } else {
            const partialOk = test.flags.includes('PartialPlaintext')
              ? output.length <= expectedLength && (output.length < expectedLength || hash === expectedHash)
              : output.length === 0;
            error instanceof CryptoError && partialOk
              ? tally.pass()
              : tally.fail(
                  test.tcId,
                  `invalid vector (${test.comment}) in pieces of ${size}: ${String(error)}, ${output.length} bytes out`,
                );
          }
        }
      }
    }
    tally.report();
    expect(tally.failures, tally.failures.join('\n')).to.deep.equal([]);
  });

  it('counts the Cobblestone-128 vectors as skipped: attachments use Cobblestone-256 only', async () => {
    const file = 'wycheproof_c2sp_chunked_encryption_aes_128_gcm_test.json';
    const data = await loadVectors<WycheproofFile<{ aead: string; tests: Vector[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      expect(group.aead).to.equal('AEAD_AES_128_GCM');
      tally.skip(
        'Cobblestone-128 (AES-128-GCM), a suite the attachment format does not use',
        group.tests.length,
      );
    }
    tally.report();
    expect(tally.skipped).to.equal(data.numberOfTests);
  });

  it('round-trips empty, exact-chunk and multi-chunk files through the buffer helpers', async () => {
    const key = generateFileKey();
    for (const length of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES * 2 + 5]) {
      const plain = crypto.getRandomValues(new Uint8Array(length));
      const sealed = await encryptChunked(key, plain);
      expect(sealed.length).to.equal(
        CHUNKED_HEADER_BYTES + length + 16 * (Math.floor(length / CHUNK_BYTES) + 1),
      );
      expect(equalBytes(await decryptChunked(key, sealed), plain)).to.equal(true);
    }
  });

  it('streams 4 MB in 7,001-byte pieces both ways', async () => {
    const key = generateFileKey();
    const plain = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < plain.length; i += 65536) crypto.getRandomValues(plain.subarray(i, i + 65536));
    const sealed = await runStream(createEncryptStream(key), plain, 7001);
    const opened = await runStream(createDecryptStream(key), sealed.output, 7001);
    expect(opened.error).to.equal(null);
    expect(equalBytes(opened.output, plain)).to.equal(true);
  });

  it('refuses a truncated file, reordered chunks, a flipped bit, appended data and the wrong key', async () => {
    const key = generateFileKey();
    const plain = crypto.getRandomValues(new Uint8Array(CHUNK_BYTES * 2 + 100));
    const sealed = await encryptChunked(key, plain);
    const sealedChunk = CHUNK_BYTES + 16;
    const first = sealed.slice(CHUNKED_HEADER_BYTES, CHUNKED_HEADER_BYTES + sealedChunk);
    const second = sealed.slice(CHUNKED_HEADER_BYTES + sealedChunk, CHUNKED_HEADER_BYTES + 2 * sealedChunk);
    const rest = sealed.slice(CHUNKED_HEADER_BYTES + 2 * sealedChunk);
    const header = sealed.slice(0, CHUNKED_HEADER_BYTES);

    expect(await reasonOf(decryptChunked(key, concat(header, first, second)))).to.equal('truncated');
    expect(await reasonOf(decryptChunked(key, concat(header, second, first, rest)))).to.equal(
      'decrypt-failed',
    );
    const flipped = sealed.slice();
    flipped[CHUNKED_HEADER_BYTES + 100]! ^= 1;
    expect(await reasonOf(decryptChunked(key, flipped))).to.equal('decrypt-failed');
    expect(await reasonOf(decryptChunked(key, concat(sealed, new Uint8Array(16))))).to.equal(
      'decrypt-failed',
    );
    expect(await reasonOf(decryptChunked(generateFileKey(), sealed))).to.equal('commitment-mismatch');
    expect(await reasonOf(decryptChunked(key, sealed.slice(0, 40)))).to.equal('truncated');
  });

  it('releases no plaintext of a chunk that fails to authenticate', async () => {
    const key = generateFileKey();
    const plain = crypto.getRandomValues(new Uint8Array(CHUNK_BYTES * 3));
    const sealed = await encryptChunked(key, plain);
    sealed[CHUNKED_HEADER_BYTES + (CHUNK_BYTES + 16) + 5]! ^= 1; // inside chunk 1
    const { output, error } = await runStream(createDecryptStream(key), sealed, 4096);
    expect(error).to.be.instanceOf(CryptoError);
    expect(output.length).to.equal(CHUNK_BYTES);
    expect(equalBytes(output, plain.subarray(0, CHUNK_BYTES))).to.equal(true);
  });
});
