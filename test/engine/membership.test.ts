import { expect } from '@open-wc/testing';
import type { MemoryHub } from '../../src/adapter/memory.js';
import type { Thread } from '../../src/adapter/types.js';
import { fromBase64Url, parseAnnouncement } from '../../src/crypto/index.js';
import { cleanUpVaults } from '../vault/helpers.js';
import { until } from '../until.js';
import { hubWith, person } from './people.js';

type Person = Awaited<ReturnType<typeof person>>;

const texts = (p: Person) => p.state.$openThreadMessages.get().map((m) => m.text);

/** Why each epoch of a thread began, from the signed announcements the server keeps. */
async function reasons(hub: MemoryHub, userId: string, threadId: string): Promise<string[]> {
  const epochs = await hub.adapterFor(userId).listEpochs(threadId);
  return epochs
    .sort((x, y) => x.epoch - y.epoch)
    .map((e) => parseAnnouncement(fromBase64Url(e.announcement)).reason);
}

/** Who an epoch was sealed to, from its signed announcement. */
async function recipientsOf(hub: MemoryHub, userId: string, threadId: string, epoch: number) {
  const record = (await hub.adapterFor(userId).listEpochs(threadId)).find((e) => e.epoch === epoch)!;
  return parseAnnouncement(fromBase64Url(record.announcement)).recipients;
}

async function storedMessage(hub: MemoryHub, userId: string, threadId: string, seq: number) {
  const page = await hub.adapterFor(userId).listMessages(threadId);
  return page.items.find((m) => m.seq === seq)!;
}

/** The thread as a lying server would show it to someone: with them in it, since the thread began. */
function withMember(thread: Thread, userId: string): Thread {
  if (thread.participants.some((p) => p.userId === userId)) return thread;
  const joinedAt = thread.createdAt;
  return {
    ...thread,
    participants: [...thread.participants, { userId, displayName: userId, joinedAt, readUpTo: 0 }],
  };
}

async function deviceOf(p: Person): Promise<string> {
  return (await p.security.ensureDevice()).deviceId;
}

/** Alice, Bob and Carol, each with their own vault, and an encrypted thread of the three Alice has written in. */
async function trio() {
  const {
    hub,
    ids: [alice, bob, carol],
  } = hubWith('alice', 'bob', 'carol');
  const a = await person(hub, alice);
  const b = await person(hub, bob);
  const c = await person(hub, carol);
  const threadId = await a.engine.createThread({
    title: 'Matter',
    participantIds: [bob, carol],
    encrypted: true,
  });
  await until(() => !!b.state.$threads.get()[threadId] && !!c.state.$threads.get()[threadId]);
  await a.engine.openThread(threadId);
  await b.engine.openThread(threadId);
  await c.engine.openThread(threadId);
  await a.engine.sendText(threadId, 'before Carol left');
  await until(() => texts(c).includes('before Carol left'), 5000, 'Carol reads the first message');
  await until(() => texts(b).includes('before Carol left'), 5000, 'Bob reads the first message');
  const stop = () => [a, b, c].forEach((p) => p.engine.stop());
  return { hub, alice, bob, carol, a, b, c, threadId, stop };
}

