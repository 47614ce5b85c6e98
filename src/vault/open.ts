/**
 * Opening the vault database: naming, upgrades, and the ways opening fails.
 *
 * This mirrors idb's `openDB`, which is hardwired to the global `indexedDB`; here the factory is a
 * parameter, so that "no IndexedDB" and a refusing factory can be tested and reported as 'unavailable'.
 */
import { wrap, type IDBPDatabase } from 'idb';
import { VaultError } from './errors.js';
import {
  migrations as defaultMigrations,
  runMigrations,
  type MigrationTable,
  type UpgradeTransaction,
} from './migrations.js';
import { REQUIRED_STORES, VAULT_VERSION, type VaultDB } from './schema.js';

const NAME_PREFIX = 'bm-secure-chat:v1';

/**
 * One database per origin, backend scope and user, so two users (or two backends) on one page never share keys.
 * Parts are URI-encoded so a ':' inside a user id cannot make two names collide.
 */
export function vaultDatabaseName(userId: string, scope?: string): string {
  if (!userId) throw new VaultError('unavailable', 'A vault needs a user id');
  const user = encodeURIComponent(userId);
  return scope === undefined
    ? `${NAME_PREFIX}:${user}`
    : `${NAME_PREFIX}:${encodeURIComponent(scope)}:${user}`;
}

/** Why an open connection stopped working. */
export type CloseReason = 'closed' | 'blocking' | 'terminated';

export interface OpenDatabaseOptions {
  /** The IndexedDB factory; `null` means there is none. Defaults to the global `indexedDB`. */
  indexedDB?: IDBFactory | null;
  /** Schema version to open at. Only tests of the migration mechanism change it. */
  version?: number;
  migrations?: MigrationTable;
  /** Called once when the connection closes for any reason other than our own `close()`. */
  onClose?: (reason: CloseReason) => void;
}

function resolveFactory(option: IDBFactory | null | undefined): IDBFactory {
  try {
    const factory = option === undefined ? globalThis.indexedDB : option;
    if (factory) return factory;
  } catch (cause) {
    // Reading `indexedDB` throws SecurityError where storage is disabled (some sandboxed frames).
    throw new VaultError('unavailable', 'IndexedDB is not accessible here', { cause });
  }
  throw new VaultError('unavailable', 'This browser offers no IndexedDB');
}

function openError(error: DOMException | null): VaultError {
  if (error?.name === 'VersionError') {
    return new VaultError('version-too-new', 'The vault was upgraded by a newer version of the widget', {
      cause: error,
    });
  }
  if (error?.name === 'AbortError') {
    return new VaultError('damaged', 'The vault upgrade failed and was rolled back', { cause: error });
  }
  return new VaultError('unavailable', `IndexedDB refused to open the vault (${error?.name ?? 'unknown'})`, {
    cause: error,
  });
}

/** Opens (creating or migrating as needed) the database, or throws a VaultError. */
export function openVaultDatabase(
  name: string,
  options: OpenDatabaseOptions = {},
): Promise<IDBPDatabase<VaultDB>> {
  const factory = resolveFactory(options.indexedDB);
  const version = options.version ?? VAULT_VERSION;
  const table = options.migrations ?? defaultMigrations;

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: VaultError): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };

    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, version);
    } catch (cause) {
      fail(new VaultError('unavailable', 'IndexedDB refused to open the vault', { cause }));
      return;
    }

    let migrationError: unknown;
    request.onupgradeneeded = (event) => {
      const db = wrap(request.result) as IDBPDatabase<VaultDB>;
      const tx = wrap(request.transaction!) as unknown as UpgradeTransaction;
      // An aborted upgrade is reported through the open request below, not through tx.done.
      tx.done.catch(() => undefined);
      runMigrations(db, tx, event.oldVersion, event.newVersion ?? version, table).catch((cause: unknown) => {
        migrationError = cause;
        try {
          tx.abort();
        } catch {
          // Already finished or aborted: the open request reports the failure.
        }
      });
    };

    // Another tab keeps an older version open; waiting could hang the widget forever, so say so now.
    request.onblocked = () =>
      fail(new VaultError('blocked', 'Another tab holds an older version of the vault open'));

    request.onerror = (event) => {
      event.preventDefault();
      fail(
        migrationError === undefined
          ? openError(request.error)
          : new VaultError('damaged', 'A vault migration failed and was rolled back', {
              cause: migrationError,
            }),
      );
    };

    request.onsuccess = () => {
      const raw = request.result;
      if (settled) {
        // We already reported 'blocked'; the other tab let go later, but nobody is waiting for this connection.
        raw.close();
        return;
      }
      const missing = REQUIRED_STORES.filter((store) => !raw.objectStoreNames.contains(store));
      if (missing.length > 0) {
        raw.close();
        fail(new VaultError('damaged', `The vault is missing stores: ${missing.join(', ')}`));
        return;
      }
      raw.onversionchange = () => {
        // A newer tab wants to upgrade (or delete) the vault: let it, and tell our owner to reload.
        raw.close();
        options.onClose?.('blocking');
      };
      raw.onclose = () => options.onClose?.('terminated');
      settled = true;
      resolve(wrap(raw) as IDBPDatabase<VaultDB>);
    };
  });
}

/** Deletes a vault database. Used when the user signs out for good, and by tests. */
export function deleteVaultDatabase(name: string, factory: IDBFactory = globalThis.indexedDB): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () =>
      reject(new VaultError('unavailable', 'Could not delete the vault', { cause: request.error }));
    request.onblocked = () =>
      reject(new VaultError('blocked', 'An open connection blocks deleting the vault'));
  });
}
