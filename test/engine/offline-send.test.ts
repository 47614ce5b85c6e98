import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { AdapterError, type ChatAdapter } from '../../src/adapter/types.js';
import { person } from './people.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';

/** An adapter whose every call fails as a dropped network does while `offline.on` is set. */
function unplugged(adapter: ChatAdapter, offline: { on: boolean }): ChatAdapter {
  return new Proxy(adapter, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'subscribe') return value;
      return (...args: unknown[]) =>
        offline.on
          ? Promise.reject(new AdapterError('network', 'Failed to fetch'))
          : value.apply(target, args);
    },
  });
}

describe('sending in an encrypted thread while the server cannot be reached', () => {
  afterEach(cleanUpVaults);

  it('shows the message as sending, then seals and delivers it once when the server answers again', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const bob = uniqueUserId('bob');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: bob, displayName: 'Bob' });
    const offline = { on: false };
    const a = await person(hub, alice, { wrap: (adapter) => unplugged(adapter, offline) });
    const b = await person(hub, bob);
    const threadId = await a.engine.createThread({
      title: 'Matter 7',
      participantIds: [bob],
      encrypted: true,
    });
    await a.engine.openThread(threadId);

    offline.on = true;
    await a.engine.sendText(threadId, 'Written in the lift.');
    const [pending] = a.state.$openThreadMessages.get();
    expect(pending?.text).to.equal('Written in the lift.');
    expect(pending?.status).to.equal('pending');
    expect((await hub.adapterFor(bob).listMessages(threadId)).items).to.have.length(0);

    offline.on = false;
    await until(() => a.state.$openThreadMessages.get()[0]?.status === 'sent');
    await b.engine.openThread(threadId);
    await until(() => b.state.$openThreadMessages.get().length > 0);
    expect(b.state.$openThreadMessages.get().map((m) => m.text)).to.deep.equal(['Written in the lift.']);
    const stored = await hub.adapterFor(bob).listMessages(threadId);
    expect(stored.items).to.have.length(1);
    expect(stored.items[0]!.body.kind).to.equal('envelope');
    a.engine.stop();
    b.engine.stop();
  });
});