describe('membership in encrypted threads (engine; three people, their own vaults; backend in memory)', () => {
  afterEach(cleanUpVaults);

  it('leaves a removed member unable to open anything sent after the removal: the next send starts a leave epoch', async () => {
    const { hub, alice, carol, a, b, c, threadId, stop } = await trio();
    const carolThread = c.state.$threads.get()[threadId]!;
    await a.engine.removeParticipant(threadId, carol);
    await until(() => !c.state.$threads.get()[threadId], 5000, 'the thread leaves Carol’s list');
    expect(a.state.$threads.get()[threadId]!.participants.map((p) => p.userId)).not.to.include(carol);

    await a.engine.sendText(threadId, 'after Carol left');
    await until(() => texts(b).includes('after Carol left'), 5000, 'Bob reads it');
    expect(await reasons(hub, alice, threadId)).to.deep.equal(['enable', 'leave']);
    expect(await recipientsOf(hub, alice, threadId, 2)).not.to.include(await deviceOf(c));

    const after = await storedMessage(hub, alice, threadId, 2);
    expect(await c.security.open(withMember(carolThread, carol), after)).to.deep.equal({
      failure: { reason: 'epoch-unknown', expected: false },
    });
    // What she could read before stays readable in her vault.
    const before = await storedMessage(hub, alice, threadId, 1);
    expect(await c.security.open(carolThread, before)).to.have.property('content');
    stop();
  });

  it('rotates when another member, who only saw the removal as a thread event, sends first', async () => {
    const { hub, alice, bob, carol, a, b, c, threadId, stop } = await trio();
    await a.engine.removeParticipant(threadId, carol);
    await until(() => b.state.$threads.get()[threadId]!.participants.length === 2, 5000, 'Bob sees it');
    await b.engine.sendText(threadId, 'Bob, after Carol left');
    await until(() => texts(a).includes('Bob, after Carol left'), 5000, 'Alice reads it');
    expect(await reasons(hub, bob, threadId)).to.deep.equal(['enable', 'leave']);
    expect(await recipientsOf(hub, alice, threadId, 2)).not.to.include(await deviceOf(c));
    expect((await b.vault.settings.get('memberships'))?.[threadId]?.ended.map((m) => m.userId)).to.deep.equal(
      [carol],
    );
    stop();
  });

  it('learns a removal made while its page was closed from the participant list it gets next', async () => {
    const { hub, bob, carol, a, b, c, threadId, stop } = await trio();
    b.engine.stop();
    await a.engine.removeParticipant(threadId, carol);
    // Bob opens the page again: the same vault, a new engine.
    const again = await person(hub, bob);
    expect(
      (await again.vault.settings.get('memberships'))?.[threadId]?.ended.map((m) => m.userId),
    ).to.deep.equal([carol]);
    again.engine.stop();
    c.engine.stop();
    stop();
  });

  it('shows a new member the history from before they joined as not available, and lets them read what follows', async () => {
    const {
      hub,
      ids: [alice, bob, carol],
    } = hubWith('alice', 'bob', 'carol');
    const a = await person(hub, alice);
    const b = await person(hub, bob);
    const c = await person(hub, carol);
    const threadId = await a.engine.createThread({ title: 'Matter', participantIds: [bob], encrypted: true });
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'before Carol joined');
    const first = await storedMessage(hub, alice, threadId, 1);
    await until(() => new Date().toISOString() > first.createdAt, 1000, 'the clock to move on');

    await a.engine.addParticipants(threadId, [carol]);
    await until(() => !!c.state.$threads.get()[threadId], 5000, 'Carol gets the thread');
    await a.engine.sendText(threadId, 'welcome Carol');
    expect(await reasons(hub, alice, threadId)).to.deep.equal(['enable', 'join']);

    await c.engine.openThread(threadId);
    await until(() => texts(c).includes('welcome Carol'), 5000, 'Carol reads the new message');
    const early = c.state.$openThreadMessages.get().find((m) => m.clientId === first.clientId)!;
    expect(early.kind).to.equal('undecryptable');
    expect(early.failure).to.deep.equal({ reason: 'before-join', expected: true });
    expect(texts(c)).not.to.include('before Carol joined');
    [a, b, c].forEach((p) => p.engine.stop());
  });

  it('shows a participant without a device as pending, and includes their device in a new epoch once it appears', async () => {
    const {
      hub,
      ids: [alice, bob],
    } = hubWith('alice', 'bob');
    const a = await person(hub, alice);
    const threadId = await a.engine.createThread({ title: 'Matter', participantIds: [bob], encrypted: true });
    await a.engine.openThread(threadId);
    await a.engine.sendText(threadId, 'before Bob set up');
    const pending = () =>
      (a.state.$notices.get()[threadId] ?? [])
        .filter((n) => n.kind === 'pending-participant')
        .map((n) => n.params['userId']);
    await until(() => pending().length === 1, 5000, 'Bob shown as pending');
    expect(pending()).to.deep.equal([bob]);

    // Bob's widget starts and publishes his device; the live keys event reaches Alice.
    const b = await person(hub, bob);
    await until(() => pending().length === 0, 5000, 'Bob no longer pending');
    await a.engine.sendText(threadId, 'after Bob set up');
    expect(await reasons(hub, alice, threadId)).to.deep.equal(['enable', 'pending-device']);
    expect(await recipientsOf(hub, alice, threadId, 2)).to.include(await deviceOf(b));

    await b.engine.openThread(threadId);
    await until(() => texts(b).includes('after Bob set up'), 5000, 'Bob reads the new message');
    const early = b.state.$openThreadMessages.get().find((m) => m.text !== 'after Bob set up')!;
    expect(early.failure).to.deep.equal({ reason: 'device-added-later', expected: true });
    a.engine.stop();
    b.engine.stop();
  });
});
