/**
 * What the UI shows about recovery outside its dialog: a fresh browser's setup choices (the user has keys on the
 * server but none here), and the opt-in recovery offer. The engine's encrypted-thread half feeds it.
 */
import { atom } from 'nanostores';
import type { SetupChoice } from '../engine/recovery.js';

export function createRecoveryStore() {
  /** Non-null while this browser waits for the user to restore or start fresh. */
  const $setup = atom<SetupChoice[] | null>(null);
  /** The recovery offer is due (recovery off, never answered "Not now"). */
  const $offer = atom(false);
  return { $setup, $offer };
}

export type RecoveryStore = ReturnType<typeof createRecoveryStore>;
