import { expect } from '@open-wc/testing';
import { CryptoError, type CryptoFailure } from '../../src/crypto/errors.js';
import { concat, toBase64Url, fromBase64Url, utf8 } from '../../src/crypto/encoding.js';
import {
  decodeEnvelope,
  decodeEnvelopeHeader,
  encodeEnvelope,
  encodeHeader,
  openEnvelope,
  sealEnvelope,
  type EnvelopeContent,
  type EnvelopeHeader,
} from '../../src/crypto/envelope.js';
import { generateEpochKey } from '../../src/crypto/epoch.js';
import { generateDeviceKeys } from '../../src/crypto/keys.js';
import { bucketFor, pad } from '../../src/crypto/padding.js';
import { aesGcmEncrypt, ecdsaSign, randomBytes } from '../../src/crypto/primitives.js';
import { checkMessage, emptyReplayState } from '../../src/crypto/replay.js';

type Header = Omit<EnvelopeHeader, 'version' | 'suite'>;

const header: Header = {
  epoch: 3,
  sequence: 7,
  timestamp: Date.UTC(2026, 10, 24, 12, 0, 0),
  threadId: 'matter-42',
  senderUserId: 'alice',
  senderDeviceId: 'alice-laptop',
  clientMessageId: 'c-0001',
};

async function world() {
  const alice = await generateDeviceKeys();
  const mallory = await generateDeviceKeys();
  const epoch3 = await generateEpochKey();
  const epoch4 = await generateEpochKey();
  const context = (overrides: Partial<Parameters<typeof openEnvelope>[1]> = {}) => ({
    expectedThreadId: 'matter-42',
    resolveEpochKey: async (epoch: number) => (epoch === 3 ? epoch3.key : epoch === 4 ? epoch4.key : null),
    resolveDeviceKey: async (userId: string, deviceId: string) =>
      userId === 'alice' && deviceId === 'alice-laptop' ? alice.signing.publicKey : null,
    ...overrides,
  });
  const seal = (content: EnvelopeContent, h: Header = header, signingKey = alice.signing.privateKey) =>
    sealEnvelope({ header: h, content, epochKey: epoch3.key, signingKey });
  return { alice, mallory, epoch3, epoch4, context, seal };
}

async function refusal(promise: Promise<unknown>): Promise<CryptoFailure> {
  try {
    const opened = await promise;
    throw new Error(`opened: ${JSON.stringify(opened)}`);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    return error.reason;
  }
}

/** The envelope with its header replaced by another of the same length (the rest left as signed). */
function withHeader(bytes: Uint8Array, changed: Header): Uint8Array {
  const { headerBytes } = decodeEnvelope(bytes);
  const replacement = encodeHeader(changed);
  expect(replacement.length).to.equal(headerBytes.length);
  return concat(replacement, bytes.subarray(headerBytes.length));
}

const EVERY_KIND: EnvelopeContent[] = [
  { type: 'text', text: 'Hello', mentions: ['bob'] },
  { type: 'reply', target: 'c-0000', text: 'Yes' },
  { type: 'edit', target: 'c-0000', text: 'Hello!' },
  { type: 'delete', target: 'c-0000' },
  { type: 'reaction', target: 'c-0000', emoji: '👍' },
  { type: 'reaction', target: 'c-0000', emoji: '👍', remove: true },
  {
    type: 'attachment',
    blobId: 'b1',
    name: 'brief.pdf',
    mime: 'application/pdf',
    size: 1234,
    sha256: 'aGFzaA',
    key: 'a2V5',
    caption: 'the brief',
    replyTo: 'c-0000',
  },
];

