/**
 * What this device saw of encrypted threads' members, kept in the vault's settings (`memberships`), so that a
 * server cannot undo a removal by listing the removed member again.
 *
 * Per thread: `seen`, the memberships this device believed present when it last looked, and `ended`, the
 * memberships it saw end (it removed them, a thread event or participant list no longer had them, or they came
 * back under a later `joinedAt`). A listed participant is believed unless an ended membership of the same user
 * has the same or a later `joinedAt`: a genuine re-add gets a new, later `joinedAt` from the server; the same
 * membership listed again is the server claiming someone is still there who left. Only what this device saw
 * counts: a removal that happened and was undone while it was away is invisible to it (SECURITY.md).
 */
import type { Participant, Thread, ThreadId } from '../../adapter/types.js';
import type { Membership, ThreadMemberships, Vault } from '../../vault/index.js';

const time = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
};

/** The server lists `participant` under a membership that `ended` already closed. */
const endedBy = (participant: Membership, ended: readonly Membership[]) =>
  ended.some((e) => e.userId === participant.userId && time(participant.joinedAt) <= time(e.joinedAt));

const sameMembership = (a: Membership, b: Membership) => a.userId === b.userId && a.joinedAt === b.joinedAt;

const membership = ({ userId, joinedAt }: Membership): Membership => ({ userId, joinedAt });

export class MembershipLedger {
  /** One read-modify-write of the setting at a time, so two observations never lose each other's entries. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly vault: Pick<Vault, 'settings'>,
    /** This user: never recorded as ended in a thread they are still shown (their own view of it). */
    private readonly me: string,
  ) {}

  private update<T>(change: (all: Record<ThreadId, ThreadMemberships>) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const all = (await this.vault.settings.get('memberships')) ?? {};
      const result = change(all);
      await this.vault.settings.put('memberships', all);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(threadId: ThreadId): Promise<ThreadMemberships> {
    await this.queue;
    return (await this.vault.settings.get('memberships'))?.[threadId] ?? { seen: [], ended: [] };
  }

  /**
   * Compares each thread's participant list with what this device saw before: a membership seen then and not
   * listed now has ended. Then remembers the believed list as seen.
   */
  observe(threads: readonly Thread[]): Promise<void> {
    if (!threads.length) return Promise.resolve();
    return this.update((all) => {
      for (const thread of threads) {
        const record = all[thread.id] ?? { seen: [], ended: [] };
        const believed = thread.participants.filter((p) => !endedBy(p, record.ended));
        for (const seen of record.seen) {
          const stillThere = believed.some((p) => sameMembership(p, seen));
          if (!stillThere && seen.userId !== this.me && !record.ended.some((e) => sameMembership(e, seen)))
            record.ended.push(seen);
        }
        record.seen = believed.map(membership);
        all[thread.id] = record;
      }
    });
  }

  /** Records a membership this device ended (a removal it made). */
  end(threadId: ThreadId, ended: Membership): Promise<void> {
    return this.update((all) => {
      const record = all[threadId] ?? { seen: [], ended: [] };
      if (!record.ended.some((e) => sameMembership(e, ended))) record.ended.push(membership(ended));
      record.seen = record.seen.filter((s) => !sameMembership(s, ended));
      all[threadId] = record;
    });
  }

  /** The participants this device believes: every listed one whose membership it did not see end. */
  async believed(thread: Thread): Promise<Participant[]> {
    const { ended } = await this.read(thread.id);
    return thread.participants.filter((p) => !endedBy(p, ended));
  }

  /** Memberships this device saw end in a thread. */
  async ended(threadId: ThreadId): Promise<Membership[]> {
    return (await this.read(threadId)).ended;
  }
}
