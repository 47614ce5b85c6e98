import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { AdapterError, type ChatAdapter, type MessageContent } from '../../src/adapter/types.js';
import { stripMetadata } from '../../src/crypto/strip-metadata.js';
import { AttachmentError } from '../../src/engine/attachments.js';
import { type ChatState } from '../../src/state/chat-state.js';
import { person } from './people.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';

const enc = new TextEncoder();
const GPS_MARK = 'GPS-48.858370N-2.294481E';
const FILE_NAME = 'eiffel-tower-holiday.jpg';

function join(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when `needle` occurs in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** A TIFF block whose IFD0 points to a GPS IFD (latitude 48°51'30" N), followed by a marker string. */
function exifTiff(): Uint8Array {
  const tiff = new Uint8Array(128);
  const v = new DataView(tiff.buffer);
  tiff.set(enc.encode('MM'), 0);
  v.setUint16(2, 42);
  v.setUint32(4, 8);
  v.setUint16(8, 1);
  v.setUint16(10, 0x8825); // GPSInfo
  v.setUint16(12, 4);
  v.setUint32(14, 1);
  v.setUint32(18, 26);
  v.setUint16(26, 2);
  v.setUint16(28, 1); // GPSLatitudeRef
  v.setUint16(30, 2);
  v.setUint32(32, 2);
  tiff.set(enc.encode('N\0'), 36);
  v.setUint16(40, 2); // GPSLatitude
  v.setUint16(42, 5);
  v.setUint32(44, 3);
  v.setUint32(48, 58);
  [48, 1, 51, 1, 30, 1].forEach((n, i) => v.setUint32(58 + i * 4, n));
  tiff.set(enc.encode(GPS_MARK), 84);
  return tiff;
}

/** A JPEG drawn on a canvas, with an APP1 EXIF segment carrying a GPS position injected after SOI. */
async function photoWithGps(): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = document.createElement('canvas');
  canvas.width = 24;
  canvas.height = 16;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#c33';
  ctx.fillRect(0, 0, 24, 16);
  ctx.fillStyle = '#36c';
  ctx.fillRect(4, 4, 8, 8);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
  const jpeg = new Uint8Array(await blob.arrayBuffer());
  const payload = join(enc.encode('Exif\0\0'), exifTiff());
  const segment = join(
    Uint8Array.of(0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff),
    payload,
  );
  return join(jpeg.subarray(0, 2), segment, jpeg.subarray(2));
}

function attachmentIn(state: ChatState, threadId: string) {
  return (state.$events.get()[threadId] ?? []).find(
    (e) => e.content?.type === 'attachment' && e.status === 'sent',
  );
}

function transfers(state: ChatState) {
  return Object.values(state.$transfers.get());
}

async function storedBlobs(hub: MemoryHub): Promise<Uint8Array[]> {
  return Promise.all(
    [...hub.keys.blobs.values()].map(async (b) => new Uint8Array(await b.data.arrayBuffer())),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function threeInAThread(options: { maxUploadBytes?: number; encrypted?: boolean } = {}) {
  const hub = new MemoryHub(
    options.maxUploadBytes ? { capabilities: { maxUploadBytes: options.maxUploadBytes } } : {},
  );
  const ids = { alice: uniqueUserId('alice'), bob: uniqueUserId('bob'), carol: uniqueUserId('carol') };
  for (const [name, id] of Object.entries(ids)) hub.addUser({ id, displayName: name });
  const a = await person(hub, ids.alice);
  const b = await person(hub, ids.bob);
  const c = await person(hub, ids.carol);
  const threadId = await a.engine.createThread({
    title: 'Holiday',
    participantIds: [ids.bob, ids.carol],
    encrypted: options.encrypted ?? true,
  });
  await until(() => !!b.state.$threads.get()[threadId] && !!c.state.$threads.get()[threadId]);
  /** Stops the engines once each has taken in every stored message, so no vault closes under one. */
  const stop = async () => {
    const stored = (await hub.adapterFor(ids.alice).listMessages(threadId)).items.length;
    const sent = (p: typeof a) => (p.state.$events.get()[threadId] ?? []).filter((e) => e.seq !== null);
    await until(() => [a, b, c].every((p) => sent(p).length === stored));
    for (const p of [a, b, c]) p.engine.stop();
  };
  return { hub, ids, a, b, c, threadId, stop };
}

describe('attachments between three people (engines, vaults and crypto real; backend in memory)', () => {
  afterEach(cleanUpVaults);

  it('sends a photo whose stored blob holds neither its pixels, its GPS position nor its name; both others open it stripped', async () => {
    const { hub, ids, a, b, c, threadId, stop } = await threeInAThread();
    const photo = await photoWithGps();
    const stripped = stripMetadata(photo).bytes;
    expect(contains(photo, enc.encode(GPS_MARK))).to.equal(true);

    await a.engine.attachFiles(threadId, [new File([photo], FILE_NAME, { type: 'image/jpeg' })], {
      caption: 'From the top',
    });

    const [blob, ...more] = await storedBlobs(hub);
    expect(more).to.have.length(0);
    expect(contains(blob!, enc.encode(GPS_MARK))).to.equal(false);
    expect(contains(blob!, enc.encode('eiffel-tower'))).to.equal(false);
    // The entropy-coded image data (the last 64 bytes before EOI) does not appear in the clear.
    expect(contains(blob!, stripped.subarray(stripped.length - 66, stripped.length - 2))).to.equal(false);
    const records = (await hub.adapterFor(ids.alice).listMessages(threadId)).items;
    expect(records.map((r) => r.body.kind)).to.deep.equal(['envelope']);
    expect(JSON.stringify(records)).not.to.contain('eiffel');
    expect(transfers(a.state).map((t) => [t.direction, t.state, t.name])).to.deep.equal([
      ['up', 'done', FILE_NAME],
    ]);

    for (const reader of [b, c]) {
      await until(() => !!attachmentIn(reader.state, threadId));
      const event = attachmentIn(reader.state, threadId)!;
      const content = event.content as Extract<MessageContent, { type: 'attachment' }>;
      expect(content).to.include({ name: FILE_NAME, mime: 'image/jpeg', size: stripped.length });
      expect(content.caption).to.equal('From the top');
      const opened = await reader.engine.openAttachment(threadId, event.clientId);
      expect(opened.type).to.equal('image/jpeg');
      const bytes = new Uint8Array(await opened.arrayBuffer());
      expect(bytes).to.deep.equal(stripped);
      expect(contains(bytes, enc.encode(GPS_MARK))).to.equal(false);
      const image = await createImageBitmap(opened);
      expect([image.width, image.height]).to.deep.equal([24, 16]);
    }
    await stop();
  });

  it('refuses a tampered blob with a typed error and marks the download failed', async () => {
    const { hub, a, b, threadId, stop } = await threeInAThread();
    await a.engine.attachFiles(threadId, [
      new File([await photoWithGps()], FILE_NAME, { type: 'image/jpeg' }),
    ]);
    const [blobId, stored] = [...hub.keys.blobs.entries()][0]!;
    const bytes = new Uint8Array(await stored.data.arrayBuffer());
    bytes[bytes.length - 20]! ^= 1;
    hub.keys.blobs.set(blobId, { ...stored, data: new Blob([bytes]) });

    await until(() => !!attachmentIn(b.state, threadId));
    const error = await rejection(
      b.engine.openAttachment(threadId, attachmentIn(b.state, threadId)!.clientId),
    );
    expect(error).to.be.instanceOf(AttachmentError);
    expect((error as AttachmentError).reason).to.equal('tampered');
    expect(transfers(b.state).map((t) => [t.direction, t.state, t.error])).to.deep.equal([
      ['down', 'failed', 'tampered'],
    ]);
    await stop();
  });

  it('refuses a file that decrypts but does not match the hash its message names', async () => {
    const { ids, hub, a, b, threadId, stop } = await threeInAThread();
    await a.engine.attachFiles(threadId, [
      new File(['the real contract'], 'contract.txt', { type: 'text/plain' }),
    ]);
    const sent = attachmentIn(a.state, threadId)!.content as Extract<MessageContent, { type: 'attachment' }>;
    // Alice's device seals a second message naming the same blob and key with another hash.
    const thread = a.state.$threads.get()[threadId]!;
    const body = await a.security.seal(thread, 'forged-hash', {
      ...sent,
      sha256: sent.sha256!.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')),
    });
    await hub.adapterFor(ids.alice).sendMessage(threadId, { clientId: 'forged-hash', body });

    await until(() => (b.state.$events.get()[threadId] ?? []).some((e) => e.clientId === 'forged-hash'));
    const error = await rejection(b.engine.openAttachment(threadId, 'forged-hash'));
    expect((error as AttachmentError).reason).to.equal('hash-mismatch');
    const good = await b.engine.openAttachment(threadId, attachmentIn(a.state, threadId)!.clientId);
    expect(await good.text()).to.equal('the real contract');
    await stop();
  });

  it('refuses a file whose ciphertext is over the upload limit before uploading, and sends nothing', async () => {
    // 950 bytes would fit as they are; sealed they are 950 + 56 + 16 = 1,022.
    const { hub, a, threadId, stop } = await threeInAThread({ maxUploadBytes: 1000 });
    const error = await rejection(
      a.engine.attachFiles(threadId, [
        new File([new Uint8Array(950)], 'scan.pdf', { type: 'application/pdf' }),
      ]),
    );
    expect(error).to.be.instanceOf(AttachmentError);
    expect((error as AttachmentError).reason).to.equal('too-large');
    expect(hub.keys.blobs.size).to.equal(0);
    expect(a.state.$events.get()[threadId] ?? []).to.deep.equal([]);
    expect(transfers(a.state).map((t) => [t.state, t.error])).to.deep.equal([['failed', 'too-large']]);

    await a.engine.attachFiles(threadId, [
      new File([new Uint8Array(900)], 'small.pdf', { type: 'application/pdf' }),
    ]);
    expect(hub.keys.blobs.size).to.equal(1);
    expect([...hub.keys.blobs.values()][0]!.data.size).to.equal(900 + 56 + 16);
    await stop();
  });

  it('cancels an upload midway: the transfer says cancelled and no message is sent', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    hub.addUser({ id: alice, displayName: 'Alice' });
    // A backend whose upload stops halfway and waits, as a slow network would.
    const slow = (adapter: ChatAdapter): ChatAdapter =>
      Object.assign(Object.create(adapter) as ChatAdapter, {
        uploadBlob: (
          _threadId: string,
          data: Blob,
          options: { onProgress?: (l: number, t: number) => void; signal?: AbortSignal } = {},
        ) =>
          new Promise((_resolve, reject) => {
            options.onProgress?.(data.size / 2, data.size);
            options.signal?.addEventListener('abort', () =>
              reject(new AdapterError('aborted', 'Upload cancelled')),
            );
          }),
      });
    const a = await person(hub, alice, { wrap: slow });
    const threadId = await a.engine.createThread({ title: 'Notes', participantIds: [], encrypted: true });
    const sending = a.engine.attachFiles(threadId, [
      new File(['draft'], 'draft.txt', { type: 'text/plain' }),
    ]);
    await until(() => transfers(a.state)[0]?.loaded === (5 + 56 + 16) / 2);
    expect(transfers(a.state)[0]!.state).to.equal('running');

    a.engine.cancelTransfer(transfers(a.state)[0]!.id);
    await sending;
    expect(transfers(a.state).map((t) => [t.state, t.error])).to.deep.equal([['cancelled', 'cancelled']]);
    expect(a.state.$events.get()[threadId] ?? []).to.deep.equal([]);
    expect((await hub.adapterFor(alice).listMessages(threadId)).items).to.deep.equal([]);
    a.engine.cancelTransfer(transfers(a.state)[0]!.id);
    expect(transfers(a.state)).to.deep.equal([]);
    a.engine.stop();
  });

  it('refuses a file that claims to be a JPEG but is none, rather than send it unchecked', async () => {
    const { hub, a, threadId, stop } = await threeInAThread();
    const error = await rejection(
      a.engine.attachFiles(threadId, [new File(['not an image'], 'photo.jpg', { type: 'image/jpeg' })]),
    );
    expect((error as AttachmentError).reason).to.equal('image-malformed');
    expect(hub.keys.blobs.size).to.equal(0);
    await stop();
  });

  it('in a plain thread uploads the file as it is and sends no key', async () => {
    const { hub, a, b, threadId, stop } = await threeInAThread({ encrypted: false });
    await a.engine.attachFiles(threadId, [
      new File(['minutes of the meeting'], 'minutes.txt', { type: 'text/plain' }),
    ]);
    const [blob] = await storedBlobs(hub);
    expect(new TextDecoder().decode(blob)).to.equal('minutes of the meeting');
    await until(() => !!attachmentIn(b.state, threadId));
    const event = attachmentIn(b.state, threadId)!;
    expect(event.content).not.to.have.property('key');
    const opened = await b.engine.openAttachment(threadId, event.clientId);
    expect(opened.type).to.equal('text/plain');
    expect(await opened.text()).to.equal('minutes of the meeting');
    await stop();
  });
});
