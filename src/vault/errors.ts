export type VaultErrorReason =
  /** No IndexedDB here (private mode refusing, sandboxed frame, storage disabled). */
  | 'unavailable'
  /** Another tab holds an older version open and does not let go. */
  | 'blocked'
  /** Stores are missing, a record is unreadable, or keys are gone that the vault says it had. */
  | 'damaged'
  /** A newer version of the widget upgraded this vault; this code cannot read it. */
  | 'version-too-new'
  /** `createDevice` was called on a vault that already holds a device. */
  | 'device-exists'
  /** A private key handed to the vault could be exported; the vault stores only non-extractable keys. */
  | 'key-extractable'
  /** The connection was closed: by `close()`, by a newer tab that needs to upgrade, or by the browser. */
  | 'closed'
  /** The record the call refers to does not exist. */
  | 'not-found'
  /** A record with this unique id (an outbox client id) is already stored. */
  | 'duplicate'
  /** The browser's storage quota for this origin is used up. */
  | 'quota-exceeded';

/** Every vault failure is one of these, with a reason the UI can act on. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly reason: VaultErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