describe('envelope round trips', () => {
  for (const content of EVERY_KIND) {
    it(`seals and opens a ${content.type}${'remove' in content ? ' removal' : ''}`, async () => {
      const { seal, context } = await world();
      const opened = await openEnvelope(await seal(content), context());
      expect(opened.content).to.deep.equal(content);
      expect(opened.header).to.deep.equal({ version: 1, suite: 1, ...header });
    });
  }

  it('survives base64url transport (no padding characters)', async () => {
    const { seal, context } = await world();
    const text = toBase64Url(await seal({ type: 'text', text: 'über' }));
    expect(text).to.match(/^[A-Za-z0-9_-]+$/);
    const opened = await openEnvelope(fromBase64Url(text), context());
    expect(opened.content).to.deep.equal({ type: 'text', text: 'über' });
  });

  it('pads the plaintext so a reaction and a short text are the same size', async () => {
    const { seal } = await world();
    const reaction = decodeEnvelope(await seal({ type: 'reaction', target: 'c-0000', emoji: '👍' }));
    const text = decodeEnvelope(await seal({ type: 'text', text: 'ok' }));
    expect(reaction.ciphertext.length).to.equal(text.ciphertext.length);
    expect(reaction.ciphertext.length).to.equal(bucketFor(10) + 16);
  });

  it('keeps the event kind out of the header the server reads', async () => {
    const { seal } = await world();
    const bytes = await seal({ type: 'reaction', target: 'c-0000', emoji: '👍' });
    const { headerBytes } = decodeEnvelope(bytes);
    expect(new TextDecoder().decode(headerBytes)).not.to.contain('reaction');
  });

  it('refuses to seal content that no receiver would accept', async () => {
    const { seal } = await world();
    const bad = { type: 'poll', question: '?' } as unknown as EnvelopeContent;
    expect(await refusal(seal(bad))).to.equal('malformed');
  });
});

