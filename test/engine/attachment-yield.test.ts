import { expect } from '@open-wc/testing';
import { CryptoError } from '../../src/crypto/errors.js';
import { fileCrypto, setFileCryptoPlace } from '../../src/engine/security/attachment-crypto.js';

const RealWorker = globalThis.Worker;

/** Counts the tasks the page gets to run until `work` settles, by a ping that reschedules itself. */
async function tasksDuring(work: Promise<unknown>): Promise<number> {
  let ticks = 0;
  let done = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    ticks++;
    if (!done) channel.port2.postMessage(null);
  };
  channel.port2.postMessage(null);
  try {
    await work;
  } finally {
    done = true;
    channel.port1.close();
  }
  return ticks;
}

function randomFile(bytes: number): Blob {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  return new Blob([data]);
}

async function bytesOf(blob: Blob): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await blob.arrayBuffer());
}

async function seal(plain: Blob, signal?: AbortSignal) {
  const prepared = await fileCrypto.prepare(plain, 'application/octet-stream');
  return prepared.encrypt(signal);
}

/** Replaces the page's Worker constructor while `body` runs; `make` builds each worker the widget asks for. */
async function withWorker<T>(
  make: (url: string | URL, options?: WorkerOptions) => Worker,
  body: () => Promise<T>,
): Promise<T> {
  const original = globalThis.Worker;
  globalThis.Worker = function (url: string | URL, options?: WorkerOptions) {
    return make(url, options);
  } as unknown as typeof Worker;
  try {
    return await body();
  } finally {
    globalThis.Worker = original;
  }
}

describe('file crypto in the file worker', () => {
  afterEach(() => setFileCryptoPlace('auto'));

  it('seals in a worker, and what it sealed opens on the page to the same bytes and hash', async () => {
    const plain = randomFile(3 * 1024 * 1024 + 5);
    const started: string[] = [];
    const sealed = await withWorker(
      (url, options) => {
        started.push(String(url));
        return new RealWorker(url, options);
      },
      () => seal(plain),
    );
    expect(started).to.have.length(1);
    expect(started[0]).to.match(/file-worker/);
    setFileCryptoPlace('page');
    const opened = await fileCrypto.open(sealed.blob, sealed.key);
    expect(await bytesOf(opened.blob)).to.deep.equal(await bytesOf(plain));
    expect(opened.size).to.equal(plain.size);
    expect(opened.sha256).to.equal(sealed.sha256);
  });

  it('opens in a worker what the page sealed', async () => {
    const plain = randomFile(100_000);
    setFileCryptoPlace('page');
    const sealed = await seal(plain);
    setFileCryptoPlace('auto');
    let workers = 0;
    const opened = await withWorker(
      (url, options) => {
        workers++;
        return new RealWorker(url, options);
      },
      () => fileCrypto.open(sealed.blob, sealed.key),
    );
    expect(workers).to.equal(1);
    expect(await bytesOf(opened.blob)).to.deep.equal(await bytesOf(plain));
    expect(opened.sha256).to.equal(sealed.sha256);
  });

  it('refuses a flipped bit with a typed CryptoError that crosses back from the worker', async () => {
    const sealed = await seal(randomFile(40_000));
    const bytes = await bytesOf(sealed.blob);
    bytes[100]! ^= 1;
    const error = await fileCrypto.open(new Blob([bytes]), sealed.key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CryptoError);
    expect((error as CryptoError).reason).to.equal('decrypt-failed');
  });

  it('refuses the wrong key before any chunk (commitment-mismatch)', async () => {
    const sealed = await seal(randomFile(40_000));
    const other = await seal(randomFile(10));
    const error = await fileCrypto.open(sealed.blob, other.key).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CryptoError);
    expect((error as CryptoError).reason).to.equal('commitment-mismatch');
  });

  it('refuses a truncated file (its short final chunk cut off)', async () => {
    // Two full 16 KiB chunks and a final one of 7,232 bytes (and its 16-byte tag).
    const sealed = await seal(randomFile(40_000));
    const error = await fileCrypto
      .open(sealed.blob.slice(0, sealed.blob.size - (40_000 - 2 * 16384) - 16), sealed.key)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CryptoError);
    expect((error as CryptoError).reason).to.equal('truncated');
  });

  it('stops the worker when the send is cancelled, and rejects with the reason', async () => {
    const terminated: Worker[] = [];
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const error = await withWorker(
      (url, options) => {
        const worker = new RealWorker(url, options);
        const terminate = worker.terminate.bind(worker);
        worker.terminate = () => {
          terminated.push(worker);
          terminate();
        };
        // Cancel as soon as the job is handed over.
        const post = worker.postMessage.bind(worker);
        worker.postMessage = ((message: unknown) => {
          post(message);
          controller.abort(reason);
        }) as Worker['postMessage'];
        return worker;
      },
      () => seal(randomFile(8 * 1024 * 1024), controller.signal).catch((e: unknown) => e),
    );
    expect(error).to.equal(reason);
    expect(terminated).to.have.length(1);
  });

  it('seals on the page when no worker may start (a CSP or Trusted Types refusal), and says nothing', async () => {
    const plain = randomFile(50_000);
    let tried = 0;
    const sealed = await withWorker(
      () => {
        tried++;
        throw new TypeError("This document requires 'TrustedScriptURL' assignment.");
      },
      () => seal(plain),
    );
    expect(tried).to.equal(1);
    setFileCryptoPlace('page');
    const opened = await fileCrypto.open(sealed.blob, sealed.key);
    expect(await bytesOf(opened.blob)).to.deep.equal(await bytesOf(plain));
  });

  it('seals on the page when the worker script does not load, and does not try again for the next file', async () => {
    const plain = randomFile(50_000);
    let tried = 0;
    const results = await withWorker(
      (_url, options) => {
        tried++;
        return new RealWorker('/no-such-worker.js', options);
      },
      async () => [await seal(plain), await seal(plain)],
    );
    expect(tried).to.equal(1);
    setFileCryptoPlace('page');
    for (const sealed of results) {
      expect(await bytesOf((await fileCrypto.open(sealed.blob, sealed.key)).blob)).to.deep.equal(
        await bytesOf(plain),
      );
    }
  });
});

describe('file crypto on the page (the fallback) leaves the page responsive', () => {
  before(() => setFileCryptoPlace('page'));
  after(() => setFileCryptoPlace('auto'));

  it('lets other tasks run between megabytes while hashing and encrypting 8 MB', async () => {
    const prepared = await fileCrypto.prepare(randomFile(8 * 1024 * 1024), 'application/octet-stream');
    const ticks = await tasksDuring(prepared.encrypt());
    // One yield per megabyte at least; without them the whole file is one task.
    expect(ticks).to.be.at.least(7);
  });
});
