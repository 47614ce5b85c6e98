import type { MapStore } from 'nanostores';
import type { ThreadId, UserId } from '../adapter/types.js';

/** How long one typing event keeps someone marked as typing (clients repeat it every few seconds). */
export const TYPING_EXPIRY_MS = 5000;

export interface TypingTracker {
  /** `userId` typed in `threadId`: mark them, or restart their expiry if they are marked already. */
  typing(threadId: ThreadId, userId: UserId): void;
  /** `userId` stopped (their message arrived): unmark them at once. */
  stopped(threadId: ThreadId, userId: UserId): void;
  /** Forgets everyone and every timer (the engine stops). */
  clear(): void;
}

/**
 * Keeps who is typing, per thread, in `store`. Each user's mark expires on its own, `expiryMs` after their last
 * typing event, so one person who keeps typing does not keep a second one who stopped on screen.
 */
export function trackTyping(
  store: MapStore<Record<ThreadId, UserId[]>>,
  expiryMs = TYPING_EXPIRY_MS,
): TypingTracker {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const keyOf = (threadId: ThreadId, userId: UserId) => `${threadId}\u0000${userId}`;

  function unmark(threadId: ThreadId, userId: UserId): void {
    const key = keyOf(threadId, userId);
    clearTimeout(timers.get(key));
    timers.delete(key);
    const current = store.get()[threadId] ?? [];
    if (current.includes(userId))
      store.setKey(
        threadId,
        current.filter((id) => id !== userId),
      );
  }

  return {
    typing(threadId, userId) {
      const current = store.get()[threadId] ?? [];
      if (!current.includes(userId)) store.setKey(threadId, [...current, userId]);
      const key = keyOf(threadId, userId);
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => unmark(threadId, userId), expiryMs),
      );
    },
    stopped: unmark,
    clear() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      store.set({});
    },
  };
}
