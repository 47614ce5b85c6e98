/**
 * Replays, gaps and order of what one sender device sealed in one thread (PROTOCOL.md 1.7), for the engine's
 * receiving side. Every envelope carries the sender device's sequence number for the thread (signed, and bound
 * as AES-GCM additional data), so the server can neither change it nor make up a message under it.
 *
 * History arrives newest page first and may be listed again after every reload, so "seen before" cannot mean
 * "a sequence number at or below the highest": the state remembers, per (thread, sender device), which server
 * seq each accepted sequence number came under. The same record listed again is the same message; the same
 * sequence number or client message id under another server seq is a replay and is dropped. A hole between two
 * accepted sequence numbers is a message the server did not deliver (or not yet): the message after it gets a
 * "a message may be missing" row, removed again when the missing one arrives.
 */
import type { TimelineEvent } from '../state/timeline.js';

/** How many accepted messages are remembered per (thread, sender device); older ones are forgotten. */
export const MAX_REMEMBERED = 1000;

/** The failure reason of a gap row: the UI says "a message may be missing here". */
export const MESSAGE_MISSING = 'message-missing';

/** Where a sender device's messages are remembered between page loads (the vault's counter store). */
export interface SequenceStore {
  getReceiveState<T extends object>(threadId: string, deviceId: string): Promise<T | undefined>;
  putReceiveState(threadId: string, deviceId: string, state: object): Promise<void>;
}

/** One sender device in one thread. */
interface SenderState {
  /** Accepted messages, by sequence number ascending: [sequence, server seq, client message id]. */
  seen: Array<[number, number, string]>;
  /** Sequence numbers up to this one were forgotten (0: none); nothing is said about them. */
  floor: number;
}

/** What the engine puts into and takes out of a thread's timeline after a check. */
export interface SequenceResult {
  /** The events to show: replays left out, gap rows added. */
  put: TimelineEvent[];
  /** Client ids of gap rows whose missing messages have arrived. */
  remove: string[];
}

export interface SequenceChecker {
  /**
   * Checks freshly opened events of a thread. `shown`: the thread's events already in the timeline, where the
   * message after a gap may be.
   */
  check(threadId: string, events: TimelineEvent[], shown: readonly TimelineEvent[]): Promise<SequenceResult>;
}

/** The client id of the gap row in front of a device's message with this sequence number. */
export const gapRowId = (deviceId: string, sequence: number) => `gap:${deviceId}:${sequence}`;

type Sequenced = TimelineEvent & { sender: NonNullable<TimelineEvent['sender']>; seq: number };

/** Index of the first entry whose sequence is at least `sequence` (binary search). */
function lowerBound(seen: SenderState['seen'], sequence: number): number {
  let low = 0;
  let high = seen.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (seen[mid]![0] < sequence) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class SenderSequences implements SequenceChecker {
  private readonly states = new Map<string, Promise<SenderState>>();
  /** One check at a time per thread, so a live message and a history page never interleave their updates. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `ownDeviceId`: this device; its own gaps are not reported (it knows what it sent and what failed). */
  constructor(
    private readonly store: SequenceStore,
    private readonly ownDeviceId: string,
  ) {}

  check(threadId: string, events: TimelineEvent[], shown: readonly TimelineEvent[]): Promise<SequenceResult> {
    const run = (this.queues.get(threadId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.checkNow(threadId, events, shown));
    this.queues.set(threadId, run);
    return run;
  }

  private state(threadId: string, deviceId: string): Promise<SenderState> {
    const key = `${threadId}\u0000${deviceId}`;
    let state = this.states.get(key);
    if (!state) {
      state = this.store
        .getReceiveState<SenderState>(threadId, deviceId)
        .then((stored) => (stored && Array.isArray(stored.seen) ? stored : { seen: [], floor: 0 }));
      this.states.set(key, state);
      state.catch(() => this.states.delete(key));
    }
    return state;
  }

  private async checkNow(
    threadId: string,
    events: TimelineEvent[],
    shown: readonly TimelineEvent[],
  ): Promise<SequenceResult> {
    const byDevice = new Map<string, Sequenced[]>();
    for (const event of events) {
      if (!event.sender || event.seq === null) continue;
      const list = byDevice.get(event.sender.deviceId) ?? [];
      list.push(event as Sequenced);
      byDevice.set(event.sender.deviceId, list);
    }
    const dropped = new Set<TimelineEvent>();
    const gapRows: TimelineEvent[] = [];
    const remove: string[] = [];
    for (const [deviceId, list] of byDevice) {
      const state = await this.state(threadId, deviceId);
      let changed = false;
      const affected = new Set<number>();
      for (const event of list) {
        const { sequence } = event.sender;
        const at = lowerBound(state.seen, sequence);
        const same = state.seen[at];
        if (same && same[0] === sequence) {
          // Listed again under the server seq it first came with: the same record. Anything else is a replay.
          if (same[1] === event.seq && same[2] === event.clientId) affected.add(sequence);
          else dropped.add(event);
          continue;
        }
        if (state.seen.some((entry) => entry[2] === event.clientId)) {
          dropped.add(event); // the same message sealed again under a new sequence number: shown once
          continue;
        }
        if (sequence <= state.floor) continue; // forgotten range: accepted, nothing to compare it with
        state.seen.splice(at, 0, [sequence, event.seq, event.clientId]);
        changed = true;
        affected.add(sequence);
        const next = state.seen[at + 1];
        if (next) affected.add(next[0]);
      }
      if (state.seen.length > MAX_REMEMBERED) {
        const forgotten = state.seen.splice(0, state.seen.length - MAX_REMEMBERED);
        state.floor = forgotten.at(-1)![0];
      }
      if (changed) await this.store.putReceiveState(threadId, deviceId, state);
      if (deviceId === this.ownDeviceId) continue;
      for (const sequence of affected) {
        const at = lowerBound(state.seen, sequence);
        if (state.seen[at]?.[0] !== sequence) continue;
        const previous = at > 0 ? state.seen[at - 1]![0] : state.floor;
        const id = gapRowId(deviceId, sequence);
        if (previous === 0 || previous === sequence - 1) {
          remove.push(id);
          continue;
        }
        // The message after the gap: in this batch, or already shown.
        const clientId = state.seen[at]![2];
        const after =
          list.find((e) => e.clientId === clientId && !dropped.has(e)) ??
          shown.find((e) => e.clientId === clientId && e.seq !== null);
        if (after?.seq == null) continue;
        gapRows.push({
          threadId,
          clientId: id,
          senderId: after.senderId,
          // Just in front of the message after the gap, in server order and in the sender's order.
          seq: after.seq - 0.5,
          createdAt: after.createdAt,
          status: 'sent',
          content: null,
          failure: { reason: MESSAGE_MISSING, expected: false },
          sender: { deviceId, sequence: sequence - 0.5 },
        });
      }
    }
    const put = events.filter((event) => !dropped.has(event)).concat(gapRows);
    return { put, remove: remove.filter((id) => shown.some((e) => e.clientId === id)) };
  }
}
