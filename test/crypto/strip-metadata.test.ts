import { expect } from '@open-wc/testing';
import { CryptoError } from '../../src/crypto/errors.js';
import { stripMetadata } from '../../src/crypto/strip-metadata.js';

const enc = new TextEncoder();
const GPS_MARK = 'GPS-48.858370N-2.294481E';
const XMP_MARK = 'http://ns.adobe.com/xap/1.0/';

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u16be(n: number) {
  return Uint8Array.of(n >> 8, n & 0xff);
}
function u32be(n: number) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}
function u32le(n: number) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/** A real TIFF/EXIF block: IFD0 points to a GPS IFD with latitude 48°51'30" N; a marker string follows. */
function exifTiff(): Uint8Array {
  const tiff = new Uint8Array(128);
  const v = new DataView(tiff.buffer);
  tiff.set(enc.encode('MM'), 0);
  v.setUint16(2, 42);
  v.setUint32(4, 8);
  v.setUint16(8, 1); // IFD0: one entry
  v.setUint16(10, 0x8825); // GPSInfo
  v.setUint16(12, 4); // LONG
  v.setUint32(14, 1);
  v.setUint32(18, 26); // GPS IFD offset
  v.setUint32(22, 0); // no next IFD
  v.setUint16(26, 2); // GPS IFD: two entries
  v.setUint16(28, 1); // GPSLatitudeRef
  v.setUint16(30, 2); // ASCII
  v.setUint32(32, 2);
  tiff.set(enc.encode('N\0'), 36);
  v.setUint16(40, 2); // GPSLatitude
  v.setUint16(42, 5); // RATIONAL
  v.setUint32(44, 3);
  v.setUint32(48, 58); // value offset
  v.setUint32(52, 0);
  [48, 1, 51, 1, 30, 1].forEach((n, i) => v.setUint32(58 + i * 4, n));
  tiff.set(enc.encode(GPS_MARK), 84);
  return tiff;
}

function xmpPacket(): Uint8Array {
  return enc.encode(`<x:xmpmeta><rdf:Description exif:GPSLatitude="${GPS_MARK}"/></x:xmpmeta>`);
}

async function canvasImage(type: string): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = 24;
  canvas.height = 16;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#c33';
  ctx.fillRect(0, 0, 24, 16);
  ctx.fillStyle = '#36c';
  ctx.fillRect(4, 4, 8, 8);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), type, 0.9));
  expect(blob.type).to.equal(type);
  return new Uint8Array(await blob.arrayBuffer());
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  return join(Uint8Array.of(0xff, marker), u16be(payload.length + 2), payload);
}

async function jpegWithMetadata(): Promise<Uint8Array> {
  const jpeg = await canvasImage('image/jpeg');
  return join(
    jpeg.subarray(0, 2),
    jpegSegment(0xe1, join(enc.encode('Exif\0\0'), exifTiff())),
    jpegSegment(0xe1, join(enc.encode(`${XMP_MARK}\0`), xmpPacket())),
    jpegSegment(0xed, join(enc.encode('Photoshop 3.0\0'), enc.encode(`8BIM IPTC city ${GPS_MARK}`))),
    jpegSegment(0xfe, enc.encode(`comment ${GPS_MARK}`)),
    jpeg.subarray(2),
  );
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = join(enc.encode(type), data);
  return join(u32be(data.length), typed, u32be(crc32(typed)));
}

async function pngWithMetadata(): Promise<Uint8Array> {
  const png = await canvasImage('image/png');
  const iendAt = png.length - 12;
  return join(
    png.subarray(0, 33), // signature + IHDR
    pngChunk('tEXt', enc.encode(`Comment\0${GPS_MARK}`)),
    pngChunk('iTXt', join(enc.encode('XML:com.adobe.xmp\0\0\0\0\0'), enc.encode(XMP_MARK), xmpPacket())),
    pngChunk('zTXt', enc.encode(`Author\0\0xx${GPS_MARK}`)),
    pngChunk('eXIf', exifTiff()),
    png.subarray(33, iendAt),
    png.subarray(iendAt),
  );
}

function riffChunk(type: string, data: Uint8Array): Uint8Array {
  return join(
    enc.encode(type),
    u32le(data.length),
    data,
    data.length % 2 ? Uint8Array.of(0) : new Uint8Array(0),
  );
}

