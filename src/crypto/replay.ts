import { CryptoError } from './errors.js';

/**
 * Replay and gap bookkeeping per (thread, sender device): pure functions over a small serialisable state that
 * the vault stores. A sequence number seen before is a replay; a jump leaves a gap that is reported, and
 * filled if the missing message arrives late. A client message id seen before from the same device is a
 * duplicate even under a new sequence number (a message sealed twice, e.g. again after an epoch race).
 */

/** How many missing sequence numbers are remembered per device; older gaps are forgotten as lost. */
const MAX_MISSING = 1000;
/** How many recent client message ids are remembered per device. */
const MAX_RECENT_IDS = 1000;

export interface ReplayState {
  /** Highest sequence number accepted (0 before the first). */
  highest: number;
  /** Sequence numbers below `highest` not yet seen. */
  missing: number[];
  /**
   * Client message ids of the most recently accepted messages, oldest first. Optional so that states stored
   * before it existed still load.
   */
  recentClientIds?: string[];
}

export interface SequenceGap {
  from: number;
  to: number;
}

export type ReplayVerdict =
  | { status: 'new'; state: ReplayState; gaps: SequenceGap[] }
  | { status: 'late'; state: ReplayState }
  | { status: 'duplicate'; state: ReplayState; duplicateOf: 'sequence' | 'client-id' };

export function emptyReplayState(): ReplayState {
  return { highest: 0, missing: [], recentClientIds: [] };
}

/**
 * Accepts a sequence number, or calls it a duplicate. `gaps` lists the ranges skipped by this message, so the
 * UI can say "a message may be missing". A device's first message starting above 1 is not a gap: the reader
 * may have joined later.
 */
export function acceptSequence(
  state: ReplayState,
  sequence: number,
  options: { first?: boolean } = {},
): ReplayVerdict {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    return { status: 'duplicate', state, duplicateOf: 'sequence' };
  }
  if (sequence > state.highest) {
    const gaps: SequenceGap[] = [];
    let missing = state.missing;
    if (sequence > state.highest + 1 && !(options.first ?? state.highest === 0)) {
      gaps.push({ from: state.highest + 1, to: sequence - 1 });
      const added: number[] = [];
      for (let n = Math.max(state.highest + 1, sequence - MAX_MISSING); n < sequence; n++) added.push(n);
      missing = [...missing, ...added].slice(-MAX_MISSING);
    }
    return { status: 'new', state: { ...state, highest: sequence, missing }, gaps };
  }
  if (state.missing.includes(sequence)) {
    return {
      status: 'late',
      state: { ...state, missing: state.missing.filter((n) => n !== sequence) },
    };
  }
  return { status: 'duplicate', state, duplicateOf: 'sequence' };
}

/**
 * Accepts an envelope's (sequence, client message id) from one device: a duplicate by either is dropped, and
 * an accepted id is remembered. The state is unchanged on a duplicate.
 */
export function acceptMessage(
  state: ReplayState,
  message: { sequence: number; clientMessageId: string },
  options: { first?: boolean } = {},
): ReplayVerdict {
  const recent = state.recentClientIds ?? [];
  if (recent.includes(message.clientMessageId))
    return { status: 'duplicate', state, duplicateOf: 'client-id' };
  const verdict = acceptSequence(state, message.sequence, options);
  if (verdict.status === 'duplicate') return verdict;
  const recentClientIds = [...recent, message.clientMessageId].slice(-MAX_RECENT_IDS);
  return { ...verdict, state: { ...verdict.state, recentClientIds } };
}

/**
 * The same decision as a typed failure: returns the new state and any gaps, or throws CryptoError('replayed')
 * for a sequence number already accepted.
 */
export function checkSequence(
  state: ReplayState,
  sequence: number,
  options: { first?: boolean } = {},
): { state: ReplayState; gaps: SequenceGap[] } {
  return verdictOrThrow(acceptSequence(state, sequence, options), `Sequence ${sequence}`);
}

/** acceptMessage as a typed failure: CryptoError('replayed') for a repeated sequence or client message id. */
export function checkMessage(
  state: ReplayState,
  message: { sequence: number; clientMessageId: string },
  options: { first?: boolean } = {},
): { state: ReplayState; gaps: SequenceGap[] } {
  return verdictOrThrow(
    acceptMessage(state, message, options),
    `Message ${message.clientMessageId} (sequence ${message.sequence})`,
  );
}

function verdictOrThrow(verdict: ReplayVerdict, what: string): { state: ReplayState; gaps: SequenceGap[] } {
  if (verdict.status === 'duplicate') {
    const by = verdict.duplicateOf === 'client-id' ? 'its client message id' : 'its sequence number';
    throw new CryptoError('replayed', `${what} was already accepted (by ${by})`);
  }
  return { state: verdict.state, gaps: verdict.status === 'new' ? verdict.gaps : [] };
}
