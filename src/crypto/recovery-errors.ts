export type RecoveryErrorReason =
  /** The passphrase does not open this backup (or the KDF header was altered, which looks the same). */
  | 'wrong-passphrase'
  /** The blob is not a recovery backup this code can parse: bad magic, lengths, flags or key bytes. */
  | 'malformed'
  /** The passphrase opened the header but a wrapped key failed authentication: the blob was altered. */
  | 'tampered'
  /** The blob is a newer format or uses a KDF this code does not know. */
  | 'unsupported-version'
  /** The stored iteration count is below the minimum (or above the maximum) this code accepts. */
  | 'kdf-too-weak'
  /** `createRecoveryBackup` or `changeRecoveryPassphrase` got a passphrase below the minimum strength. */
  | 'passphrase-too-weak'
  /** A key handed in to be backed up cannot be exported (it must be, exactly once, at creation). */
  | 'key-not-extractable';

/** Every recovery failure is one of these, with a reason the UI can show. */
export class RecoveryError extends Error {
  override readonly name = 'RecoveryError';
  constructor(
    readonly reason: RecoveryErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
