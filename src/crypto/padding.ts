import { CryptoError } from './errors.js';

const FIRST_BUCKETS = [256, 1024, 4096, 16384];
const LARGE_STEP = 16384;

/** The padded size for `length` bytes of content plus the 4-byte length prefix. */
export function bucketFor(length: number): number {
  const needed = length + 4;
  for (const bucket of FIRST_BUCKETS) if (needed <= bucket) return bucket;
  return Math.ceil(needed / LARGE_STEP) * LARGE_STEP;
}

/** u32 length || content || zero bytes up to the bucket, so the ciphertext length hides the exact size. */
export function pad(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(bucketFor(content.length));
  new DataView(out.buffer).setUint32(0, content.length);
  out.set(content, 4);
  return out;
}

/** Removes padding; a wrong length or a non-zero pad byte is 'malformed'. */
export function unpad(padded: Uint8Array): Uint8Array {
  if (padded.length < 4) throw new CryptoError('malformed', 'Padded plaintext too short');
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (length > padded.length - 4 || bucketFor(length) !== padded.length) {
    throw new CryptoError('malformed', 'Padding does not match the length');
  }
  for (let i = 4 + length; i < padded.length; i++) {
    if (padded[i] !== 0) throw new CryptoError('malformed', 'Padding is not zero');
  }
  return padded.slice(4, 4 + length);
}
