import { expect } from '@open-wc/testing';
import { fileCrypto } from '../../src/engine/security/attachment-crypto.js';

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

describe('sealing a large file leaves the page responsive', () => {
  it('lets other tasks run between megabytes while hashing and encrypting 8 MB', async () => {
    const bytes = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const prepared = await fileCrypto.prepare(new Blob([bytes]), 'application/octet-stream');
    const ticks = await tasksDuring(prepared.encrypt());
    // One yield per megabyte at least; without them the whole file is one task.
    expect(ticks).to.be.at.least(7);
  });
});
