import type { IDBPDatabase } from 'idb';
import { VaultError } from './errors.js';
import type { CloseReason } from './open.js';
import type { VaultDB } from './schema.js';

/** Turns what IndexedDB throws into a VaultError the engine can act on. */
export function toVaultError(error: unknown, closedReason: CloseReason | null): VaultError {
  if (error instanceof VaultError) return error;
  const name = error instanceof DOMException ? error.name : '';
  if (closedReason || name === 'InvalidStateError') {
    return new VaultError('closed', `The vault connection is closed (${closedReason ?? 'closed'})`, {
      cause: error,
    });
  }
  if (name === 'ConstraintError')
    return new VaultError('duplicate', 'A record with this id exists', { cause: error });
  if (name === 'QuotaExceededError') {
    return new VaultError('quota-exceeded', 'The storage quota for this site is used up', { cause: error });
  }
  // UnknownError is how Chromium reports a corrupt backing store; anything else unexpected is treated alike.
  return new VaultError('damaged', `The vault could not be read or written (${name || String(error)})`, {
    cause: error,
  });
}

/** One open database shared by the store helpers, which all refuse to work once it is closed. */
export class VaultConnection {
  closedReason: CloseReason | null = null;

  constructor(private readonly db: IDBPDatabase<VaultDB>) {}

  async run<T>(work: (db: IDBPDatabase<VaultDB>) => Promise<T>): Promise<T> {
    if (this.closedReason) throw toVaultError(undefined, this.closedReason);
    try {
      return await work(this.db);
    } catch (error) {
      throw toVaultError(error, this.closedReason);
    }
  }

  close(reason: CloseReason): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    this.db.close();
  }
}

/** The vault stores only keys that cannot be exported: refuse the others before they are written. */
export function assertNonExtractable(key: CryptoKey, what: string): void {
  if (!(key instanceof CryptoKey)) throw new VaultError('damaged', `${what} is not a CryptoKey`);
  if (key.extractable)
    throw new VaultError('key-extractable', `${what} is extractable; import it as non-extractable`);
}
