import { CryptoError } from './errors.js';

/**
 * Replay and gap bookkeeping per (thread, sender device): pure functions over a small serialisable state that
 * the vault stores. A sequence number seen before is a replay; a jump leaves a gap that is reported, and
 * filled if the missing message arrives late.
 */

/** How many missing sequence numbers are remembered per device; older gaps are forgotten as lost. */
const MAX_MISSING = 1000;

export interface ReplayState {
  /** Highest sequence number accepted (0 before the first). */
  highest: number;
  /** Sequence numbers below `highest` not yet seen. */
  missing: number[];
}

export type ReplayVerdict =
  | { status: 'new'; state: ReplayState; gaps: Array<{ from: number; to: number }> }
  | { status: 'late'; state: ReplayState }
  | { status: 'duplicate'; state: ReplayState };

export function emptyReplayState(): ReplayState {
  return { highest: 0, missing: [] };
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
  if (!Number.isSafeInteger(sequence) || sequence < 1) return { status: 'duplicate', state };
  if (sequence > state.highest) {
    const gaps: Array<{ from: number; to: number }> = [];
    let missing = state.missing;
    if (sequence > state.highest + 1 && !(options.first ?? state.highest === 0)) {
      gaps.push({ from: state.highest + 1, to: sequence - 1 });
      const added: number[] = [];
      for (let n = Math.max(state.highest + 1, sequence - MAX_MISSING); n < sequence; n++) added.push(n);
      missing = [...missing, ...added].slice(-MAX_MISSING);
    }
    return { status: 'new', state: { highest: sequence, missing }, gaps };
  }
  if (state.missing.includes(sequence)) {
    return {
      status: 'late',
      state: { highest: state.highest, missing: state.missing.filter((n) => n !== sequence) },
    };
  }
  return { status: 'duplicate', state };
}

/**
 * The same decision as a typed failure: returns the new state and any gaps, or throws CryptoError('replayed')
 * for a sequence number already accepted.
 */
export function checkSequence(
  state: ReplayState,
  sequence: number,
  options: { first?: boolean } = {},
): { state: ReplayState; gaps: Array<{ from: number; to: number }> } {
  const verdict = acceptSequence(state, sequence, options);
  if (verdict.status === 'duplicate') {
    throw new CryptoError('replayed', `Sequence ${sequence} was already accepted`);
  }
  return { state: verdict.state, gaps: verdict.status === 'new' ? verdict.gaps : [] };
}
