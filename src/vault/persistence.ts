import type { PersistenceAnswer } from './schema.js';

/** The part of `navigator.storage` this needs; a parameter so each answer can be tested. */
export type PersistentStorage = Pick<StorageManager, 'persist' | 'persisted'>;

function defaultStorage(): PersistentStorage | null {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  return storage && typeof storage.persist === 'function' ? storage : null;
}

/**
 * Asks the browser not to evict this origin's storage: an evicted vault silently destroys keys.
 * Asks `persisted()` first so a site that already has it never triggers a prompt again.
 */
export async function askForPersistentStorage(
  storage: PersistentStorage | null = defaultStorage(),
): Promise<PersistenceAnswer> {
  if (!storage) return 'unsupported';
  try {
    if (await storage.persisted()) return 'granted';
    return (await storage.persist()) ? 'granted' : 'denied';
  } catch {
    // Some embedded contexts reject instead of answering false; to the user it is the same answer.
    return 'denied';
  }
}
