import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { LiveEvent } from '../../src/adapter/types.js';
import { runAdapterContract, text, textOf } from './contract.js';

const MAX_UPLOAD = 1000;

function world() {
  const hub = new MemoryHub({ capabilities: { maxUploadBytes: MAX_UPLOAD } });
  for (const id of ['alice', 'bob', 'eve'])
    hub.addUser({ id, displayName: id[0]!.toUpperCase() + id.slice(1) });
  return {
    hub,
    alice: hub.adapterFor('alice'),
    bob: hub.adapterFor('bob'),
    eve: hub.adapterFor('eve'),
    ids: { alice: 'alice', bob: 'bob', eve: 'eve' },
    maxUploadBytes: MAX_UPLOAD,
  };
}

runAdapterContract('MemoryAdapter', async () => world());

describe('MemoryAdapter', () => {
  it('resumes live events after a cursor without repeats', async () => {
    const { alice, bob } = world();
    const thread = await alice.createThread({ title: 'T', participantIds: ['bob'], encrypted: false });
    const seen: LiveEvent[] = [];
    const first = bob.subscribe((e) => seen.push(e));
    await alice.sendMessage(thread.id, { clientId: 'c1', body: text('one') });
    await new Promise((r) => setTimeout(r, 0));
    first.unsubscribe();
    const lastCursor = seen.at(-1)!.cursor;
    await alice.sendMessage(thread.id, { clientId: 'c2', body: text('two') });
    const resumed: LiveEvent[] = [];
    bob.subscribe((e) => resumed.push(e), { after: lastCursor });
    await new Promise((r) => setTimeout(r, 0));
    expect(resumed.flatMap((e) => (e.type === 'message' ? [textOf(e.message.body)] : []))).to.deep.equal([
      'two',
    ]);
  });

  it('refuses an adapter for a user the hub does not know', () => {
    const { hub } = world();
    expect(() => hub.adapterFor('mallory')).to.throw('No user mallory');
  });
});
