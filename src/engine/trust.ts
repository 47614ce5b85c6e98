import type { UserId } from '../adapter/types.js';
import type { SafetyNumber } from '../crypto/safety-number.js';

export type TrustErrorReason =
  /** A verified contact's key changed and the user has not chosen yet: nothing is sealed to their threads. */
  | 'key-change-unresolved'
  /** The contact has no keys pinned here (no device yet): there is no safety number to compare. */
  | 'not-pinned'
  /** The key changed between showing the safety number and marking it verified: compare again. */
  | 'key-changed';

export class TrustError extends Error {
  override readonly name = 'TrustError';
  constructor(
    readonly reason: TrustErrorReason,
    readonly userId: UserId,
    message = `${reason}: ${userId}`,
  ) {
    super(message);
  }
}

/** A contact's safety number, with the pinned identity key it was computed from. */
export interface ContactSafetyNumber extends SafetyNumber {
  identityKey: string;
}

/** Verification and key changes: what the UI may ask of the encrypted-thread half. */
export interface TrustActions {
  /** The safety number of this user and a contact, from the key pinned now (fetched and pinned if new). */
  safetyNumber(userId: UserId): Promise<ContactSafetyNumber>;
  /**
   * Marks a contact verified (the numbers matched) or not. With `identityKey`, refuses (`key-changed`) when the
   * pinned key is no longer the one the number was shown for. Verifying also settles an open key change.
   */
  setVerified(userId: UserId, verified: boolean, identityKey?: string): Promise<void>;
  /** The user looked at a key change and accepts the new key without verifying it: sending resumes. */
  acceptKeyChange(userId: UserId): Promise<void>;
}