describe('envelope layout (PROTOCOL.md 1.6)', () => {
  it('puts each header field at its fixed offset, big-endian', async () => {
    const { seal } = await world();
    const bytes = await seal({ type: 'text', text: 'x' });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint8(0)).to.equal(1);
    expect(view.getUint8(1)).to.equal(1);
    expect(view.getUint32(2)).to.equal(3);
    expect(view.getUint32(6)).to.equal(7);
    expect(Number(view.getBigUint64(10))).to.equal(header.timestamp);
    expect(view.getUint8(18)).to.equal(9);
    expect(new TextDecoder().decode(bytes.subarray(19, 28))).to.equal('matter-42');
    const { headerBytes, ciphertext } = decodeEnvelope(bytes);
    const lengthAt = headerBytes.length + 12;
    expect(view.getUint32(lengthAt)).to.equal(ciphertext.length);
    expect(bytes.length).to.equal(lengthAt + 4 + ciphertext.length + 64);
  });

  it('decodes the header alone, as the server does, and re-encodes an envelope from its parts', async () => {
    const { seal } = await world();
    const bytes = await seal({ type: 'text', text: 'x' });
    expect(decodeEnvelopeHeader(bytes)).to.deep.equal({ version: 1, suite: 1, ...header });
    expect(encodeEnvelope(decodeEnvelope(bytes))).to.deep.equal(bytes);
  });

  it('opens an envelope assembled by hand from the documented layout and labels', async () => {
    const { alice, epoch3, context } = await world();
    const headerBytes = encodeHeader(header);
    const nonce = randomBytes(12);
    const plaintext = pad(utf8(JSON.stringify({ type: 'text', text: 'by hand' })));
    const ciphertext = await aesGcmEncrypt(epoch3.key, nonce, plaintext, headerBytes);
    const length = Uint8Array.of(0, 0, ciphertext.length >> 8, ciphertext.length & 0xff);
    const signed = concat(
      utf8('bm-secure-chat/v1 envelope'),
      Uint8Array.of(0),
      headerBytes,
      nonce,
      length,
      ciphertext,
    );
    const signature = await ecdsaSign(alice.signing.privateKey, signed);
    const bytes = concat(headerBytes, nonce, length, ciphertext, signature);
    expect((await openEnvelope(bytes, context())).content).to.deep.equal({ type: 'text', text: 'by hand' });
  });

  it('refuses a correctly signed and encrypted plaintext that is not a known event kind', async () => {
    const { alice, epoch3, context } = await world();
    const headerBytes = encodeHeader(header);
    const nonce = randomBytes(12);
    for (const json of ['{"type":"poll"}', '{"type":"text","text":5}', '[1]', 'not json']) {
      const ciphertext = await aesGcmEncrypt(epoch3.key, nonce, pad(utf8(json)), headerBytes);
      const length = Uint8Array.of(0, 0, ciphertext.length >> 8, ciphertext.length & 0xff);
      const signed = concat(
        utf8('bm-secure-chat/v1 envelope'),
        Uint8Array.of(0),
        headerBytes,
        nonce,
        length,
        ciphertext,
      );
      const signature = await ecdsaSign(alice.signing.privateKey, signed);
      const bytes = concat(headerBytes, nonce, length, ciphertext, signature);
      expect(await refusal(openEnvelope(bytes, context())), json).to.equal('malformed');
    }
  });

  it('parses strictly: trailing bytes, short data, a lying length, empty ids and sequence 0 are malformed', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    const { headerBytes } = decodeEnvelope(bytes);
    const lengthAt = headerBytes.length + 12;
    const longer = bytes.slice();
    new DataView(longer.buffer).setUint32(lengthAt, decodeEnvelope(bytes).ciphertext.length + 1);
    const tagless = bytes.slice();
    new DataView(tagless.buffer).setUint32(lengthAt, 15);
    const emptyThread = bytes.slice();
    emptyThread[18] = 0;
    const cases: Record<string, Uint8Array> = {
      'one byte short': bytes.slice(0, bytes.length - 1),
      'one trailing byte': concat(bytes, Uint8Array.of(0)),
      empty: new Uint8Array(0),
      'header only': headerBytes.slice(),
      'length longer than the data': longer,
      'ciphertext shorter than a tag': tagless,
      'empty thread id': emptyThread,
      'sequence 0': withHeader(bytes, { ...header, sequence: 0 }),
    };
    for (const [name, tampered] of Object.entries(cases)) {
      expect(() => decodeEnvelopeHeader(tampered), name)
        .to.throw(CryptoError)
        .with.property('reason', 'malformed');
      expect(await refusal(openEnvelope(tampered, context())), name).to.equal('malformed');
    }
    expect(() => encodeHeader({ ...header, clientMessageId: '' }))
      .to.throw(CryptoError)
      .with.property('reason', 'malformed');
  });

  it('refuses another version or suite by name', async () => {
    const { seal, context } = await world();
    const version = await seal({ type: 'text', text: 'secret' });
    version[0] = 2;
    expect(await refusal(openEnvelope(version, context()))).to.equal('version-unsupported');
    const suite = await seal({ type: 'text', text: 'secret' });
    suite[1] = 9;
    expect(await refusal(openEnvelope(suite, context()))).to.equal('suite-unsupported');
  });
});

