import { atom, computed, map } from 'nanostores';
import type { ConnectionState, Session, Thread, ThreadId } from '../adapter/types.js';
import { foldTimeline, type MessageView, type TimelineEvent } from './timeline.js';

export type VaultStatus =
  | { state: 'not-loaded' }
  | { state: 'ready'; persisted: 'granted' | 'denied' | 'unsupported' }
  | { state: 'unavailable' | 'blocked' | 'damaged'; detail: string };

/**
 * The stores one widget instance reads. Made per instance, never module globals: two widgets on one page
 * (two users side by side) must not share threads, messages or vault state.
 */
export function createChatState() {
  const $session = atom<Session | null>(null);
  const $connection = atom<ConnectionState>('offline');
  const $vault = atom<VaultStatus>({ state: 'not-loaded' });
  const $threads = map<Record<ThreadId, Thread>>({});
  const $openThreadId = atom<ThreadId | null>(null);
  const $events = map<Record<ThreadId, TimelineEvent[]>>({});

  /** Threads, most recent activity first. */
  const $threadList = computed($threads, (threads) =>
    Object.values(threads).sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)),
  );

  const $totalUnread = computed($threads, (threads) =>
    Object.values(threads).reduce((sum, thread) => sum + thread.unreadCount, 0),
  );

  const $openThreadMessages = computed([$openThreadId, $events], (threadId, events): MessageView[] =>
    threadId ? foldTimeline(events[threadId] ?? []) : [],
  );

  /** Adds or replaces events by client id (a pending send is replaced by its stored copy). */
  function putEvents(threadId: ThreadId, incoming: readonly TimelineEvent[]): void {
    const current = $events.get()[threadId] ?? [];
    const byId = new Map(current.map((event) => [event.clientId, event]));
    for (const event of incoming) byId.set(event.clientId, event);
    $events.setKey(threadId, [...byId.values()]);
  }

  function putThread(thread: Thread): void {
    $threads.setKey(thread.id, thread);
  }

  function removeThread(threadId: ThreadId): void {
    const { [threadId]: _removed, ...rest } = $threads.get();
    $threads.set(rest);
    if ($openThreadId.get() === threadId) $openThreadId.set(null);
  }

  return {
    $session,
    $connection,
    $vault,
    $threads,
    $openThreadId,
    $events,
    $threadList,
    $totalUnread,
    $openThreadMessages,
    putEvents,
    putThread,
    removeThread,
  };
}

export type ChatState = ReturnType<typeof createChatState>;
