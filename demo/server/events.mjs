// Live events (PROTOCOL.md 2.10). Every event is first a row of the recipient's persisted feed (the `events`
// table, whose autoincrement id is the cursor); WebSockets and long-polls then read the feed after their
// cursor. A connection keeps the id of the last event it sent and only ever reads past it, so a replay turns
// into live delivery without a gap or a duplicate: the replay starts and the subscription is registered in
// the same synchronous tick, and events are announced only after their transaction has committed.

const REPLAY_BATCH = 200;
const POLL_MAX_EVENTS = 500;
/** Above this many buffered bytes a socket stops being fed until the network has taken what it holds. */
const HIGH_WATER_BYTES = 512 * 1024;
/** A socket that stays above the high-water mark this long is closed; its client resumes by cursor. */
export const STALL_MS = 30_000;
export const PING_MS = 25_000;

/** The wire form of a feed row: the stored JSON object with its cursor added. */
function frame(row) {
  return `{"cursor":"${row.id}",${row.payload.slice(1)}`;
}

export class Hub {
  /**
   * @param {import('better-sqlite3').Database} db
   * @param {(error: unknown) => void} [report] told of a connection that failed
   * @param {number} [stallMs] how long a socket may stay above the high-water mark
   */
  constructor(db, report = () => {}, stallMs = STALL_MS) {
    this.db = db;
    this.report = report;
    this.stallMs = stallMs;
    /** @type {Map<string, Set<{ wake(): void, end(): void }>>} */
    this.subscribers = new Map();
    this.readFeed = db.prepare(
      'SELECT id, payload FROM events WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
    this.endOfFeeds = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck();
    this.insert = db.prepare(
      'INSERT INTO events (user_id, type, thread_id, payload, created_ms) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** The cursor of "now": the newest event id of any feed (ids are shared by all feeds, and only grow). */
  end() {
    return Number(this.endOfFeeds.get() ?? 0);
  }

  /**
   * Appends an event to each user's feed. Call inside a write transaction; the caller announces the users
   * (`announce`) once it has committed.
   * @param {Iterable<string>} userIds
   * @param {{ type: string, threadId?: string } & Record<string, unknown>} event
   * @param {Set<string>} touched collects the users to announce
   */
  append(userIds, event, touched) {
    const payload = JSON.stringify(event);
    const now = Date.now();
    const threadId = event.threadId ?? event.thread?.id ?? event.message?.threadId ?? null;
    for (const userId of new Set(userIds)) {
      this.insert.run(userId, event.type, threadId, payload, now);
      touched.add(userId);
    }
  }

  /** Wakes every connection of these users: they read their feed past their cursor. @param {Iterable<string>} userIds */
  announce(userIds) {
    for (const userId of userIds) {
      for (const subscriber of [...(this.subscribers.get(userId) ?? [])]) {
        // One connection's failure must not fail the request whose commit woke it.
        try {
          subscriber.wake();
        } catch (error) {
          this.report(error);
          try {
            subscriber.end();
          } catch {
            // already broken
          }
        }
      }
    }
  }

  /** @param {string} userId @param {number} after @param {number} limit */
  read(userId, after, limit) {
    return this.readFeed.all(userId, after, limit);
  }

  subscribe(userId, subscriber) {
    let set = this.subscribers.get(userId);
    if (!set) this.subscribers.set(userId, (set = new Set()));
    set.add(subscriber);
  }

  unsubscribe(userId, subscriber) {
    const set = this.subscribers.get(userId);
    set?.delete(subscriber);
    if (set?.size === 0) this.subscribers.delete(userId);
  }

  /** Ends every WebSocket (1001) and answers every waiting long-poll: the server is going away. */
  endAll() {
    for (const set of [...this.subscribers.values()]) for (const subscriber of [...set]) subscriber.end();
  }

  /**
   * Serves one WebSocket: the feed after `after` (or from now), then live events.
   * @param {import('ws').WebSocket} socket
   * @param {string} userId
   * @param {number | undefined} after
   */
  attachSocket(socket, userId, after) {
    // A cursor past the end was not handed out by this server (a reset database): start from now.
    let last = after !== undefined && after <= this.end() ? after : this.end();
    let stalled = null;
    let closed = false;
    const subscriber = {
      wake: () => pump(),
      end: () => {
        cleanup();
        socket.close(1001, 'server shutting down');
      },
    };
    const cleanup = () => {
      closed = true;
      if (stalled) clearTimeout(stalled);
      stalled = null;
      this.unsubscribe(userId, subscriber);
    };
    const sent = (error) => {
      if (error || closed || !stalled || socket.bufferedAmount > HIGH_WATER_BYTES / 2) return;
      clearTimeout(stalled);
      stalled = null;
      pump();
    };
    const pump = () => {
      if (closed || stalled || socket.readyState !== socket.OPEN) return;
      for (;;) {
        const rows = this.read(userId, last, REPLAY_BATCH);
        if (rows.length === 0) return;
        for (const row of rows) {
          socket.send(frame(row), sent);
          last = row.id;
          if (socket.bufferedAmount > HIGH_WATER_BYTES) {
            // Too slow a reader: wait for the network, and give up on it if it never catches up.
            stalled = setTimeout(() => {
              cleanup();
              socket.terminate();
            }, this.stallMs);
            return;
          }
        }
      }
    };
    socket.on('close', cleanup);
    socket.on('error', cleanup);
    this.subscribe(userId, subscriber);
    pump();
  }

  /**
   * Answers one long-poll: `{events, cursor}` at once when the feed has events after `after`, else when one
   * arrives or `timeoutSeconds` pass (PROTOCOL.md 2.10).
   * @param {import('node:http').ServerResponse} res closing it (the client went away) drops the poll
   * @param {(status: number, body: string) => void} respond
   * @param {string} userId
   * @param {number | undefined} after
   * @param {number} timeoutSeconds
   */
  poll(res, respond, userId, after, timeoutSeconds) {
    const from = after ?? this.end();
    let done = false;
    let timer = null;
    const subscriber = { wake: () => answer(false), end: () => answer(true) };
    const answer = (force) => {
      if (done) return;
      const rows = this.read(userId, from, POLL_MAX_EVENTS);
      if (rows.length === 0 && !force) return;
      done = true;
      if (timer) clearTimeout(timer);
      this.unsubscribe(userId, subscriber);
      // With no events: the cursor it was given, or the end of the feeds for a fresh poll (or for a cursor
      // this server never handed out, one past its end).
      const end = this.end();
      const cursor = rows.length
        ? rows[rows.length - 1].id
        : after !== undefined && after <= end
          ? after
          : end;
      respond(200, `{"events":[${rows.map(frame).join(',')}],"cursor":"${cursor}"}`);
    };
    answer(timeoutSeconds === 0);
    if (done) return;
    this.subscribe(userId, subscriber);
    timer = setTimeout(() => answer(true), timeoutSeconds * 1000);
    res.on('close', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.unsubscribe(userId, subscriber);
    });
  }
}