describe('envelope tampering', () => {
  // A resolver that knows Alice's key under any name, so that only the signature can catch a changed field.
  const changes: Array<[string, Header, CryptoFailure]> = [
    ['epoch', { ...header, epoch: 4 }, 'signature-invalid'],
    ['sequence', { ...header, sequence: 8 }, 'signature-invalid'],
    ['timestamp', { ...header, timestamp: header.timestamp + 1 }, 'signature-invalid'],
    ['thread id', { ...header, threadId: 'matter-43' }, 'wrong-thread'],
    ['sender user id', { ...header, senderUserId: 'alicf' }, 'signature-invalid'],
    ['sender device id', { ...header, senderDeviceId: 'alice-laptoq' }, 'signature-invalid'],
    ['client message id', { ...header, clientMessageId: 'c-0002' }, 'signature-invalid'],
  ];
  for (const [field, changed, expected] of changes) {
    it(`refuses an envelope whose ${field} was changed (${expected}), without decrypting`, async () => {
      const { seal, context, alice } = await world();
      const bytes = withHeader(await seal({ type: 'text', text: 'secret' }), changed);
      let epochAsked = false;
      const reason = await refusal(
        openEnvelope(
          bytes,
          context({
            resolveDeviceKey: async () => alice.signing.publicKey,
            resolveEpochKey: async () => {
              epochAsked = true;
              return null;
            },
          }),
        ),
      );
      expect(reason).to.equal(expected);
      expect(epochAsked, 'the epoch key was looked up before the signature held').to.equal(false);
    });
  }

  it('refuses a changed sender device under the real device list as device-unknown', async () => {
    const { seal, context } = await world();
    const bytes = withHeader(await seal({ type: 'text', text: 'secret' }), {
      ...header,
      senderDeviceId: 'alice-laptoq',
    });
    expect(await refusal(openEnvelope(bytes, context()))).to.equal('device-unknown');
  });

  it('refuses a flipped bit in the nonce, the length, the ciphertext, the tag and the signature', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    const { headerBytes, ciphertext } = decodeEnvelope(bytes);
    const nonceAt = headerBytes.length;
    const ciphertextAt = nonceAt + 12 + 4;
    const signatureAt = ciphertextAt + ciphertext.length;
    const positions: Record<string, [number, CryptoFailure]> = {
      nonce: [nonceAt + 5, 'signature-invalid'],
      length: [nonceAt + 12 + 3, 'malformed'],
      ciphertext: [ciphertextAt + 3, 'signature-invalid'],
      tag: [signatureAt - 2, 'signature-invalid'],
      signature: [signatureAt + 10, 'signature-invalid'],
    };
    for (const [part, [at, expected]] of Object.entries(positions)) {
      const tampered = bytes.slice();
      tampered[at]! ^= 0x01;
      expect(await refusal(openEnvelope(tampered, context())), part).to.equal(expected);
    }
  });

  it("refuses a message signed by another device, even one holding the thread's key", async () => {
    const { seal, context, mallory } = await world();
    const forged = await seal(
      { type: 'text', text: 'pay to this account' },
      header,
      mallory.signing.privateKey,
    );
    expect(await refusal(openEnvelope(forged, context()))).to.equal('signature-invalid');
  });

  it('refuses a sender device that is not in the signed device list', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'hi' }, { ...header, senderDeviceId: 'ghost-device' });
    expect(await refusal(openEnvelope(bytes, context()))).to.equal('device-unknown');
  });

  it('refuses an envelope moved to another thread', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    expect(await refusal(openEnvelope(bytes, context({ expectedThreadId: 'matter-43' })))).to.equal(
      'wrong-thread',
    );
  });

  it('refuses an envelope whose epoch this device has no key for, and one sealed under another epoch key', async () => {
    const { seal, context, alice, epoch4 } = await world();
    const unknown = await seal({ type: 'text', text: 'secret' }, { ...header, epoch: 9 });
    expect(await refusal(openEnvelope(unknown, context()))).to.equal('epoch-unknown');
    // Signed correctly, but encrypted under epoch 4's key while claiming epoch 3.
    const mixed = await sealEnvelope({
      header,
      content: { type: 'text', text: 'secret' },
      epochKey: epoch4.key,
      signingKey: alice.signing.privateKey,
    });
    expect(await refusal(openEnvelope(mixed, context()))).to.equal('aad-mismatch');
  });

  it('refuses a header that names another sender than the server reported', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    const reason = await refusal(openEnvelope(bytes, context({ expectedSenderUserId: 'bob' })));
    expect(reason).to.equal('signature-invalid');
  });

  it('drops a replayed envelope by its sequence number and client message id', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'once' });
    const first = await openEnvelope(bytes, context());
    const { state } = checkMessage(emptyReplayState(), first.header);
    const again = await openEnvelope(bytes, context());
    expect(() => checkMessage(state, again.header))
      .to.throw(CryptoError)
      .with.property('reason', 'replayed');
  });
});
