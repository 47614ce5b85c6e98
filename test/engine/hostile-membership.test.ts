import { expect } from '@open-wc/testing';
import type { ChatAdapter, Participant } from '../../src/adapter/types.js';
import { cleanUpVaults } from '../vault/helpers.js';
import { until } from '../until.js';
import { HostileServer } from './hostile-server.js';
import { ThreadLies } from './hostile-threads.js';
import { hubWith, person } from './people.js';

type Person = Awaited<ReturnType<typeof person>>;

const texts = (p: Person) => p.state.$openThreadMessages.get().map((m) => m.text);

/** Alice and Bob (Bob's server lies as told) and, when asked, Carol; each with their own vault. */
async function people(options: { carol?: boolean } = {}) {
  const {
    hub,
    ids: [alice, bob, carol],
  } = hubWith('alice', 'bob', 'carol');
  const lies = { alice: new ThreadLies(), bob: new ThreadLies() };
  const recorded = { alice: new HostileServer(), bob: new HostileServer() };
  const wrap = (who: 'alice' | 'bob') => (adapter: ChatAdapter) =>
    recorded[who].wrap(lies[who].wrap(adapter));
  const a = await person(hub, alice, { wrap: wrap('alice') });
  const b = await person(hub, bob, { wrap: wrap('bob') });
  const c = options.carol ? await person(hub, carol) : null;
  return { hub, alice, bob, carol, a, b, c, lies, recorded };
}

