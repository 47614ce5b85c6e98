import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type {
  ChatAdapter,
  LiveEvent,
  MessageRecord,
  Page,
  SubscribeOptions,
  Subscription,
} from '../../src/adapter/types.js';
import { MESSAGE_MISSING } from '../../src/engine/sequence-check.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';
import { person } from './people.js';

/** How the server tampers with the history it lists: a function over the true records, oldest first. */
type Tamper = (records: MessageRecord[]) => MessageRecord[];

interface Liar {
  tamper: Tamper | null;
  /** Hands the client a live event of the server's choosing (set once the engine subscribed). */
  deliver?: (event: LiveEvent) => void;
}

/** Wraps an adapter so that every history page it lists goes through `tamper`, and live events can be made up. */
function lyingHistory(holder: Liar) {
  return (adapter: ChatAdapter): ChatAdapter =>
    new Proxy(adapter, {
      get(target, name) {
        if (name === 'subscribe') {
          return (listener: (event: LiveEvent) => void, options?: SubscribeOptions): Subscription => {
            holder.deliver = listener;
            return target.subscribe(listener, options);
          };
        }
        if (name === 'listMessages') {
          return async (...args: Parameters<ChatAdapter['listMessages']>): Promise<Page<MessageRecord>> => {
            const page = await target.listMessages(...args);
            return holder.tamper ? { ...page, items: holder.tamper(page.items) } : page;
          };
        }
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
}

/** Alice writes five messages in an encrypted thread; Bob's server lies about history with `tamper`. */
async function fiveMessages(tamper: Tamper) {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const a = await person(hub, alice);
  // Bob's device is published, then his page is closed while Alice writes: he gets her messages from history.
  (await person(hub, bob)).engine.stop();
  const threadId = await a.engine.createThread({ title: 'Estate', participantIds: [bob], encrypted: true });
  await a.engine.openThread(threadId);
  for (const text of ['m1', 'm2', 'm3', 'm4', 'm5']) await a.engine.sendText(threadId, text);
  await until(() => a.state.$openThreadMessages.get().every((m) => m.status === 'sent'));
  a.engine.stop();
  const holder: Liar = { tamper };
  const b = await person(hub, bob, { wrap: lyingHistory(holder) });
  return { hub, b, bob, threadId, holder, stop: () => b.engine.stop() };
}

/** What Bob's open thread shows: texts, and a marker for each "a message may be missing" row. */
function shown(b: { state: Awaited<ReturnType<typeof person>>['state'] }): string[] {
  return b.state.$openThreadMessages
    .get()
    .map((m) => (m.failure?.reason === MESSAGE_MISSING ? '[missing]' : m.kind === 'text' ? m.text : m.kind));
}

describe('a server that replays, reorders or drops messages (engine, vaults and crypto real)', () => {
  afterEach(cleanUpVaults);

  it('marks a message dropped from the middle with "a message may be missing" in its place', async () => {
    const t = await fiveMessages((records) => records.filter((r) => r.seq !== 3));
    await t.b.engine.openThread(t.threadId);
    await until(() => shown(t.b).includes('m5'));
    expect(shown(t.b)).to.deep.equal(['m1', 'm2', '[missing]', 'm4', 'm5']);
    const gap = t.b.state.$openThreadMessages.get()[2]!;
    expect(gap.failure).to.deep.equal({ reason: MESSAGE_MISSING, expected: false });
    t.stop();
  });

  it('takes the notice away once the missing message arrives late', async () => {
    const t = await fiveMessages((records) => records.filter((r) => r.seq !== 3));
    await t.b.engine.openThread(t.threadId);
    await until(() => shown(t.b).includes('[missing]'));
    const { items } = await t.hub.adapterFor(t.bob).listMessages(t.threadId);
    t.holder.deliver!({ type: 'message', cursor: 'late', message: items.find((r) => r.seq === 3)! });
    await until(() => shown(t.b).includes('m3'));
    expect(shown(t.b)).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
    t.stop();
  });

  it('keeps the sender’s order when the server swaps two of her messages', async () => {
    const t = await fiveMessages((records) =>
      records
        .map((r) => (r.seq === 2 ? { ...r, seq: 4 } : r.seq === 4 ? { ...r, seq: 2 } : r))
        .sort((x, y) => x.seq - y.seq),
    );
    await t.b.engine.openThread(t.threadId);
    await until(() => shown(t.b).length === 5);
    expect(shown(t.b)).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
    t.stop();
  });

  it('drops an old message the server replays as the newest after a reload, though the original is not loaded', async () => {
    const t = await fiveMessages((records) => records);
    await t.b.engine.openThread(t.threadId);
    await until(() => shown(t.b).includes('m5'));
    t.stop();
    // Bob reloads (a new engine on the same vault, newest page of two only: m4 and m5); the server now lists m2 again
    // as a sixth message, so the page holds them and the replay, and not the original m2.
    const { items } = await t.hub.adapterFor(t.bob).listMessages(t.threadId);
    const second = items.find((r) => r.seq === 2)!;
    const replayM2: Tamper = (records) =>
      records.some((r) => r.seq === 5)
        ? [...records, { ...second, id: `${second.id}-again`, seq: 6 }]
        : records;
    const b2 = await person(t.hub, t.bob, { wrap: lyingHistory({ tamper: replayM2 }), pageSize: 2 });
    await b2.engine.openThread(t.threadId);
    await until(() => shown(b2).includes('m5'));
    expect(shown(b2)).to.deep.equal(['m4', 'm5']);
    b2.engine.stop();
  });
});
