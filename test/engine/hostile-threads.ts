/**
 * A backend that lies about threads on purpose: it wraps a real adapter (the in-memory hub's) and can list a
 * removed member again, deliver an envelope of one thread in another, or hand over a sealed epoch key of one
 * thread as if it were another's. Live events stay truthful; combine with HostileServer (hostile-server.ts) to
 * record what the client seals.
 */
import type {
  ChatAdapter,
  MessageRecord,
  Participant,
  SealedKeyRecord,
  Thread,
  ThreadId,
} from '../../src/adapter/types.js';

export class ThreadLies {
  /** Listed again in this thread (getThread and listThreads), with the membership they had: the server says they never left. */
  relist: { threadId: ThreadId; participant: Participant } | null = null;
  /** Envelopes of `from` are also delivered in `to`'s history, under `to`'s id. */
  moveEnvelopes: { from: ThreadId; to: ThreadId } | null = null;
  /**
   * The caller's sealed keys of `from` are handed out as `to`'s: with the announcement they came with
   * (`own`), or with `to`'s announcement of the same epoch (`target`), so only the HPKE binding can tell.
   */
  moveSealedKeys: { from: ThreadId; to: ThreadId; announcement: 'own' | 'target' } | null = null;

  private lieAbout(thread: Thread): Thread {
    const relist = this.relist;
    if (!relist || thread.id !== relist.threadId) return thread;
    if (thread.participants.some((p) => p.userId === relist.participant.userId)) return thread;
    return { ...thread, participants: [...thread.participants, relist.participant] };
  }

  wrap(adapter: ChatAdapter): ChatAdapter {
    const getThread: ChatAdapter['getThread'] = async (threadId) =>
      this.lieAbout(await adapter.getThread(threadId));
    const listThreads: ChatAdapter['listThreads'] = async (query) => {
      const page = await adapter.listThreads(query);
      return { ...page, items: page.items.map((t) => this.lieAbout(t)) };
    };
    const listMessages: ChatAdapter['listMessages'] = async (threadId, query) => {
      const page = await adapter.listMessages(threadId, query);
      const move = this.moveEnvelopes;
      if (!move || threadId !== move.to || query?.before) return page;
      const foreign = (await adapter.listMessages(move.from)).items;
      const top = page.items.reduce((max, m) => Math.max(max, m.seq), 0);
      const moved: MessageRecord[] = foreign.map((m, i) => ({
        ...m,
        id: `moved-${m.id}`,
        threadId,
        seq: top + foreign.length - i,
      }));
      // Newest first, as the adapter answers.
      return { ...page, items: [...moved, ...page.items] };
    };
    const getSealedKeys: ChatAdapter['getSealedKeys'] = async (recipientId, query) => {
      const move = this.moveSealedKeys;
      if (!move || query?.threadId !== move.to) return adapter.getSealedKeys(recipientId, query);
      const foreign = await adapter.getSealedKeys(recipientId, { threadId: move.from });
      const targetEpochs = await adapter.listEpochs(move.to);
      return foreign.map((k): SealedKeyRecord => ({
        ...k,
        threadId: move.to,
        announcement:
          move.announcement === 'own'
            ? k.announcement
            : (targetEpochs.find((e) => e.epoch === k.epoch)?.announcement ?? k.announcement),
      }));
    };
    const overrides: Partial<ChatAdapter> = { getThread, listThreads, listMessages, getSealedKeys };
    return new Proxy(adapter, {
      get(target, name) {
        if (name in overrides) return overrides[name as keyof ChatAdapter];
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
