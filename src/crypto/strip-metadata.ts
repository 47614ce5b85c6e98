/**
 * Lossless metadata stripping at the byte level, before an image is encrypted: location, camera, author and
 * editing history must not travel with a photo. Pixels are not touched; only whole metadata segments or chunks
 * are dropped. Malformed input is refused as a whole (never half-stripped).
 *
 * Known limit: a JPEG's EXIF orientation goes with the EXIF block, so a photo taken sideways shows as stored.
 */
import { concat } from './encoding.js';
import { CryptoError } from './errors.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'other';

export interface RemovedItem {
  /** What was removed, e.g. `APP1 Exif`, `APP1 XMP`, `APP13 IPTC`, `COM`, `tEXt`, `EXIF`. */
  kind: string;
  bytes: number;
}

export interface StripResult {
  bytes: Uint8Array;
  format: ImageFormat;
  removed: RemovedItem[];
}

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length));

function malformed(what: string): CryptoError {
  return new CryptoError('malformed', `Not a well-formed image: ${what}`);
}

export function detectImageFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && ascii(bytes, 1, 3) === 'PNG' && bytes[0] === 0x89) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return 'other';
}

function joinParts(parts: Uint8Array[]): Uint8Array {
  return concat(...parts);
}

function jpegMetadataKind(marker: number, payload: Uint8Array): string | null {
  if (marker === 0xfe) return 'COM';
  if (marker === 0xe1) {
    if (ascii(payload, 0, 6) === 'Exif\0\0') return 'APP1 Exif';
    if (ascii(payload, 0, 29) === 'http://ns.adobe.com/xap/1.0/\0') return 'APP1 XMP';
    if (ascii(payload, 0, 35) === 'http://ns.adobe.com/xmp/extension/\0') return 'APP1 XMP extension';
    return 'APP1';
  }
  if (marker === 0xed) return 'APP13 IPTC';
  return null;
}

function stripJpeg(bytes: Uint8Array): StripResult {
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  const removed: RemovedItem[] = [];
  let at = 2;
  for (;;) {
    if (at + 4 > bytes.length || bytes[at] !== 0xff) throw malformed('JPEG segment expected');
    // A marker may be preceded by any number of 0xFF fill bytes (ITU T.81 B.1.1.2); they carry nothing.
    while (bytes[at + 1] === 0xff && at + 5 <= bytes.length) at++;
    const marker = bytes[at + 1]!;
    if (marker === 0xd9) {
      parts.push(bytes.subarray(at));
      break;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2 || at + 2 + length > bytes.length) throw malformed('JPEG segment length');
    const segment = bytes.subarray(at, at + 2 + length);
    if (marker === 0xda) {
      // Start of scan: what follows is entropy-coded image data up to the end; it is kept as it is.
      parts.push(bytes.subarray(at));
      break;
    }
    const kind = jpegMetadataKind(marker, segment.subarray(4));
    if (kind) removed.push({ kind, bytes: segment.length });
    else parts.push(segment);
    at += 2 + length;
  }
  return { bytes: joinParts(parts), format: 'jpeg', removed };
}

const PNG_METADATA = new Set(['tEXt', 'iTXt', 'zTXt', 'eXIf']);

function stripPng(bytes: Uint8Array): StripResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  const removed: RemovedItem[] = [];
  let at = 8;
  let sawEnd = false;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw malformed('PNG chunk header');
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (end > bytes.length) throw malformed('PNG chunk length');
    if (PNG_METADATA.has(type)) removed.push({ kind: type, bytes: end - at });
    else parts.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') {
      sawEnd = true;
      break;
    }
  }
  if (!sawEnd) throw malformed('PNG without IEND');
  return { bytes: joinParts(parts), format: 'png', removed };
}

const VP8X_XMP_FLAG = 0x04;
const VP8X_EXIF_FLAG = 0x08;

function stripWebp(bytes: Uint8Array): StripResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);
  if (riffSize + 8 > bytes.length || riffSize < 4) throw malformed('RIFF size');
  const parts: Uint8Array[] = [];
  const removed: RemovedItem[] = [];
  let vp8x: Uint8Array | null = null;
  let at = 12;
  const limit = 8 + riffSize;
  while (at < limit) {
    if (at + 8 > limit) throw malformed('WebP chunk header');
    const type = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    const end = at + 8 + size + (size % 2);
    if (end > limit) throw malformed('WebP chunk size');
    const chunk = bytes.slice(at, end);
    if (type === 'EXIF' || type === 'XMP ') {
      removed.push({ kind: type.trim(), bytes: chunk.length });
    } else {
      if (type === 'VP8X') vp8x = chunk;
      parts.push(chunk);
    }
    at = end;
  }
  if (vp8x && removed.length) vp8x[8]! &= ~(VP8X_EXIF_FLAG | VP8X_XMP_FLAG) & 0xff;
  const body = joinParts(parts);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  return { bytes: joinParts([header, body]), format: 'webp', removed };
}

const STRIPPED_MIME_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/webp']);

/**
 * Removes EXIF, XMP, IPTC and comments from JPEG; tEXt, iTXt, zTXt and eXIf from PNG; EXIF and XMP from WebP.
 * The bytes decide the format, as a decoder would (a PNG named .jpg is stripped as a PNG). Other files pass
 * through unchanged with format 'other', except when `mime` claims a format this strips: such a file could not
 * be checked, so it is refused ('malformed') rather than sent with whatever it carries.
 */
export function stripMetadata(bytes: Uint8Array, mime?: string): StripResult {
  const format = detectImageFormat(bytes);
  if (format === 'other' && mime && STRIPPED_MIME_TYPES.has(mime.toLowerCase().split(';')[0]!.trim())) {
    throw malformed(`declared ${mime} but the bytes are no JPEG, PNG or WebP`);
  }
  if (format === 'jpeg') return stripJpeg(bytes);
  if (format === 'png') return stripPng(bytes);
  if (format === 'webp') return stripWebp(bytes);
  return { bytes, format, removed: [] };
}
