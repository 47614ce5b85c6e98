/**
 * Recovery and device setup as the UI sees them: what it may ask (`RecoveryActions`) and the errors it may get.
 * The work is done in the crypto chunk (security/recovery.ts, security/device-setup.ts); this module holds only
 * types, so importing it costs the embed entry nothing.
 */

/**
 * How a browser whose vault is empty can become a device of a user who already has keys on the server: `link`
 * from the user's other device (device-link.ts); `restore` with the recovery passphrase (offered only when a
 * backup is stored); `start-fresh`: new keys, and contacts are told the key changed. `finish-restore`, offered
 * alone: a restore an earlier page began did not finish; the passphrase again finishes it (`restore`).
 */
export type SetupChoice = 'link' | 'restore' | 'start-fresh' | 'finish-restore';

/**
 * This browser has no keys for a user who already has an identity on the server. Nothing was created or
 * published: the user chooses first (`choices`), and the engine acts on `RecoveryActions.restore` or
 * `startFresh`.
 */
export class DeviceSetupError extends Error {
  override readonly name = 'DeviceSetupError';
  readonly reason = 'setup-needed';
  constructor(readonly choices: SetupChoice[]) {
    super('This browser has no keys for this account yet: link it, restore or start fresh');
  }
}

export type RecoveryFlowErrorReason =
  /** There is no recovery backup on the server (never turned on, or turned off). */
  | 'no-backup'
  /** Restore or start fresh was asked of a browser that already holds this user's keys. */
  | 'setup-not-needed'
  /** Recovery is already on; change the passphrase or turn it off first. */
  | 'already-enabled'
  /** Recovery is not on in this browser. */
  | 'not-enabled';

/**
 * A recovery step that cannot be taken in this state. Passphrase failures (`wrong-passphrase`,
 * `passphrase-too-weak`, `tampered`, ...) are the crypto layer's `RecoveryError`, with the same `reason` field.
 */
export class RecoveryFlowError extends Error {
  override readonly name = 'RecoveryFlowError';
  constructor(
    readonly reason: RecoveryFlowErrorReason,
    message: string = reason,
  ) {
    super(message);
  }
}

export interface RecoveryStatus {
  /** A recovery backup is on for this browser (its key is in the vault and new epoch keys are sealed to it). */
  enabled: boolean;
  /** The backup holds the identity key, so a restore keeps the safety number contacts compared. */
  identityIncluded: boolean;
  /** The opt-in offer should be shown: recovery is off and the user has not said "Not now". */
  offerDue: boolean;
  /** The identity key can still go into a backup turned on now (it was made on this page and not yet dropped). */
  identityAvailable: boolean;
}

/** What the UI may ask about recovery. Every method needs the crypto chunk, which the engine loads. */
export interface RecoveryActions {
  status(): Promise<RecoveryStatus>;
  /** Turns recovery on: a new backup under this passphrase, stored on the server, current from now on. */
  enable(passphrase: string): Promise<void>;
  /** Re-wraps the backup under a new passphrase; sealed keys stay readable. */
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;
  /** Deletes the backup from the server and this vault, and stops sealing to it. */
  disable(): Promise<void>;
  /** "Not now": the offer is not shown again (recovery can still be turned on later). */
  declineOffer(): Promise<void>;
  /** On a fresh browser: the passphrase brings back the identity and the history's keys. */
  restore(passphrase: string): Promise<void>;
  /** On a fresh browser: new keys. Contacts are told the key changed; older messages stay unreadable here. */
  startFresh(): Promise<void>;
}
