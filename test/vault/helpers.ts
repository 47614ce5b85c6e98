import {
  deleteVaultDatabase,
  openVault,
  type NewDevice,
  type OpenVaultOptions,
  type Vault,
} from '../../src/vault/index.js';

const opened: Vault[] = [];
const names = new Set<string>();

/** A user id no other test (or earlier run) uses, so every test gets its own database. */
export function uniqueUserId(label = 'user'): string {
  return `${label}-${crypto.randomUUID()}`;
}

/** Opens a vault and remembers it so `cleanUpVaults` closes and deletes it after the test. */
export async function openTestVault(userId: string, options?: OpenVaultOptions): Promise<Vault> {
  const vault = await openVault(userId, options);
  opened.push(vault);
  names.add(vault.databaseName);
  return vault;
}

export function trackDatabase(name: string): void {
  names.add(name);
}

/**
 * After `blocked`: the deletion again, which waits until the connections are closed. A stopped engine's last
 * transaction (a key pinned, a membership recorded) may still be running when its vault is closed; a connection
 * that stays open fails after 5 s as before.
 */
function deleteOnceClosed(name: string, blocked: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(blocked), 5000);
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => (clearTimeout(timer), resolve());
    request.onerror = () => (clearTimeout(timer), reject(blocked));
  });
}

export async function cleanUpVaults(): Promise<void> {
  for (const vault of opened.splice(0)) vault.close();
  for (const name of [...names]) {
    names.delete(name);
    await deleteVaultDatabase(name).catch((error: unknown) =>
      (error as { reason?: string }).reason === 'blocked'
        ? deleteOnceClosed(name, error)
        : Promise.reject(error),
    );
  }
}

export function signingKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, extractable, ['sign', 'verify']);
}

export function hpkeKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, extractable, ['deriveBits']);
}

export async function newDevice(deviceId = `device-${crypto.randomUUID()}`): Promise<NewDevice> {
  return {
    deviceId,
    identity: await signingKeyPair(),
    signing: await signingKeyPair(),
    hpke: await hpkeKeyPair(),
  };
}

/** Opens a raw IndexedDB connection, for tests that need to shape a database by hand. */
export function rawOpen(
  name: string,
  version?: number,
  upgrade?: (db: IDBDatabase, tx: IDBTransaction) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => upgrade?.(request.result, request.transaction!);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function requestDone<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves with the VaultError (or whatever else) a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject');
}
