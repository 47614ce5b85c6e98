// Notifications (PROTOCOL.md 2.11 and 2.13): an outbox table, one row per recipient and message, written in
// the message's own transaction; with a webhook configured, rows are POSTed to it and retried with backoff.
import { isoTime } from './util.mjs';

const BATCH = 50;
const MAX_ATTEMPTS = 6;
const RETRY_MS = 15_000;
const TIMEOUT_MS = 5_000;

export class Notifier {
  /**
   * @param {import('better-sqlite3').Database} db
   * @param {{ webhookUrl?: string | null, report?: (error: unknown) => void }} options
   */
  constructor(db, options) {
    this.webhookUrl = options.webhookUrl ?? null;
    this.report = options.report ?? (() => {});
    this.insert = db.prepare(
      `INSERT INTO notifications (recipient_id, thread_id, message_id, text, created_at, created_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.pending = db.prepare(
      `SELECT id, recipient_id, thread_id, message_id, text, created_at, attempts FROM notifications
       WHERE delivered_at IS NULL AND attempts < ${MAX_ATTEMPTS} AND next_ms <= ? ORDER BY id LIMIT ${BATCH}`,
    );
    this.delivered = db.prepare('UPDATE notifications SET delivered_at = ? WHERE id = ?');
    this.failed = db.prepare('UPDATE notifications SET attempts = attempts + 1, next_ms = ? WHERE id = ?');
    this.running = false;
    this.again = false;
    this.controller = new AbortController();
    this.timer = this.webhookUrl ? setInterval(() => this.kick(), RETRY_MS) : null;
    this.timer?.unref();
    /** @type {Promise<void>} */
    this.idle = Promise.resolve();
  }

  /**
   * Queues one row per recipient; call inside the message's transaction.
   * @param {string[]} recipientIds
   * @param {{ threadId: string, messageId: string, text: string, createdMs: number }} message
   */
  add(recipientIds, message) {
    for (const recipientId of recipientIds) {
      this.insert.run(
        recipientId,
        message.threadId,
        message.messageId,
        message.text,
        isoTime(message.createdMs),
        message.createdMs,
      );
    }
  }

  /** Delivers what is due, after the current transaction has committed. */
  kick() {
    if (!this.webhookUrl || this.controller.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.deliver().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  async deliver() {
    for (;;) {
      const rows = this.pending.all(Date.now());
      if (rows.length === 0 || this.controller.signal.aborted) return;
      for (const row of rows) {
        if (this.controller.signal.aborted) return;
        try {
          const response = await fetch(/** @type {string} */ (this.webhookUrl), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              id: String(row.id),
              recipientId: row.recipient_id,
              threadId: row.thread_id,
              messageId: row.message_id,
              text: row.text,
              createdAt: row.created_at,
            }),
            signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(TIMEOUT_MS)]),
          });
          await response.arrayBuffer().catch(() => undefined);
          if (!response.ok) throw new Error(`webhook answered ${response.status}`);
          this.delivered.run(isoTime(), row.id);
        } catch (error) {
          if (this.controller.signal.aborted) return;
          this.failed.run(Date.now() + RETRY_MS * 2 ** row.attempts, row.id);
          this.report(error);
        }
      }
    }
  }

  /** Stops delivering: aborts a request in flight and the retry timer. */
  async stop() {
    this.controller.abort();
    if (this.timer) clearInterval(this.timer);
    await this.idle.catch(() => undefined);
  }
}
