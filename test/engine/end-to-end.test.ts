import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { person } from './people.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';

describe('two people in an encrypted thread (engine, vaults and crypto real; backend in memory)', () => {
  afterEach(cleanUpVaults);

  it('delivers a message Bob can read while the backend holds only ciphertext', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: bob, displayName: 'Bob' });
    const a = await person(hub, alice);
    const b = await person(hub, bob);

    const threadId = await a.engine.createThread({
      title: 'Matter 42',
      participantIds: [bob],
      encrypted: true,
    });
    await until(() => !!b.state.$threads.get()[threadId]);
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'The settlement offer is 40,000.');
    await b.engine.openThread(threadId);
    await until(() => b.state.$openThreadMessages.get().some((m) => m.text.includes('settlement')));
    const [message] = b.state.$openThreadMessages.get();
    expect(message!.text).to.equal('The settlement offer is 40,000.');
    expect(message!.senderId).to.equal(alice);

    const stored = await hub.adapterFor(alice).listMessages(threadId);
    expect(stored.items).to.have.length(1);
    expect(stored.items[0]!.body.kind).to.equal('envelope');
    expect(JSON.stringify(stored.items)).not.to.contain('settlement');
    a.engine.stop();
    b.engine.stop();
  });

  it('shows Alice her own message as sent, not pending, once the backend stored it', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    hub.addUser({ id: alice, displayName: 'Alice' });
    const a = await person(hub, alice);
    const threadId = await a.engine.createThread({ title: 'Notes', participantIds: [], encrypted: true });
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'note to self');
    await until(() => a.state.$openThreadMessages.get()[0]?.status === 'sent');
    expect(a.state.$openThreadMessages.get()[0]!.text).to.equal('note to self');
    expect(await a.vault.outbox.list()).to.deep.equal([]);
    a.engine.stop();
  });
});
