import { atom } from 'nanostores';

/** One failure the banner shows until the user dismisses it. */
export interface ShownError {
  id: number;
  /** Machine-readable, as `bm-error` carries it (`network`, `forbidden`, ...). */
  reason: string;
}

/** How many errors stay on screen at once; older ones make way for newer ones. */
export const MAX_SHOWN_ERRORS = 3;

/**
 * The errors a widget shows, per instance. The same reason twice is shown once (the newer one), so a retry
 * loop does not stack up identical banners.
 */
export function createErrorLog(limit = MAX_SHOWN_ERRORS) {
  const $errors = atom<ShownError[]>([]);
  let nextId = 1;

  function report(reason: string): void {
    const others = $errors.get().filter((error) => error.reason !== reason);
    $errors.set([...others, { id: nextId++, reason }].slice(-limit));
  }

  function dismiss(id: number): void {
    $errors.set($errors.get().filter((error) => error.id !== id));
  }

  return { $errors, report, dismiss };
}

export type ErrorLog = ReturnType<typeof createErrorLog>;