describe('a server that moves things between threads or undoes a removal (engine; vaults and crypto real)', () => {
  afterEach(cleanUpVaults);

  it('refuses an envelope the server moved into another thread, and says why', async () => {
    const { bob, a, b, lies } = await people();
    const secret = await a.engine.createThread({ title: 'Secret', participantIds: [bob], encrypted: true });
    const other = await a.engine.createThread({ title: 'Other', participantIds: [bob], encrypted: true });
    await a.engine.sendText(secret, 'only for the secret thread');
    await a.engine.sendText(other, 'for the other thread');
    lies.bob.moveEnvelopes = { from: secret, to: other };
    await until(() => !!b.state.$threads.get()[other]);
    await b.engine.openThread(other);
    await until(() => b.state.$openThreadMessages.get().length === 2, 5000, 'both rows');
    const moved = b.state.$openThreadMessages.get().find((m) => m.text !== 'for the other thread')!;
    expect(moved.kind).to.equal('undecryptable');
    expect(moved.failure).to.deep.equal({ reason: 'wrong-thread', expected: false });
    expect(texts(b)).to.include('for the other thread');
    expect(texts(b)).not.to.include('only for the secret thread');
    a.engine.stop();
    b.engine.stop();
  });

  for (const announcement of ['own', 'target'] as const) {
    it(`refuses a sealed epoch key the server moved to another thread (with the ${announcement === 'own' ? 'key’s own' : 'other thread’s'} announcement)`, async () => {
      const { bob, a, b, lies } = await people();
      const secret = await a.engine.createThread({ title: 'Secret', participantIds: [bob], encrypted: true });
      const other = await a.engine.createThread({ title: 'Other', participantIds: [bob], encrypted: true });
      // Bob's copy of the other thread's key is replaced by his copy of the secret thread's key.
      lies.bob.moveSealedKeys = { from: secret, to: other, announcement };
      await a.engine.sendText(other, 'for the other thread');
      await until(() => !!b.state.$threads.get()[other]);
      await b.engine.openThread(other);
      await until(() => b.state.$openThreadMessages.get().length === 1, 5000, 'the row');
      const [row] = b.state.$openThreadMessages.get();
      // The announcement names the secret thread; or the HPKE info (thread, epoch, recipient) does not match.
      expect(row!.failure).to.deep.equal({
        reason: announcement === 'own' ? 'wrong-thread' : 'wrong-recipient',
        expected: false,
      });
      expect(await b.vault.epochKeys.get(other, 1)).to.equal(undefined);
      a.engine.stop();
      b.engine.stop();
    });
  }

  it('seals nothing new to a removed member the server lists again, at the remover and at a member who saw the removal', async () => {
    const { hub, alice, bob, carol, a, b, c, lies, recorded } = await people({ carol: true });
    const threadId = await a.engine.createThread({
      title: 'Matter',
      participantIds: [bob, carol],
      encrypted: true,
    });
    await until(() => !!b.state.$threads.get()[threadId]);
    await a.engine.openThread(threadId);
    await b.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'before Carol left');
    const carolDevice = (await c!.security.ensureDevice()).deviceId;
    expect(recorded.alice.sealedTo).to.include(carolDevice);
    const membership = a.state.$threads.get()[threadId]!.participants.find((p) => p.userId === carol)!;

    await a.engine.removeParticipant(threadId, carol);
    await until(() => b.state.$threads.get()[threadId]!.participants.length === 2, 5000, 'Bob sees it');
    // From now on the server says Carol never left: same membership, same joinedAt.
    const relist = { threadId, participant: { ...membership } satisfies Participant };
    lies.alice.relist = relist;
    lies.bob.relist = relist;
    recorded.alice.sealedTo.length = 0;
    recorded.bob.sealedTo.length = 0;

    await b.engine.sendText(threadId, 'Bob, after Carol left');
    await a.engine.sendText(threadId, 'Alice, after Carol left');
    await until(() => texts(a).includes('Bob, after Carol left'), 5000, 'Alice reads Bob');
    await until(() => texts(b).includes('Alice, after Carol left'), 5000, 'Bob reads Alice');
    // A new epoch was sealed (to Alice and Bob), none of it to Carol.
    expect(recorded.alice.sealedTo.length + recorded.bob.sealedTo.length).to.be.greaterThan(0);
    expect(recorded.alice.sealedTo).not.to.include(carolDevice);
    expect(recorded.bob.sealedTo).not.to.include(carolDevice);
    const sealedToCarol = await hub.adapterFor(carol).getSealedKeys(carolDevice, { threadId });
    expect(sealedToCarol.map((k) => k.epoch)).to.deep.equal([1]);

    // Carol's vault opens nothing sent after the removal, even with the server's list in hand.
    const lied = await lies.alice.wrap(hub.adapterFor(alice)).getThread(threadId);
    expect(lied.participants.map((p) => p.userId)).to.include(carol);
    const after = (await hub.adapterFor(alice).listMessages(threadId)).items.filter((m) => m.seq > 1);
    expect(after).to.have.length(2);
    for (const record of after) {
      expect(await c!.security.open(lied, record)).to.deep.equal({
        failure: { reason: 'epoch-unknown', expected: false },
      });
    }
    [a, b, c!].forEach((p) => p.engine.stop());
  });

  it('never seals to a member removed while pending, when her device appears later and the server lists her again', async () => {
    const { hub, bob, carol, a, b, lies, recorded } = await people();
    // Carol has no widget yet: pending, nothing sealed to her.
    const threadId = await a.engine.createThread({
      title: 'Matter',
      participantIds: [bob, carol],
      encrypted: true,
    });
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'while Carol had no device');
    const membership = a.state.$threads.get()[threadId]!.participants.find((p) => p.userId === carol)!;
    await a.engine.removeParticipant(threadId, carol);
    lies.alice.relist = { threadId, participant: { ...membership } };
    // Her widget starts now and publishes a device; the server says she is still in the thread.
    const c = await person(hub, carol);
    const carolDevice = (await c.security.ensureDevice()).deviceId;
    recorded.alice.sealedTo.length = 0;
    await a.engine.sendText(threadId, 'after Carol was removed');
    expect(recorded.alice.sealedTo).not.to.include(carolDevice);
    [a, b, c].forEach((p) => p.engine.stop());
  });

  it('believes a genuine re-add (a later joinedAt) and seals to the member again', async () => {
    const { bob, carol, a, b, c, recorded } = await people({ carol: true });
    const threadId = await a.engine.createThread({
      title: 'Matter',
      participantIds: [bob, carol],
      encrypted: true,
    });
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'first');
    const carolDevice = (await c!.security.ensureDevice()).deviceId;
    await a.engine.removeParticipant(threadId, carol);
    await a.engine.sendText(threadId, 'without Carol');
    const removedAt = new Date().toISOString();
    await until(() => new Date().toISOString() > removedAt, 1000, 'the clock to move on');
    await a.engine.addParticipants(threadId, [carol]);
    recorded.alice.sealedTo.length = 0;
    await a.engine.sendText(threadId, 'Carol is back');
    expect(recorded.alice.sealedTo).to.include(carolDevice);
    await until(() => !!c!.state.$threads.get()[threadId], 5000, 'Carol has the thread again');
    await c!.engine.openThread(threadId);
    await until(() => texts(c!).includes('Carol is back'), 5000, 'Carol reads it');
    expect(texts(c!)).not.to.include('without Carol');
    [a, b, c!].forEach((p) => p.engine.stop());
  });
});
