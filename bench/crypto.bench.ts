// Benchmarks of the crypto layer, run in a real headless Chromium by scripts/bench-crypto.mjs.
// Each returns figures with a baseline measured in the same run where one exists.
import { createEncryptStream } from '../src/crypto/chunked.js';
import { openEnvelope, sealEnvelope } from '../src/crypto/envelope.js';
import { generateEpochKey, sealEpochKeyToMany } from '../src/crypto/epoch.js';
import { generateDeviceKeys } from '../src/crypto/keys.js';
import { exportSpki } from '../src/crypto/primitives.js';
import { decodeEnvelope } from '../src/crypto/envelope.js';
import { buffer } from '../src/crypto/encoding.js';

const subtle = crypto.subtle;

export async function openEnvelopes(count: number) {
  const device = await generateDeviceKeys();
  const epoch = await generateEpochKey();
  const text = 'x'.repeat(900); // pads to the 1 KiB bucket
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    envelopes.push(
      await sealEnvelope({
        header: {
          epoch: 1,
          sequence: i + 1,
          timestamp: Date.now(),
          threadId: 'bench-thread',
          senderUserId: 'alice',
          senderDeviceId: 'alice-device',
          clientMessageId: `c${i}`,
        },
        content: { type: 'text', text },
        epochKey: epoch.key,
        signingKey: device.signing.privateKey,
      }),
    );
  }
  const parts = envelopes.map((bytes) => decodeEnvelope(bytes));
  const label = new TextEncoder().encode('bm-secure-chat/v1 envelope\0');
  const signedParts = parts.map((p) => {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, p.ciphertext.length);
    const out = new Uint8Array(label.length + p.headerBytes.length + 12 + 4 + p.ciphertext.length);
    out.set(label, 0);
    out.set(p.headerBytes, label.length);
    out.set(p.nonce, label.length + p.headerBytes.length);
    out.set(length, label.length + p.headerBytes.length + 12);
    out.set(p.ciphertext, label.length + p.headerBytes.length + 16);
    return out;
  });
  const batch = 100;
  const context = {
    expectedThreadId: 'bench-thread',
    resolveEpochKey: async () => epoch.key,
    resolveDeviceKey: async () => device.signing.publicKey,
  };

  // Baseline: the bare Web Crypto calls an envelope needs, one ECDSA verify and one AES-GCM decrypt.
  const bareSlice = async (from: number, to: number) => {
    for (let i = from; i < to; i += batch) {
      await Promise.all(
        parts.slice(i, Math.min(i + batch, to)).map(async (p, j) => {
          await subtle.verify(
            { name: 'ECDSA', hash: 'SHA-256' },
            device.signing.publicKey,
            buffer(p.signature),
            signedParts[i + j]!,
          );
          await subtle.decrypt(
            { name: 'AES-GCM', iv: buffer(p.nonce), additionalData: buffer(p.headerBytes) },
            epoch.key,
            buffer(p.ciphertext),
          );
        }),
      );
    }
  };
  const oursSlice = async (from: number, to: number) => {
    for (let i = from; i < to; i += batch) {
      await Promise.all(
        envelopes.slice(i, Math.min(i + batch, to)).map((bytes) => openEnvelope(bytes, context)),
      );
    }
  };

  // The machine is shared: the two sides alternate in rounds over the same envelopes, each going first in
  // every other round, so that a change of load falls on both alike.
  const rounds = 10;
  let bare = 0;
  let ours = 0;
  for (let round = 0; round < rounds; round++) {
    const from = Math.floor((round * count) / rounds);
    const to = Math.floor(((round + 1) * count) / rounds);
    const timed = async (run: (a: number, b: number) => Promise<void>) => {
      const t = performance.now();
      await run(from, to);
      return performance.now() - t;
    };
    if (round % 2 === 0) {
      bare += await timed(bareSlice);
      ours += await timed(oursSlice);
    } else {
      ours += await timed(oursSlice);
      bare += await timed(bareSlice);
    }
  }
  return { count, bareMs: bare, oursMs: ours, ratio: ours / bare };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.length;
  }
}

function source(totalBytes: number, pieceBytes: number, fill?: Uint8Array): ReadableStream<Uint8Array> {
  let produced = 0;
  return new ReadableStream({
    pull(controller) {
      if (produced >= totalBytes) return controller.close();
      const size = Math.min(pieceBytes, totalBytes - produced);
      const piece = fill ? fill.subarray(produced, produced + size) : new Uint8Array(size);
      produced += size;
      controller.enqueue(piece);
    },
  });
}

export async function chunkedThroughput(megabytes: number) {
  const total = megabytes * 1024 * 1024;
  const plain = new Uint8Array(total);
  for (let i = 0; i < total; i += 65536)
    crypto.getRandomValues(plain.subarray(i, Math.min(total, i + 65536)));
  const rawKey = crypto.getRandomValues(new Uint8Array(32));
  const key = await subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);

  const t0 = performance.now();
  await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, plain);
  const oneShot = performance.now() - t0;

  const t1 = performance.now();
  const out = await drain(source(total, 1024 * 1024, plain).pipeThrough(createEncryptStream(rawKey)));
  const streamed = performance.now() - t1;
  return {
    megabytes,
    oneShotMs: oneShot,
    streamedMs: streamed,
    oneShotMBps: megabytes / (oneShot / 1000),
    streamedMBps: megabytes / (streamed / 1000),
    ratio: oneShot / streamed,
    outputBytes: out,
  };
}

/** Streams `megabytes` of data generated on the fly through encryption; the runner samples the heap meanwhile. */
export async function chunkedStreamLarge(megabytes: number) {
  const t0 = performance.now();
  const out = await drain(
    source(megabytes * 1024 * 1024, 1024 * 1024).pipeThrough(
      createEncryptStream(crypto.getRandomValues(new Uint8Array(32))),
    ),
  );
  return { megabytes, ms: performance.now() - t0, outputBytes: out };
}

export async function sealToDevices(count: number) {
  const targets = [];
  for (let i = 0; i < count; i++) {
    const pair = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as CryptoKeyPair;
    targets.push({ recipientId: `device-${i}`, hpkeKey: await exportSpki(pair.publicKey) });
  }
  const epoch = await generateEpochKey();
  const t0 = performance.now();
  const sealed = await sealEpochKeyToMany(epoch.raw, 'bench-thread', 1, targets);
  return { devices: count, ms: performance.now() - t0, sealed: sealed.length };
}
