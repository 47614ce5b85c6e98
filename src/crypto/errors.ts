/** Why a cryptographic operation refused its input. Machine-readable, for the UI to explain. */
export type CryptoFailure =
  /** A signature does not verify under the key it claims. */
  | 'signature-invalid'
  /** The envelope names an epoch this device holds no key for. */
  | 'epoch-unknown'
  /** The envelope names a sender device that is not in the sender's signed device list. */
  | 'device-unknown'
  /** The ciphertext does not authenticate under its header (a changed header, thread or epoch). */
  | 'aad-mismatch'
  /** This message (its sequence number or client id) was already accepted. */
  | 'replayed'
  /** The bytes do not parse as the format says. */
  | 'malformed'
  /** Decryption failed for a reason other than a header change (a wrong key, a flipped bit). */
  | 'decrypt-failed'
  /** The envelope belongs to another thread than the one it was delivered in. */
  | 'wrong-thread'
  /** A sealed key was not addressed to this device, thread or epoch. */
  | 'wrong-recipient'
  /** A sealed epoch key does not match the key its signed announcement commits to. */
  | 'key-commitment-mismatch'
  | 'suite-unsupported'
  | 'version-unsupported'
  /** A public key is not a valid point of the suite's curve, or a key has the wrong size. */
  | 'invalid-key'
  /** An attachment's header does not commit to this key and context. */
  | 'commitment-mismatch'
  /** An attachment ends early (its final chunk is missing) or is shorter than its header. */
  | 'truncated';

/** Every failure of the crypto layer is one of these, never a bare string. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly reason: CryptoFailure,
    message: string = reason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
