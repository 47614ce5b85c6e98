// The reference server's storage: one SQLite file, `<dataDir>/chat.db`, in WAL mode with synchronous=FULL, so
// a write is on disk when its transaction commits and a response acknowledges only committed writes.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT,
  assigned TEXT NOT NULL DEFAULT '[]',
  token_hash TEXT UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  nonce_hash TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE threads (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  encrypted INTEGER NOT NULL DEFAULT 0,
  encrypted_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_activity_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_activity ON threads(last_activity_at, id);

CREATE TABLE participants (
  thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id),
  joined_at TEXT NOT NULL,
  read_up_to INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX participants_user ON participants(user_id, thread_id);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (thread_id, client_id),
  UNIQUE (thread_id, seq)
);
CREATE INDEX messages_age ON messages(created_ms);

CREATE TABLE key_bundles (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  identity_key TEXT NOT NULL,
  signed_device_list TEXT NOT NULL,
  backup_recipient_id TEXT,
  backup_hpke_key TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE devices (
  user_id TEXT NOT NULL REFERENCES key_bundles(user_id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  signing_key TEXT NOT NULL,
  hpke_key TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

CREATE TABLE epochs (
  thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  announcement TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (thread_id, epoch)
);

CREATE TABLE sealed_keys (
  thread_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  recipient_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY (thread_id, epoch, recipient_id),
  FOREIGN KEY (thread_id, epoch) REFERENCES epochs(thread_id, epoch) ON DELETE CASCADE
);
CREATE INDEX sealed_keys_recipient ON sealed_keys(recipient_id);

CREATE TABLE recovery (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  blob TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE blobs (
  id TEXT PRIMARY KEY,
  thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  uploader_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX blobs_age ON blobs(created_ms);

-- Each user's feed: the autoincrement id is the cursor, so it only ever grows, across restarts and sweeps.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  type TEXT NOT NULL,
  thread_id TEXT,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX events_feed ON events(user_id, id);
CREATE INDEX events_age ON events(created_ms);
CREATE INDEX events_thread ON events(user_id, thread_id);

-- Metadata only: who did what, in which thread, when and from where. Never a title or a message.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user_id TEXT,
  action TEXT NOT NULL,
  thread_id TEXT,
  address TEXT
);
CREATE INDEX audit_user ON audit(user_id, id);
CREATE INDEX audit_thread ON audit(thread_id, id);

-- One row per recipient and message; a row about an encrypted thread says only "New encrypted message".
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  delivered_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_pending ON notifications(delivered_at, next_ms);
CREATE INDEX notifications_age ON notifications(created_ms);
`;

// Tables added after schema version 1. Purely additive and created where missing, so a version-1 database keeps
// working and the version stays 1.
const ADDED_TABLES = `
-- Device-link requests (PROTOCOL.md 2.7.1): short-lived, only public keys, a commitment and nonces.
CREATE TABLE IF NOT EXISTS link_requests (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  device_id TEXT NOT NULL,
  signing_key TEXT NOT NULL,
  hpke_key TEXT NOT NULL,
  commitment TEXT NOT NULL,
  answer_identity_key TEXT,
  answer_nonce TEXT,
  nonce TEXT,
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS link_requests_user ON link_requests(user_id, expires_ms);
`;

/**
 * Opens (creating if needed) the database under `dataDir`.
 * @param {string} dataDir
 * @returns {import('better-sqlite3').Database}
 */
export function openDatabase(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'chat.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true });
  if (version === 0) {
    db.transaction(() => {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  } else if (version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(
      `${join(dataDir, 'chat.db')} has schema version ${version}, this server knows ${SCHEMA_VERSION}`,
    );
  }
  db.exec(ADDED_TABLES);
  return db;
}
