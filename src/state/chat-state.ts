import { atom, computed, map } from 'nanostores';
import type { ConnectionState, Session, Thread, ThreadId } from '../adapter/types.js';
import { timelineFolder, type MessageView, type TimelineEvent } from './timeline.js';
import type { Transfer } from './actions.js';

export interface ThreadNotice {
  id: string;
  kind: 'key-change' | 'pending-participant' | 'gap' | 'before-join' | 'encryption-enabled' | 'error';
  /** Plain text parameters for the UI's string table, never markup. */
  params: Record<string, string>;
  /** Sending is blocked until the user acknowledges this notice. */
  blocking?: boolean;
}

export type VaultStatus =
  | { state: 'not-loaded' }
  | { state: 'ready'; persisted: 'asking' | 'granted' | 'denied' | 'unsupported' }
  | { state: 'unavailable' | 'blocked' | 'damaged'; detail: string };

/**
 * The stores one widget instance reads. Made per instance, never module globals: two widgets on one page
 * (two users side by side) must not share threads, messages or vault state.
 */
export function createChatState() {
  const $session = atom<Session | null>(null);
  /** `connecting` until the adapter's subscription says otherwise, so the UI does not flash "offline" at start. */
  const $connection = atom<ConnectionState>('connecting');
  const $vault = atom<VaultStatus>({ state: 'not-loaded' });
  const $threads = map<Record<ThreadId, Thread>>({});
  const $openThreadId = atom<ThreadId | null>(null);
  const $events = map<Record<ThreadId, TimelineEvent[]>>({});
  /** Who is typing, per thread (user ids), cleared by the engine after a few seconds. */
  const $typing = map<Record<ThreadId, string[]>>({});
  const $transfers = map<Record<string, Transfer>>({});
  /** Thread-level notices: key changes, pending participants, "a message may be missing". */
  const $notices = map<Record<ThreadId, ThreadNotice[]>>({});
  /** Threads whose older history is still on the server. */
  const $hasOlder = map<Record<ThreadId, boolean>>({});

  /** Threads, most recent activity first. */
  const $threadList = computed($threads, (threads) =>
    Object.values(threads).sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)),
  );

  const $totalUnread = computed($threads, (threads) =>
    Object.values(threads).reduce((sum, thread) => sum + thread.unreadCount, 0),
  );

  /** One folder per thread: an older page of history folds only its own events (timeline.ts). */
  const folders = new Map<ThreadId, (events: readonly TimelineEvent[]) => MessageView[]>();
  const $openThreadMessages = computed([$openThreadId, $events], (threadId, events): MessageView[] => {
    if (!threadId) return [];
    let folder = folders.get(threadId);
    if (!folder) folders.set(threadId, (folder = timelineFolder()));
    return folder(events[threadId] ?? []);
  });

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
    folders.delete(threadId);
    if ($openThreadId.get() === threadId) $openThreadId.set(null);
  }

  return {
    $session,
    $connection,
    $vault,
    $threads,
    $openThreadId,
    $events,
    $typing,
    $transfers,
    $notices,
    $hasOlder,
    $threadList,
    $totalUnread,
    $openThreadMessages,
    putEvents,
    putThread,
    removeThread,
  };
}

export type ChatState = ReturnType<typeof createChatState>;
