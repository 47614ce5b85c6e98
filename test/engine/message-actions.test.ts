import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { AdapterError, type ChatAdapter } from '../../src/adapter/types.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { person as makePerson, type PersonOptions } from './people.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';

const running: ChatEngine[] = [];
async function stopAll(): Promise<void> {
  for (const engine of running.splice(0)) engine.stop();
  // A send or flush in flight finishes before its vault is closed and deleted.
  await new Promise((r) => setTimeout(r, 100));
  await cleanUpVaults();
}

/** A person whose engine is stopped after each test. */
const person = (hub: MemoryHub, userId: string, options: PersonOptions = {}) =>
  makePerson(hub, userId, { ...options, onEngine: (engine) => running.push(engine) });

function world() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  return { hub, alice, bob };
}

/** An adapter whose sends fail for good (not retryable) while `failing.on`, and wait while `held` is set. */
function flaky(failing: { on: boolean; held?: Promise<void> }) {
  return (adapter: ChatAdapter): ChatAdapter =>
    new Proxy(adapter, {
      get(target, name) {
        if (name === 'sendMessage') {
          return async (...args: Parameters<ChatAdapter['sendMessage']>) => {
            if (failing.on) throw new AdapterError('forbidden', 'refused', 403);
            await failing.held;
            return target.sendMessage(...args);
          };
        }
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
}

for (const encrypted of [true, false]) {
  describe(`message actions between two engines (${encrypted ? 'encrypted' : 'plain'} thread)`, () => {
    afterEach(stopAll);

    it('delivers a reply, an edit with mentions, a delete and reaction toggles to the other person', async () => {
      const { hub, alice, bob } = world();
      const a = await person(hub, alice);
      const b = await person(hub, bob);
      const threadId = await a.engine.createThread({ title: 'T', participantIds: [bob], encrypted });
      await until(() => !!b.state.$threads.get()[threadId]);
      await a.engine.openThread(threadId);
      await b.engine.openThread(threadId);

      await a.engine.sendText(threadId, 'first');
      await until(() => b.state.$openThreadMessages.get().length === 1);
      const first = b.state.$openThreadMessages.get()[0]!.clientId;
      await b.engine.sendText(threadId, 'answer @Alice', { replyTo: first, mentions: [alice] });
      await a.engine.editMessage(threadId, first, 'first, fixed @Bob', { mentions: [bob] });
      await b.engine.react(threadId, first, '👍');
      await a.engine.react(threadId, first, '👍');
      await until(() => b.state.$openThreadMessages.get()[0]!.reactions[0]?.userIds.length === 2);
      await a.engine.react(threadId, first, '👍', true);

      await until(() => {
        const [edited] = b.state.$openThreadMessages.get();
        return edited!.edited && edited!.reactions[0]?.userIds.length === 1;
      });
      const [edited, reply] = b.state.$openThreadMessages.get();
      expect(edited).to.include({ text: 'first, fixed @Bob', edited: true });
      expect(edited!.mentions).to.deep.equal([bob]);
      expect(edited!.reactions).to.deep.equal([{ emoji: '👍', userIds: [bob] }]);
      expect(reply).to.include({ text: 'answer @Alice', replyTo: first });
      expect(reply!.mentions).to.deep.equal([alice]);

      await a.engine.deleteMessage(threadId, first);
      await until(() => b.state.$openThreadMessages.get()[0]!.deleted);
      expect(b.state.$openThreadMessages.get()[0]).to.include({ text: '', deleted: true });
      expect(b.state.$openThreadMessages.get()[0]!.reactions).to.deep.equal([]);
    });
  });
}

describe('engine: read state, retry, discard and older history', () => {
  afterEach(stopAll);

  it("keeps another participant's read position that arrives while this user's own markRead is in flight", async () => {
    const { hub, alice, bob } = world();
    const a = await person(hub, alice);
    const b = await person(hub, bob);
    const threadId = await a.engine.createThread({ title: 'T', participantIds: [bob], encrypted: false });
    await until(() => !!b.state.$threads.get()[threadId]);
    await a.engine.sendText(threadId, 'one');
    await until(() => (b.state.$threads.get()[threadId]?.lastSeq ?? 0) === 1);
    await until(() => a.state.$threads.get()[threadId]!.lastSeq === 1);

    await Promise.all([b.engine.markRead(threadId), a.engine.markRead(threadId)]);
    await until(() => a.state.$threads.get()[threadId]!.participants.some((p) => p.userId === bob));
    await new Promise((r) => setTimeout(r, 50));
    const bobSeen = a.state.$threads.get()[threadId]!.participants.find((p) => p.userId === bob)!;
    expect(bobSeen.readUpTo).to.equal(1);
  });

  it('marks the open thread read when a new message arrives, so the sender sees it read', async () => {
    const { hub, alice, bob } = world();
    const a = await person(hub, alice);
    const b = await person(hub, bob);
    const threadId = await a.engine.createThread({ title: 'T', participantIds: [bob], encrypted: true });
    await until(() => !!b.state.$threads.get()[threadId]);
    await b.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'are you there?');
    const readByBob = () =>
      a.state.$threads.get()[threadId]!.participants.find((p) => p.userId === bob)!.readUpTo;
    await until(() => readByBob() === 1);
    expect(b.state.$threads.get()[threadId]!.unreadCount).to.equal(0);
  });

  it('shows a retried message as pending at once, then sent; a discarded one leaves timeline and outbox', async () => {
    const { hub, alice } = world();
    let release = () => {};
    const failing: { on: boolean; held?: Promise<void> } = { on: true };
    const a = await person(hub, alice, { wrap: flaky(failing) });
    const threadId = await a.engine.createThread({ title: 'T', participantIds: [], encrypted: false });
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'keep me');
    await a.engine.sendText(threadId, 'drop me');
    await until(() => a.state.$openThreadMessages.get().every((m) => m.status === 'failed'));
    const [keep, drop] = a.state.$openThreadMessages.get();

    failing.on = false;
    failing.held = new Promise((resolve) => (release = resolve));
    const retried = a.engine.retrySend(keep!.clientId);
    await until(() => a.state.$openThreadMessages.get()[0]!.status === 'pending');
    release();
    await retried;
    await until(() => a.state.$openThreadMessages.get()[0]!.status === 'sent');

    await a.engine.discardSend(drop!.clientId);
    expect(a.state.$openThreadMessages.get().map((m) => m.text)).to.deep.equal(['keep me']);
    expect(await a.vault.outbox.list()).to.deep.equal([]);
    const stored = await hub.adapterFor(alice).listMessages(threadId);
    expect(stored.items.map((m) => m.clientId)).to.deep.equal([keep!.clientId]);
  });

  it('loads older history page by page until there is none', async () => {
    const { hub, alice, bob } = world();
    const thread = await hub
      .adapterFor(bob)
      .createThread({ title: 'T', participantIds: [alice], encrypted: false });
    for (let i = 1; i <= 5; i++) {
      await hub.adapterFor(bob).sendMessage(thread.id, {
        clientId: `m${i}`,
        body: { kind: 'plain', content: { type: 'text', text: `m${i}` } },
      });
    }
    const a = await person(hub, alice, { pageSize: 2 });
    await a.engine.openThread(thread.id);
    const texts = () => a.state.$openThreadMessages.get().map((m) => m.text);
    expect(texts()).to.deep.equal(['m4', 'm5']);
    expect(a.state.$hasOlder.get()[thread.id]).to.equal(true);
    await a.engine.loadOlder(thread.id);
    expect(texts()).to.deep.equal(['m2', 'm3', 'm4', 'm5']);
    await a.engine.loadOlder(thread.id);
    expect(texts()).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(a.state.$hasOlder.get()[thread.id]).to.equal(false);
    await a.engine.loadOlder(thread.id);
    expect(texts()).to.have.length(5);
  });
});
