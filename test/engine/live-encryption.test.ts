import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { EncryptedThreads } from '../../src/engine/security/thread-security.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { createChatState } from '../../src/state/chat-state.js';
import { cleanUpVaults, openTestVault, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';
import { person } from './people.js';

/** A page that has not touched encryption yet: its device keys are not published when it starts. */
async function freshPage(hub: MemoryHub, userId: string) {
  const adapter = hub.adapterFor(userId);
  const vault = await openTestVault(userId);
  const state = createChatState();
  const security = new EncryptedThreads({ adapter, vault, userId });
  const engine = new ChatEngine({
    adapter,
    state,
    outboxStore: vaultOutboxStore(vault),
    loadSecurity: async () => security,
  });
  await engine.start();
  return { engine, state };
}

describe('a thread that becomes encrypted while the page is open', () => {
  afterEach(cleanUpVaults);

  it('publishes this device’s keys at once, so the next message sealed to the thread is readable here', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: bob, displayName: 'Bob' });
    const a = await person(hub, alice);
    const b = await freshPage(hub, bob);
    const threadId = await a.engine.createThread({ title: 'Plain', participantIds: [bob], encrypted: false });
    await until(() => !!b.state.$threads.get()[threadId]);
    expect(await hub.adapterFor(alice).fetchKeys([bob])).to.deep.equal([]);

    await a.engine.enableEncryption(threadId);
    await until(() => b.state.$threads.get()[threadId]?.encrypted === true);
    let bundles = await hub.adapterFor(alice).fetchKeys([bob]);
    for (let tries = 0; bundles.length === 0 && tries < 250; tries++) {
      await new Promise((r) => setTimeout(r, 20));
      bundles = await hub.adapterFor(alice).fetchKeys([bob]);
    }
    expect(bundles).to.have.length(1);

    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'Privileged from here on.');
    await b.engine.openThread(threadId);
    await until(() => b.state.$openThreadMessages.get().some((m) => m.text === 'Privileged from here on.'));
    a.engine.stop();
    b.engine.stop();
  });
});
