// The server's strict reading of a protocol-v1 envelope (PROTOCOL.md 1.6): the same layout rules as the
// client's `decodeEnvelope` (src/crypto/envelope.ts), without any cryptography. The server cannot check the
// signature or the ciphertext, and does not try.

const VERSION = 1;
const SUITE = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class EnvelopeError extends Error {}

/**
 * Decodes base64url without padding, refusing any other alphabet, padding, an impossible length or
 * non-canonical trailing bits (Node's own decoder silently skips what it does not understand).
 * @param {unknown} text
 * @returns {Buffer | null}
 */
export function decodeBase64url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/**
 * @typedef {object} EnvelopeHeader
 * @property {number} epoch
 * @property {number} sequence
 * @property {number} timestamp
 * @property {string} threadId
 * @property {string} senderUserId
 * @property {string} senderDeviceId
 * @property {string} clientMessageId
 * @property {number} ciphertextLength
 */

/**
 * Parses a whole envelope strictly and answers its header; throws EnvelopeError with the cause.
 * @param {Uint8Array} bytes
 * @returns {EnvelopeHeader}
 */
export function parseEnvelope(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n) => {
    if (at + n > bytes.length) throw new EnvelopeError('a length runs past the end of the envelope');
  };
  const u8 = () => (need(1), bytes[at++]);
  const u32 = () => {
    need(4);
    const value = view.getUint32(at);
    at += 4;
    return value;
  };
  const u64 = () => {
    need(8);
    const value = view.getBigUint64(at);
    at += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new EnvelopeError('the timestamp is too large');
    return Number(value);
  };
  const shortString = (name) => {
    const length = u8();
    if (length === 0) throw new EnvelopeError(`the ${name} is empty`);
    need(length);
    let value;
    try {
      value = utf8.decode(bytes.subarray(at, at + length));
    } catch {
      throw new EnvelopeError(`the ${name} is not UTF-8`);
    }
    at += length;
    return value;
  };

  const version = u8();
  if (version !== VERSION) throw new EnvelopeError(`version ${version} is not supported`);
  const suite = u8();
  if (suite !== SUITE) throw new EnvelopeError(`suite ${suite} is not supported`);
  const epoch = u32();
  const sequence = u32();
  if (sequence === 0) throw new EnvelopeError('sequence numbers start at 1');
  const timestamp = u64();
  const threadId = shortString('thread id');
  const senderUserId = shortString('sender user id');
  const senderDeviceId = shortString('sender device id');
  const clientMessageId = shortString('client message id');
  need(NONCE_BYTES);
  at += NONCE_BYTES;
  const ciphertextLength = u32();
  if (ciphertextLength < TAG_BYTES) throw new EnvelopeError('the ciphertext is shorter than its tag');
  need(ciphertextLength);
  at += ciphertextLength;
  need(SIGNATURE_BYTES);
  at += SIGNATURE_BYTES;
  if (at !== bytes.length) throw new EnvelopeError(`${bytes.length - at} trailing bytes`);
  return {
    epoch,
    sequence,
    timestamp,
    threadId,
    senderUserId,
    senderDeviceId,
    clientMessageId,
    ciphertextLength,
  };
}
