import { expect } from '@open-wc/testing';
import { CryptoError, type CryptoFailure } from '../../src/crypto/errors.js';
import {
  decodeEnvelope,
  openEnvelope,
  sealEnvelope,
  type EnvelopeContent,
  type EnvelopeHeader,
} from '../../src/crypto/envelope.js';
import { generateEpochKey } from '../../src/crypto/epoch.js';
import { generateDeviceKeys } from '../../src/crypto/keys.js';
import { bucketFor } from '../../src/crypto/padding.js';
import { acceptSequence, checkSequence, emptyReplayState } from '../../src/crypto/replay.js';

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

/** Header field offsets in the fixed layout of PROTOCOL.md. */
const OFFSETS = { version: 0, suite: 1, epoch: 2, sequence: 6, timestamp: 10, threadIdLength: 18 };

describe('envelopes', () => {
  it('round-trips every event kind', async () => {
    const { seal, context } = await world();
    const contents = [
      { type: 'text', text: 'Hello', mentions: ['bob'] },
      { type: 'reply', target: 'c-0000', text: 'Yes' },
      { type: 'edit', target: 'c-0000', text: 'Hello!' },
      { type: 'delete', target: 'c-0000' },
      { type: 'reaction', target: 'c-0000', emoji: '👍' },
      { type: 'attachment', blobId: 'b1', name: 'brief.pdf', mime: 'application/pdf', size: 1234, key: 'k' },
    ];
    for (const content of contents) {
      const opened = await openEnvelope(await seal(content), context());
      expect(opened.content).to.deep.equal(content);
      expect(opened.header).to.include({
        epoch: 3,
        sequence: 7,
        threadId: 'matter-42',
        clientMessageId: 'c-0001',
      });
    }
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

  for (const [field, offset] of Object.entries(OFFSETS).filter(([f]) => f !== 'version' && f !== 'suite')) {
    it(`refuses an envelope whose header ${field} was changed`, async () => {
      const { seal, context } = await world();
      const bytes = await seal({ type: 'text', text: 'secret' });
      bytes[offset + (field === 'threadIdLength' ? 1 : 3)]! ^= 0x01;
      const reason = await refusal(openEnvelope(bytes, context()));
      expect(['signature-invalid', 'wrong-thread', 'malformed']).to.include(reason);
    });
  }

  it('refuses a changed version or suite by name', async () => {
    const { seal, context } = await world();
    const version = await seal({ type: 'text', text: 'secret' });
    version[0] = 2;
    expect(await refusal(openEnvelope(version, context()))).to.equal('version-unsupported');
    const suite = await seal({ type: 'text', text: 'secret' });
    suite[1] = 9;
    expect(await refusal(openEnvelope(suite, context()))).to.equal('suite-unsupported');
  });

  it('refuses a changed sender user id, device id or client message id', async () => {
    const { seal, context } = await world();
    const original = await seal({ type: 'text', text: 'secret' });
    const text = new TextDecoder('latin1').decode(original);
    for (const value of ['alice-laptop', 'c-0001']) {
      const bytes = original.slice();
      const at = text.indexOf(value);
      bytes[at + value.length - 1]! ^= 0x01;
      expect(await refusal(openEnvelope(bytes, context()))).to.be.oneOf([
        'signature-invalid',
        'device-unknown',
      ]);
    }
  });

  it('refuses a flipped bit in the ciphertext, in the tag and in the nonce', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    const { headerBytes, ciphertext } = decodeEnvelope(bytes);
    const nonceAt = headerBytes.length;
    const ciphertextAt = nonceAt + 12 + 4;
    for (const at of [nonceAt + 5, ciphertextAt + 3, ciphertextAt + ciphertext.length - 2]) {
      const tampered = bytes.slice();
      tampered[at]! ^= 0x80;
      expect(await refusal(openEnvelope(tampered, context()))).to.equal('signature-invalid');
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

  it('refuses truncated, extended and empty envelopes as malformed', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    expect(await refusal(openEnvelope(bytes.slice(0, bytes.length - 1), context()))).to.equal('malformed');
    expect(await refusal(openEnvelope(new Uint8Array([...bytes, 0]), context()))).to.equal('malformed');
    expect(await refusal(openEnvelope(new Uint8Array(0), context()))).to.equal('malformed');
  });

  it('refuses a header that names another sender than the server reported', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'secret' });
    const reason = await refusal(openEnvelope(bytes, context({ expectedSenderUserId: 'bob' })));
    expect(reason).to.equal('signature-invalid');
  });

  it('drops a replayed envelope by its sequence number', async () => {
    const { seal, context } = await world();
    const bytes = await seal({ type: 'text', text: 'once' });
    let state = emptyReplayState();
    const first = await openEnvelope(bytes, context());
    const verdict1 = acceptSequence(state, first.header.sequence);
    state = verdict1.state;
    const again = await openEnvelope(bytes, context());
    const verdict2 = acceptSequence(state, again.header.sequence);
    expect(verdict1.status).to.equal('new');
    expect(verdict2.status).to.equal('duplicate');
    expect(() => checkSequence(state, again.header.sequence))
      .to.throw(CryptoError)
      .with.property('reason', 'replayed');
  });
});
