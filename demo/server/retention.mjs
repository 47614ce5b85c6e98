// The retention sweep (PROTOCOL.md 2.10 and 2.13), run hourly and on demand: messages and blobs older than
// `retentionDays` (when set), feed events older than 7 days (typing events after 5 minutes), expired cookie
// sessions, old notifications and abandoned partial uploads.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const DAY_MS = 24 * 3600 * 1000;
export const FEED_KEEP_MS = 7 * DAY_MS;
export const TYPING_KEEP_MS = 5 * 60 * 1000;
const NOTIFICATION_KEEP_MS = 7 * DAY_MS;
const PARTIAL_UPLOAD_MS = 3600 * 1000;

/**
 * @param {{ db: import('better-sqlite3').Database, blobsDir: string, tmpDir: string, retentionDays: number | null }} store
 * @param {number} now
 */
export function sweep({ db, blobsDir, tmpDir, retentionDays }, now) {
  const removed = { messages: 0, blobs: 0, events: 0, sessions: 0, notifications: 0, partialUploads: 0 };
  /** @type {string[]} */
  let blobIds = [];
  db.transaction(() => {
    if (retentionDays !== null) {
      const cutoff = now - retentionDays * DAY_MS;
      removed.messages = db.prepare('DELETE FROM messages WHERE created_ms < ?').run(cutoff).changes;
      blobIds = db.prepare('SELECT id FROM blobs WHERE created_ms < ?').pluck().all(cutoff);
      removed.blobs = db.prepare('DELETE FROM blobs WHERE created_ms < ?').run(cutoff).changes;
      // A feed must not keep a copy of a message the retention rule has deleted.
      removed.events += db
        .prepare("DELETE FROM events WHERE type = 'message' AND created_ms < ?")
        .run(cutoff).changes;
      removed.notifications += db
        .prepare('DELETE FROM notifications WHERE created_ms < ?')
        .run(cutoff).changes;
    }
    removed.events += db.prepare('DELETE FROM events WHERE created_ms < ?').run(now - FEED_KEEP_MS).changes;
    removed.events += db
      .prepare("DELETE FROM events WHERE type = 'typing' AND created_ms < ?")
      .run(now - TYPING_KEEP_MS).changes;
    removed.sessions = db.prepare('DELETE FROM sessions WHERE expires_ms < ?').run(now).changes;
    removed.notifications += db
      .prepare('DELETE FROM notifications WHERE created_ms < ?')
      .run(now - NOTIFICATION_KEEP_MS).changes;
  })();
  // Files go after the rows are gone: a crash in between leaves an orphan file, never a row without its file.
  for (const id of blobIds) {
    try {
      unlinkSync(join(blobsDir, id));
    } catch {
      // already gone
    }
  }
  for (const name of safeList(tmpDir)) {
    const path = join(tmpDir, name);
    try {
      if (statSync(path).mtimeMs < now - PARTIAL_UPLOAD_MS) {
        unlinkSync(path);
        removed.partialUploads++;
      }
    } catch {
      // raced with its upload finishing
    }
  }
  return removed;
}

/** @param {string} dir */
function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
