import { CryptoError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new CryptoError('malformed', 'Text is not valid UTF-8', { cause });
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new CryptoError('malformed', 'Not base64url');
  }
  // The browser's own decoder where there is one (every envelope of a history page goes through here).
  if (nativeFromBase64) return nativeFromBase64(text, { alphabet: 'base64url' });
  return fromBase64UrlPortable(text);
}

/** fromBase64Url for browsers without Uint8Array.fromBase64; `text` is already checked. Exported for tests. */
export function fromBase64UrlPortable(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const nativeFromBase64 = (
  Uint8Array as unknown as {
    fromBase64?: (text: string, options: { alphabet: 'base64url' }) => Uint8Array;
  }
).fromBase64?.bind(Uint8Array);

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new CryptoError('malformed', 'Not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The bytes as a view over an ArrayBuffer, the type Web Crypto's signatures ask for; copies only when shared. */
export function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Writes big-endian fields and length-prefixed strings, as every format of PROTOCOL.md does. */
export class ByteWriter {
  private parts: Uint8Array[] = [];

  u8(value: number): this {
    this.parts.push(Uint8Array.of(value));
    return this;
  }

  u16(value: number): this {
    const bytes = new Uint8Array(2);
    new DataView(bytes.buffer).setUint16(0, value);
    this.parts.push(bytes);
    return this;
  }

  u32(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value);
    this.parts.push(bytes);
    return this;
  }

  u64(value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
    this.parts.push(bytes);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  /** A string of 1 to 255 UTF-8 bytes, after a u8 length. */
  shortString(value: string): this {
    const bytes = utf8(value);
    if (bytes.length === 0 || bytes.length > 255) {
      throw new CryptoError('malformed', `A field must be 1 to 255 bytes of UTF-8, not ${bytes.length}`);
    }
    return this.u8(bytes.length).bytes(bytes);
  }

  /** Bytes after a u16 length. */
  shortBytes(value: Uint8Array): this {
    if (value.length > 0xffff) throw new CryptoError('malformed', 'Field too long');
    return this.u16(value.length).bytes(value);
  }

  finish(): Uint8Array {
    return concat(...this.parts);
  }
}

/** Reads what ByteWriter wrote; any shortfall is 'malformed'. */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }

  private need(count: number): void {
    if (this.offset + count > this.data.length) throw new CryptoError('malformed', 'Unexpected end of data');
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.offset);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CryptoError('malformed', 'Integer too large');
    return Number(value);
  }

  /** A view into the data (no copy); callers that keep it while changing the data must copy it. */
  bytes(count: number): Uint8Array {
    this.need(count);
    const value = this.data.subarray(this.offset, this.offset + count);
    this.offset += count;
    return value;
  }

  shortString(): string {
    const length = this.u8();
    if (length === 0) throw new CryptoError('malformed', 'Empty field');
    return fromUtf8(this.bytes(length));
  }

  shortBytes(): Uint8Array {
    return this.bytes(this.u16());
  }

  end(): void {
    if (this.remaining !== 0) throw new CryptoError('malformed', `${this.remaining} trailing bytes`);
  }
}