async function webpWithMetadata(): Promise<Uint8Array> {
  const webp = await canvasImage('image/webp');
  const view = new DataView(webp.buffer);
  // Browsers differ: Chromium writes VP8X + ICCP + VP8, Firefox a bare VP8/VP8L. Keep every chunk but VP8X.
  let vp8x: Uint8Array | null = null;
  const others: Uint8Array[] = [];
  for (let at = 12; at < webp.length;) {
    const size = view.getUint32(at + 4, true);
    const end = at + 8 + size + (size % 2);
    const type = new TextDecoder().decode(webp.subarray(at, at + 4));
    if (type === 'VP8X') vp8x = webp.slice(at + 8, at + 8 + size);
    else others.push(webp.subarray(at, end));
    at = end;
  }
  if (!vp8x) {
    vp8x = new Uint8Array(10);
    vp8x.set([23, 0, 0], 4); // canvas width - 1 (24-bit LE)
    vp8x.set([15, 0, 0], 7); // canvas height - 1
  }
  vp8x[0]! |= 0x08 | 0x04; // EXIF and XMP present
  const body = join(
    enc.encode('WEBP'),
    riffChunk('VP8X', vp8x),
    ...others,
    riffChunk('EXIF', exifTiff()),
    riffChunk('XMP ', join(enc.encode(XMP_MARK), xmpPacket())),
  );
  return join(enc.encode('RIFF'), u32le(body.length), body);
}

function contains(haystack: Uint8Array, needle: string): boolean {
  return new TextDecoder('latin1').decode(haystack).includes(needle);
}

async function decodes(bytes: Uint8Array, type: string): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type }));
  return { width: bitmap.width, height: bitmap.height };
}

const cases = [
  {
    format: 'jpeg',
    type: 'image/jpeg',
    make: jpegWithMetadata,
    kinds: ['APP1 Exif', 'APP1 XMP', 'APP13 IPTC', 'COM'],
  },
  { format: 'png', type: 'image/png', make: pngWithMetadata, kinds: ['tEXt', 'iTXt', 'zTXt', 'eXIf'] },
  { format: 'webp', type: 'image/webp', make: webpWithMetadata, kinds: ['EXIF', 'XMP'] },
] as const;

describe('image metadata stripping', () => {
  for (const { format, type, make, kinds } of cases) {
    it(`removes GPS EXIF and XMP from a ${format} and the result still decodes`, async () => {
      const original = await make();
      expect(contains(original, GPS_MARK)).to.equal(true);
      expect(await decodes(original, type)).to.deep.equal({ width: 24, height: 16 });
      const result = stripMetadata(original);
      expect(result.format).to.equal(format);
      expect(result.removed.map((r) => r.kind)).to.deep.equal(kinds);
      for (const needle of [GPS_MARK, XMP_MARK, 'Exif\0\0', 'MM\0*'])
        expect(contains(result.bytes, needle)).to.equal(false);
      expect(await decodes(result.bytes, type)).to.deep.equal({ width: 24, height: 16 });
    });

    it(`returns a clean ${format} byte for byte`, async () => {
      const clean = stripMetadata(await make()).bytes;
      const again = stripMetadata(clean);
      expect(again.removed).to.deep.equal([]);
      expect(again.bytes).to.deep.equal(clean);
    });

    it(`refuses a truncated ${format} as a whole`, async () => {
      const bytes = await make();
      expect(() => stripMetadata(bytes.subarray(0, 40)))
        .to.throw(CryptoError)
        .with.property('reason', 'malformed');
    });

    it(`strips a ${format} by its bytes, whatever MIME type it is declared with`, async () => {
      const result = stripMetadata(await make(), 'image/jpeg');
      expect(result.format).to.equal(format);
      expect(contains(result.bytes, GPS_MARK)).to.equal(false);
    });
  }

  it('skips 0xFF fill bytes before JPEG markers and still finds the EXIF', async () => {
    const jpeg = await jpegWithMetadata();
    const padded = join(jpeg.subarray(0, 2), Uint8Array.of(0xff, 0xff), jpeg.subarray(2));
    const result = stripMetadata(padded);
    expect(result.removed.map((r) => r.kind)).to.include('APP1 Exif');
    expect(contains(result.bytes, GPS_MARK)).to.equal(false);
    expect(await decodes(result.bytes, 'image/jpeg')).to.deep.equal({ width: 24, height: 16 });
  });

  it('refuses garbage declared as an image it would strip', () => {
    const garbage = crypto.getRandomValues(new Uint8Array(512));
    garbage[0] = 0; // not a JPEG, PNG or RIFF start
    for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'IMAGE/JPEG; q=1'])
      expect(() => stripMetadata(garbage, mime))
        .to.throw(CryptoError)
        .with.property('reason', 'malformed');
  });

  it('refuses a JPEG whose segments run past its end', async () => {
    const jpeg = await jpegWithMetadata();
    const broken = jpeg.slice();
    broken[4] = 0xff; // the APP1 length now claims ~65 KB
    expect(() => stripMetadata(broken))
      .to.throw(CryptoError)
      .with.property('reason', 'malformed');
  });

  it('passes other files through untouched', () => {
    const pdf = enc.encode('%PDF-1.7 ...');
    expect(stripMetadata(pdf)).to.deep.equal({ bytes: pdf, format: 'other', removed: [] });
    expect(stripMetadata(pdf, 'application/pdf').bytes).to.equal(pdf);
  });
});
