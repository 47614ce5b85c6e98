/**
 * Membership in the engine: adding and removing participants through the adapter, telling the encrypted-thread
 * half what the participant lists say (it remembers memberships it saw end, so a server that lists a removed
 * member again is not believed: security/membership-ledger.ts), and the pending participants of a thread (no
 * device yet) as thread notices for the UI. In the entry bundle: kept small, the crypto work is in the chunk.
 */
import type { Thread, ThreadId, UserId } from '../adapter/types.js';
import type { ChatState, ThreadNotice } from '../state/chat-state.js';

/** What the encrypted-thread half offers for membership (all optional: a minimal ThreadSecurity lacks them). */
export interface MembershipSecurity {
  /** Compares participant lists with what this device saw before, and remembers them. */
  observeMembers?(threads: readonly Thread[]): Promise<void>;
  /** This device removed a member: never sealed to again under that membership. */
  endMembership?(threadId: ThreadId, membership: { userId: UserId; joinedAt: string }): Promise<void>;
  /** Participants without a device their identity signed: nothing can be sealed to them yet. */
  pendingMembers?(thread: Thread): Promise<UserId[]>;
  /** A live event said this user published keys. */
  keysChanged?(userId: UserId): void;
}

const PENDING = 'pending-participant';

/** Replaces the thread's pending-participant notices (`params.userId`), leaving other notices as they are. */
export async function showPending(state: ChatState, security: MembershipSecurity, thread: Thread) {
  const pending = thread.encrypted && security.pendingMembers ? await security.pendingMembers(thread) : [];
  const current = state.$notices.get()[thread.id] ?? [];
  const before = current.filter((n) => n.kind === PENDING).map((n) => n.params['userId']);
  if (before.length === pending.length && pending.every((id, i) => before[i] === id)) return;
  const notices: ThreadNotice[] = pending.map((userId) => ({
    id: `${PENDING}:${userId}`,
    kind: PENDING,
    params: { userId },
  }));
  state.$notices.setKey(thread.id, [...current.filter((n) => n.kind !== PENDING), ...notices]);
}
