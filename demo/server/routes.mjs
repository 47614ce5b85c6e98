// Every route of the wire protocol (PROTOCOL.md Part 2), under /v1. Each handler does its checks and writes
// synchronously in one transaction (app.write), so first-writer-wins and idempotency cannot race, and a
// response is sent only once its writes have committed.
import { downloadBlob, uploadBlob } from './blobs.mjs';
import { checkBody, notificationText } from './content.mjs';
import { LINK_ROUTES } from './links.mjs';
import {
  base64urlField,
  base64urlJson,
  decimalCursor,
  encryptionDisabled,
  fields,
  forbidden,
  HttpError,
  idField,
  intField,
  invalid,
  isoTime,
  limitParam,
  newId,
  notFound,
  titleField,
} from './util.mjs';

/**
 * @typedef {import('./server.mjs').RequestContext} Ctx
 * @typedef {{ status: number, json?: unknown } | undefined} Result
 * @typedef {object} Route
 * @property {string} method
 * @property {string} path segments; `:name` captures one
 * @property {(ctx: Ctx) => Result | Promise<Result>} handler
 * @property {'json' | 'none' | 'raw'} [body] json: an object is required; none: no body (or `{}`); raw: the
 *   handler reads the stream itself
 * @property {boolean} [auth] false for the routes anyone may call
 * @property {boolean} [testHook] present only with testHooks
 */

const MAX_LIST = 200;
const TYPING_INTERVAL_MS = 1000;

// Session and contacts (2.4)

/** @param {Ctx} ctx */
function getSession({ app, user }) {
  return {
    status: 200,
    json: {
      user: app.profile(user),
      capabilities: {
        encryptionEnabled: app.roles.encryptionEnabled,
        canStartEncryptedThreads: app.roles.canStartEncrypted(app.person(user)),
        maxUploadBytes: app.config.maxUploadBytes,
        maxMessageBytes: app.config.maxMessageBytes,
      },
    },
  };
}

/** @param {Ctx} ctx */
function listContacts({ app, user }) {
  const me = app.person(user);
  const contacts = app
    .q('SELECT id, display_name, role, assigned FROM users WHERE id != ? ORDER BY display_name, id')
    .all(user.id)
    .filter((row) => app.roles.mayShare(me, app.person(row)))
    .map((row) => app.profile(row));
  return { status: 200, json: contacts };
}

// Threads (2.5)

/** @param {Ctx} ctx */
function listThreads({ app, user, url }) {
  const limit = limitParam(url.searchParams);
  const raw = url.searchParams.get('cursor');
  let rows;
  if (raw === null) {
    rows = app
      .q(
        `SELECT t.* FROM threads t JOIN participants p ON p.thread_id = t.id AND p.user_id = ?
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?`,
      )
      .all(user.id, limit + 1);
  } else {
    let at, id;
    try {
      [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    } catch {
      // refused below
    }
    if (typeof at !== 'string' || typeof id !== 'string') throw invalid('bad-cursor', 'Not a thread cursor');
    rows = app
      .q(
        `SELECT t.* FROM threads t JOIN participants p ON p.thread_id = t.id AND p.user_id = ?
         WHERE t.last_activity_at < ? OR (t.last_activity_at = ? AND t.id < ?)
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?`,
      )
      .all(user.id, at, at, id, limit + 1);
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last ? base64urlJson(JSON.stringify([last.last_activity_at, last.id])) : null;
  return { status: 200, json: { items: page.map((row) => app.threadView(row, user.id)), next } };
}

/**
 * Every person in `joining` must be admitted by, and admit, every person in `everyone` (2.13).
 * @param {import('./server.mjs').App} app
 * @param {import('./roles.mjs').Person[]} joining
 * @param {import('./roles.mjs').Person[]} everyone
 */
function checkPairs(app, joining, everyone) {
  for (const a of joining) {
    for (const b of everyone) {
      if (!app.roles.mayShare(a, b)) {
        throw forbidden('not-allowed-to-message', `${a.id} and ${b.id} may not share a thread`);
      }
    }
  }
}

/** @param {import('./server.mjs').App} app @param {import('./roles.mjs').Person} starter */
function checkCanStart(app, starter) {
  if (!app.roles.encryptionEnabled) {
    throw encryptionDisabled('encryption-disabled', 'End-to-end encryption is switched off on this site');
  }
  if (!app.roles.canStartEncrypted(starter)) {
    throw encryptionDisabled('role-cannot-start-encrypted', 'Your role may not start encrypted threads');
  }
}

/** @param {import('./server.mjs').App} app @param {import('./roles.mjs').Person[]} people */
function checkCanJoin(app, people) {
  for (const person of people) {
    if (!app.roles.canJoinEncrypted(person)) {
      throw encryptionDisabled(
        'role-cannot-join-encrypted',
        `${person.id}'s role may not be in an encrypted thread`,
      );
    }
  }
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string[]}
 */
function idList(value, name) {
  if (!Array.isArray(value) || value.length > MAX_LIST) {
    throw invalid('bad-field', `${name} must be a list of at most ${MAX_LIST} ids`);
  }
  return [...new Set(value.map((id) => idField(id, name)))];
}

/** @param {import('./server.mjs').App} app @param {string[]} ids */
function peopleOf(app, ids) {
  return ids.map((id) => {
    const row = app.userRow(id);
    if (!row) throw notFound('unknown-user', `No user ${id}`);
    return app.person(row);
  });
}

/** @param {Ctx} ctx */
function createThread({ app, user, body, write }) {
  const b = fields(body, ['title', 'participantIds', 'encrypted']);
  const title = titleField(b.title);
  const invited = idList(b.participantIds, 'participantIds');
  if (typeof b.encrypted !== 'boolean') throw invalid('bad-field', 'encrypted must be a boolean');
  const encrypted = b.encrypted;
  return write((w) => {
    const people = peopleOf(app, [...new Set([user.id, ...invited])]);
    checkPairs(app, people, people);
    if (encrypted) {
      checkCanStart(app, app.person(user));
      checkCanJoin(app, people);
    }
    const id = newId('t_');
    const now = isoTime();
    app
      .q(
        `INSERT INTO threads (id, title, encrypted, encrypted_at, created_by, created_at, last_activity_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, title, encrypted ? 1 : 0, encrypted ? now : null, user.id, now, now);
    const join = app.q(
      'INSERT INTO participants (thread_id, user_id, joined_at, read_up_to) VALUES (?, ?, ?, 0)',
    );
    for (const person of people) join.run(id, person.id, now);
    w.emitThread(id);
    w.audit('thread.create', id);
    return { status: 201, json: app.threadView(app.threadRow(id), user.id) };
  });
}

/** @param {Ctx} ctx */
function getThread({ app, user, params }) {
  return { status: 200, json: app.threadView(app.requireParticipant(params.t, user.id), user.id) };
}

/** @param {Ctx} ctx */
function renameThread({ app, user, params, body, write }) {
  const title = titleField(fields(body, ['title']).title);
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    if (thread.title !== title) {
      app.q('UPDATE threads SET title = ? WHERE id = ?').run(title, params.t);
      w.emitThread(params.t);
      w.audit('thread.rename', params.t);
    }
    return { status: 200, json: app.threadView(app.threadRow(params.t), user.id) };
  });
}

/** @param {Ctx} ctx */
function addParticipants({ app, user, params, body, write }) {
  const ids = idList(fields(body, ['userIds']).userIds, 'userIds');
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    const current = app.participantIds(params.t);
    const joining = peopleOf(
      app,
      ids.filter((id) => !current.includes(id)),
    );
    if (joining.length > 0) {
      const everyone = [...peopleOf(app, current), ...joining];
      checkPairs(app, joining, everyone);
      if (thread.encrypted) checkCanJoin(app, joining);
      const now = isoTime();
      const join = app.q(
        'INSERT INTO participants (thread_id, user_id, joined_at, read_up_to) VALUES (?, ?, ?, ?)',
      );
      // A newcomer starts with nothing unread.
      for (const person of joining) join.run(params.t, person.id, now, thread.last_seq);
      w.emitThread(params.t);
      w.audit('participants.add', params.t);
    }
    return { status: 200, json: app.threadView(app.threadRow(params.t), user.id) };
  });
}

/** @param {Ctx} ctx */
function removeParticipant({ app, user, params, write }) {
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    if (!app.userRow(params.u)) throw notFound('unknown-user', `No user ${params.u}`);
    const leaving = params.u === user.id;
    if (!leaving && thread.created_by !== user.id && !app.roles.canManageThreads(app.person(user))) {
      throw forbidden('not-allowed-to-remove', "Only the thread's creator or a manager may remove others");
    }
    const removed = app
      .q('DELETE FROM participants WHERE thread_id = ? AND user_id = ?')
      .run(params.t, params.u);
    if (removed.changes > 0) {
      // The removed member loses the thread at once, down to the copies of it in their feed.
      app.q('DELETE FROM events WHERE user_id = ? AND thread_id = ?').run(params.u, params.t);
      w.emit([params.u], { type: 'thread-removed', threadId: params.t });
      w.emitThread(params.t);
      w.audit(leaving ? 'participants.leave' : 'participants.remove', params.t);
    }
    return { status: 200, json: app.threadView(app.threadRow(params.t), user.id) };
  });
}

/** @param {Ctx} ctx */
function enableEncryption({ app, user, params, write }) {
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    // One-way: enabling an encrypted thread succeeds and changes nothing.
    if (!thread.encrypted) {
      checkCanStart(app, app.person(user));
      checkCanJoin(app, peopleOf(app, app.participantIds(params.t)));
      app.q('UPDATE threads SET encrypted = 1, encrypted_at = ? WHERE id = ?').run(isoTime(), params.t);
      w.emitThread(params.t);
      w.audit('encryption.enable', params.t);
    }
    return { status: 200, json: app.threadView(app.threadRow(params.t), user.id) };
  });
}

// Messages (2.6)

/** @param {Ctx} ctx */
function listMessages({ app, user, params, url }) {
  app.requireParticipant(params.t, user.id);
  const limit = limitParam(url.searchParams);
  const before = decimalCursor(url.searchParams.get('before'), 'before');
  const after = decimalCursor(url.searchParams.get('after'), 'after');
  if (before !== undefined && after !== undefined)
    throw invalid('bad-cursor', 'Give before or after, not both');
  const columns = 'id, thread_id, client_id, sender_id, seq, created_at, body';
  const rows =
    after !== undefined
      ? app
          .q(`SELECT ${columns} FROM messages WHERE thread_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`)
          .all(params.t, after, limit + 1)
      : app
          .q(`SELECT ${columns} FROM messages WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`)
          .all(params.t, before ?? Number.MAX_SAFE_INTEGER, limit + 1);
  const page = rows.slice(0, limit);
  const next = rows.length > limit ? String(page[page.length - 1].seq) : null;
  return { status: 200, json: { items: page.map(messageRecord), next } };
}

/** @param {any} row */
export function messageRecord(row) {
  return {
    id: row.id,
    threadId: row.thread_id,
    clientId: row.client_id,
    senderId: row.sender_id,
    seq: row.seq,
    createdAt: row.created_at,
    body: JSON.parse(row.body),
  };
}

/** @param {Ctx} ctx */
function sendMessage({ app, user, params, body, write }) {
  const b = fields(body, ['clientId', 'body']);
  const clientId = idField(b.clientId, 'clientId');
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    const existing = app
      .q('SELECT * FROM messages WHERE thread_id = ? AND client_id = ?')
      .get(params.t, clientId);
    // Idempotent by clientId: a repeat answers the stored record, whatever its body.
    if (existing) return { status: 200, json: messageRecord(existing) };
    checkBody(b.body, { threadId: params.t, encrypted: !!thread.encrypted, senderId: user.id, clientId });
    const serialised = JSON.stringify(b.body);
    if (Buffer.byteLength(serialised) > app.config.maxMessageBytes) {
      throw new HttpError(
        413,
        'too-large',
        'message-too-large',
        `A message is at most ${app.config.maxMessageBytes} bytes`,
      );
    }
    const now = Date.now();
    const row = {
      id: newId('m_'),
      thread_id: params.t,
      client_id: clientId,
      sender_id: user.id,
      seq: thread.last_seq + 1,
      created_at: isoTime(now),
      body: serialised,
    };
    app
      .q(
        `INSERT INTO messages (id, thread_id, client_id, sender_id, seq, created_at, created_ms, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.id, row.thread_id, row.client_id, row.sender_id, row.seq, row.created_at, now, row.body);
    app
      .q('UPDATE threads SET last_seq = ?, last_activity_at = ? WHERE id = ?')
      .run(row.seq, row.created_at, params.t);
    const record = messageRecord(row);
    const participants = app.participantIds(params.t);
    w.emit(participants, { type: 'message', message: record });
    w.notify(
      participants.filter((id) => id !== user.id),
      { threadId: params.t, messageId: row.id, text: notificationText(record.body), createdMs: now },
    );
    w.audit('message.send', params.t);
    return { status: 201, json: record };
  });
}

// Keys (2.7)

/** @param {unknown} value @param {string} name */
function sealedList(value, name) {
  if (!Array.isArray(value) || value.length > 1000) throw invalid('bad-field', `${name} must be a list`);
  return value.map((item, i) => {
    const s = fields(item, ['recipientId', 'sealed'], [], `${name}[${i}]`);
    return {
      recipientId: idField(s.recipientId, `${name}[${i}].recipientId`),
      sealed: base64urlField(s.sealed, `${name}[${i}].sealed`),
    };
  });
}

/** @param {Ctx} ctx */
function publishKeys({ app, user, body, write }) {
  const b = fields(body, ['identityKey', 'signedDeviceList', 'devices'], ['backup']);
  const identityKey = base64urlField(b.identityKey, 'identityKey');
  const signedDeviceList = base64urlField(b.signedDeviceList, 'signedDeviceList');
  if (!Array.isArray(b.devices) || b.devices.length > 100) {
    throw invalid('bad-field', 'devices must be a list of at most 100 devices');
  }
  const devices = b.devices.map((item, i) => {
    const d = fields(item, ['deviceId', 'signingKey', 'hpkeKey'], [], `devices[${i}]`);
    return {
      deviceId: idField(d.deviceId, `devices[${i}].deviceId`),
      signingKey: base64urlField(d.signingKey, `devices[${i}].signingKey`),
      hpkeKey: base64urlField(d.hpkeKey, `devices[${i}].hpkeKey`),
    };
  });
  if (new Set(devices.map((d) => d.deviceId)).size !== devices.length) {
    throw invalid('bad-field', 'A device id appears twice');
  }
  let backup = null;
  if (b.backup !== undefined && b.backup !== null) {
    const k = fields(b.backup, ['recipientId', 'hpkeKey'], [], 'backup');
    backup = {
      recipientId: idField(k.recipientId, 'backup.recipientId'),
      hpkeKey: base64urlField(k.hpkeKey, 'backup.hpkeKey'),
    };
  }
  return write((w) => {
    app
      .q(
        `INSERT INTO key_bundles (user_id, identity_key, signed_device_list, backup_recipient_id, backup_hpke_key, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET identity_key = excluded.identity_key,
           signed_device_list = excluded.signed_device_list, backup_recipient_id = excluded.backup_recipient_id,
           backup_hpke_key = excluded.backup_hpke_key, updated_at = excluded.updated_at`,
      )
      .run(
        user.id,
        identityKey,
        signedDeviceList,
        backup?.recipientId ?? null,
        backup?.hpkeKey ?? null,
        isoTime(),
      );
    app.q('DELETE FROM devices WHERE user_id = ?').run(user.id);
    const insert = app.q(
      'INSERT INTO devices (user_id, device_id, signing_key, hpke_key, position) VALUES (?, ?, ?, ?, ?)',
    );
    devices.forEach((d, i) => insert.run(user.id, d.deviceId, d.signingKey, d.hpkeKey, i));
    const sharers = app
      .q(
        `SELECT DISTINCT b.user_id FROM participants a JOIN participants b ON a.thread_id = b.thread_id
         WHERE a.user_id = ?`,
      )
      .pluck()
      .all(user.id);
    w.emit([user.id, ...sharers], { type: 'keys', userId: user.id });
    w.audit('keys.publish', null);
    return { status: 204 };
  });
}

/** @param {Ctx} ctx */
function fetchKeys({ app, url }) {
  const raw = url.searchParams.get('users') ?? '';
  const ids = [...new Set(raw.split(',').filter((id) => id !== ''))];
  if (ids.length > MAX_LIST) throw invalid('bad-field', `At most ${MAX_LIST} users at once`);
  for (const id of ids) idField(id, 'users');
  const bundleOf = app.q('SELECT * FROM key_bundles WHERE user_id = ?');
  const devicesOf = app.q(
    'SELECT device_id, signing_key, hpke_key FROM devices WHERE user_id = ? ORDER BY position',
  );
  const bundles = [];
  for (const id of ids) {
    const row = bundleOf.get(id);
    if (!row) continue;
    bundles.push({
      userId: id,
      identityKey: row.identity_key,
      signedDeviceList: row.signed_device_list,
      devices: devicesOf
        .all(id)
        .map((d) => ({ deviceId: d.device_id, signingKey: d.signing_key, hpkeKey: d.hpke_key })),
      ...(row.backup_recipient_id
        ? { backup: { recipientId: row.backup_recipient_id, hpkeKey: row.backup_hpke_key } }
        : {}),
      updatedAt: row.updated_at,
    });
  }
  return { status: 200, json: bundles };
}

/** @param {any} row */
const epochRecord = (row) => ({
  threadId: row.thread_id,
  epoch: row.epoch,
  announcement: row.announcement,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

const MAX_EPOCH = 0xffffffff;

/** @param {Ctx} ctx */
function putEpoch({ app, user, params, body, write }) {
  const b = fields(body, ['threadId', 'epoch', 'announcement', 'sealed']);
  if (b.threadId !== params.t) throw invalid('bad-field', 'threadId must be the thread of the path');
  const epoch = intField(b.epoch, 'epoch', 1, MAX_EPOCH);
  const announcement = base64urlField(b.announcement, 'announcement');
  const sealed = sealedList(b.sealed, 'sealed');
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    if (!thread.encrypted) throw invalid('thread-not-encrypted', 'Epochs exist only in encrypted threads');
    const existing = app.q('SELECT * FROM epochs WHERE thread_id = ? AND epoch = ?').get(params.t, epoch);
    // First writer wins: a later upload of the same number stores nothing and learns the winner.
    if (existing) return { status: 200, json: { status: 'conflict', epoch: epochRecord(existing) } };
    const row = { thread_id: params.t, epoch, announcement, created_by: user.id, created_at: isoTime() };
    app
      .q('INSERT INTO epochs (thread_id, epoch, announcement, created_by, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.thread_id, row.epoch, row.announcement, row.created_by, row.created_at);
    const insert = app.q(
      'INSERT OR IGNORE INTO sealed_keys (thread_id, epoch, recipient_id, sealed) VALUES (?, ?, ?, ?)',
    );
    for (const s of sealed) insert.run(params.t, epoch, s.recipientId, s.sealed);
    w.emit(app.participantIds(params.t), { type: 'epoch', threadId: params.t, epoch });
    w.audit('epoch.create', params.t);
    return { status: 201, json: { status: 'created', epoch: epochRecord(row) } };
  });
}

/** @param {Ctx} ctx */
function addSealed({ app, user, params, body, write }) {
  const sealed = sealedList(fields(body, ['sealed']).sealed, 'sealed');
  return write((w) => {
    app.requireParticipant(params.t, user.id);
    const epoch = app.q('SELECT 1 FROM epochs WHERE thread_id = ? AND epoch = ?').get(params.t, params.e);
    if (!epoch) throw notFound('unknown-epoch', `No epoch ${params.e} in this thread`);
    // An existing copy for a recipient is kept, never replaced.
    const insert = app.q(
      'INSERT OR IGNORE INTO sealed_keys (thread_id, epoch, recipient_id, sealed) VALUES (?, ?, ?, ?)',
    );
    let added = 0;
    for (const s of sealed) added += insert.run(params.t, params.e, s.recipientId, s.sealed).changes;
    if (added > 0) w.audit('sealed.add', params.t);
    return { status: 204 };
  });
}

/** @param {Ctx} ctx */
function listEpochs({ app, user, params }) {
  app.requireParticipant(params.t, user.id);
  const rows = app.q('SELECT * FROM epochs WHERE thread_id = ? ORDER BY epoch').all(params.t);
  return { status: 200, json: rows.map(epochRecord) };
}

/** @param {Ctx} ctx */
function getSealedKeys({ app, user, params, url }) {
  const raw = url.searchParams.get('threadId');
  const threadId = raw === null ? null : idField(raw, 'threadId');
  const mine =
    app.q('SELECT 1 FROM devices WHERE user_id = ? AND device_id = ?').get(user.id, params.recipient) ??
    app
      .q('SELECT 1 FROM key_bundles WHERE user_id = ? AND backup_recipient_id = ?')
      .get(user.id, params.recipient);
  if (!mine) throw forbidden('not-your-device', 'That recipient is not one of your devices or your backup');
  // Only threads the caller is in now: a removed member loses the keys at once.
  const rows = app
    .q(
      `SELECT s.thread_id, s.epoch, e.announcement, s.recipient_id, s.sealed FROM sealed_keys s
       JOIN epochs e ON e.thread_id = s.thread_id AND e.epoch = s.epoch
       JOIN participants p ON p.thread_id = s.thread_id AND p.user_id = ?
       WHERE s.recipient_id = ? AND (? IS NULL OR s.thread_id = ?)
       ORDER BY s.thread_id, s.epoch`,
    )
    .all(user.id, params.recipient, threadId, threadId);
  return {
    status: 200,
    json: rows.map((r) => ({
      threadId: r.thread_id,
      epoch: r.epoch,
      announcement: r.announcement,
      recipientId: r.recipient_id,
      sealed: r.sealed,
    })),
  };
}

/** @param {Ctx} ctx */
function putRecovery({ app, user, body, write }) {
  // `updatedAt` is accepted (a client may send back the record it read) and ignored: the server keeps its own.
  const b = fields(body, ['blob'], ['updatedAt']);
  const blob = base64urlField(b.blob, 'blob', 200 * 1024);
  return write((w) => {
    app
      .q(
        `INSERT INTO recovery (user_id, blob, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at`,
      )
      .run(user.id, blob, isoTime());
    w.audit('recovery.put', null);
    return { status: 204 };
  });
}

/** @param {Ctx} ctx */
function getRecovery({ app, user }) {
  const row = app.q('SELECT blob, updated_at FROM recovery WHERE user_id = ?').get(user.id);
  if (!row) throw notFound('no-recovery', 'No recovery data is stored for you');
  return { status: 200, json: { blob: row.blob, updatedAt: row.updated_at } };
}

/** @param {Ctx} ctx */
function deleteRecovery({ app, user, write }) {
  return write((w) => {
    if (app.q('DELETE FROM recovery WHERE user_id = ?').run(user.id).changes > 0)
      w.audit('recovery.delete', null);
    return { status: 204 };
  });
}

// Read state and typing (2.9)

/** @param {Ctx} ctx */
function markRead({ app, user, params, body, write }) {
  const upToSeq = intField(fields(body, ['upToSeq']).upToSeq, 'upToSeq', 0, Number.MAX_SAFE_INTEGER);
  return write((w) => {
    const thread = app.requireParticipant(params.t, user.id);
    const current = app
      .q('SELECT read_up_to FROM participants WHERE thread_id = ? AND user_id = ?')
      .pluck()
      .get(params.t, user.id);
    // Only forward, and never past the newest message.
    const next = Math.max(current, Math.min(upToSeq, thread.last_seq));
    if (next !== current) {
      app
        .q('UPDATE participants SET read_up_to = ? WHERE thread_id = ? AND user_id = ?')
        .run(next, params.t, user.id);
      w.emit(app.participantIds(params.t), {
        type: 'read',
        threadId: params.t,
        userId: user.id,
        readUpTo: next,
      });
    }
    return { status: 204 };
  });
}

/** @param {Ctx} ctx */
function sendTyping({ app, user, params, write }) {
  return write((w) => {
    app.requireParticipant(params.t, user.id);
    // At most one typing event per person and thread a second; more would only fill feeds.
    const key = `${user.id}\n${params.t}`;
    const now = Date.now();
    if ((app.typingAt.get(key) ?? 0) + TYPING_INTERVAL_MS <= now) {
      app.typingAt.set(key, now);
      const others = app.participantIds(params.t).filter((id) => id !== user.id);
      w.emit(others, { type: 'typing', threadId: params.t, userId: user.id });
    }
    return { status: 204 };
  });
}

// Live events (2.10)

/** @param {Ctx} ctx */
function pollEvents({ app, user, url, res }) {
  const after = decimalCursor(url.searchParams.get('after'), 'after');
  const rawTimeout = url.searchParams.get('timeout');
  if (rawTimeout !== null && !/^\d{1,2}$/.test(rawTimeout))
    throw invalid('bad-field', 'timeout is 0 to 30 seconds');
  const timeout = rawTimeout === null ? 25 : Number(rawTimeout);
  if (timeout > 30) throw invalid('bad-field', 'timeout is 0 to 30 seconds');
  app.hub.poll(res, (status, text) => app.sendJson(res, status, text), user.id, after, timeout);
  return undefined;
}

// Cookie sessions (2.3)

/** @param {Ctx} ctx */
function startCookieSession({ app, user, res, write }) {
  return write((w) => {
    const { cookie, nonce } = app.auth.startSession(user.id, { secure: app.config.secureCookies });
    res.setHeader('set-cookie', cookie);
    w.audit('auth.cookie', null);
    return { status: 200, json: { nonce } };
  });
}

// The reference server's audit log (2.13)

/** @param {Ctx} ctx */
function readAudit({ app, user, url, write }) {
  if (!app.roles.canAudit(app.person(user))) {
    throw forbidden('not-an-administrator', 'Only a role with audit rights reads the audit log');
  }
  const limit = limitParam(url.searchParams);
  const cursor = decimalCursor(url.searchParams.get('cursor'), 'cursor');
  const userId = url.searchParams.get('userId');
  const threadId = url.searchParams.get('threadId');
  if (userId !== null) idField(userId, 'userId');
  if (threadId !== null) idField(threadId, 'threadId');
  const rows = app
    .q(
      `SELECT * FROM audit WHERE id < ? AND (? IS NULL OR user_id = ?) AND (? IS NULL OR thread_id = ?)
       ORDER BY id DESC LIMIT ?`,
    )
    .all(cursor ?? Number.MAX_SAFE_INTEGER, userId, userId, threadId, threadId, limit + 1);
  const page = rows.slice(0, limit);
  write((w) => w.audit('audit.read', null));
  return {
    status: 200,
    json: {
      items: page.map((r) => ({
        id: String(r.id),
        at: r.at,
        userId: r.user_id,
        action: r.action,
        threadId: r.thread_id,
        address: r.address,
      })),
      next: rows.length > limit ? String(page[page.length - 1].id) : null,
    },
  };
}

// The test hook (2.12)

/** @param {Ctx} ctx */
function createTestUsers({ app, body, write }) {
  const list = fields(body, ['users']).users;
  if (!Array.isArray(list) || list.length === 0 || list.length > 100) {
    throw invalid('bad-field', 'users must be a list of 1 to 100 users');
  }
  const users = list.map((item, i) => {
    const u = fields(item, ['id', 'displayName'], ['role', 'assigned'], `users[${i}]`);
    const id = idField(u.id, `users[${i}].id`);
    if (typeof u.displayName !== 'string' || u.displayName.length < 1 || u.displayName.length > 200) {
      throw invalid('bad-field', `users[${i}].displayName must be 1 to 200 characters`);
    }
    if (u.role !== undefined && u.role !== null && (typeof u.role !== 'string' || !app.roles.has(u.role))) {
      throw invalid('bad-field', `users[${i}].role is not a role of this site`);
    }
    const assigned = u.assigned === undefined ? [] : idList(u.assigned, `users[${i}].assigned`);
    return { id, displayName: u.displayName, role: /** @type {string | null} */ (u.role ?? null), assigned };
  });
  return write((w) => {
    const tokens = users.map((u) => ({ id: u.id, token: app.auth.issueUser(u) }));
    w.audit('test.users', null);
    return { status: 200, json: { users: tokens } };
  });
}

/** @type {Route[]} */
export const ROUTES = [
  { method: 'GET', path: '/v1/session', handler: getSession },
  { method: 'GET', path: '/v1/contacts', handler: listContacts },
  { method: 'GET', path: '/v1/threads', handler: listThreads },
  { method: 'POST', path: '/v1/threads', body: 'json', handler: createThread },
  { method: 'GET', path: '/v1/threads/:t', handler: getThread },
  { method: 'PATCH', path: '/v1/threads/:t', body: 'json', handler: renameThread },
  { method: 'POST', path: '/v1/threads/:t/participants', body: 'json', handler: addParticipants },
  { method: 'DELETE', path: '/v1/threads/:t/participants/:u', handler: removeParticipant },
  { method: 'POST', path: '/v1/threads/:t/encryption', handler: enableEncryption },
  { method: 'GET', path: '/v1/threads/:t/messages', handler: listMessages },
  { method: 'POST', path: '/v1/threads/:t/messages', body: 'json', handler: sendMessage },
  { method: 'PUT', path: '/v1/keys', body: 'json', handler: publishKeys },
  { method: 'GET', path: '/v1/keys', handler: fetchKeys },
  { method: 'POST', path: '/v1/threads/:t/epochs', body: 'json', handler: putEpoch },
  { method: 'GET', path: '/v1/threads/:t/epochs', handler: listEpochs },
  { method: 'POST', path: '/v1/threads/:t/epochs/:e/sealed', body: 'json', handler: addSealed },
  { method: 'GET', path: '/v1/sealed-keys/:recipient', handler: getSealedKeys },
  { method: 'PUT', path: '/v1/recovery', body: 'json', handler: putRecovery },
  { method: 'GET', path: '/v1/recovery', handler: getRecovery },
  { method: 'DELETE', path: '/v1/recovery', handler: deleteRecovery },
  ...LINK_ROUTES,
  { method: 'POST', path: '/v1/threads/:t/blobs', body: 'raw', handler: uploadBlob },
  { method: 'GET', path: '/v1/threads/:t/blobs/:b', handler: downloadBlob },
  { method: 'POST', path: '/v1/threads/:t/read', body: 'json', handler: markRead },
  { method: 'POST', path: '/v1/threads/:t/typing', handler: sendTyping },
  { method: 'GET', path: '/v1/events/poll', handler: pollEvents },
  { method: 'POST', path: '/v1/auth/cookie', handler: startCookieSession },
  { method: 'GET', path: '/v1/admin/audit', handler: readAudit },
  {
    method: 'POST',
    path: '/v1/test/users',
    body: 'json',
    auth: false,
    testHook: true,
    handler: createTestUsers,
  },
];

/**
 * Finds the route of a request: 404 `unknown-route` when no path matches, 405 when the path exists for
 * other methods. Path parameters are decoded and checked (`:e` is an epoch number, the others ids).
 * @param {Route[]} routes
 * @param {string} method
 * @param {string} pathname
 * @returns {{ route: Route, params: Record<string, any> }}
 */
export function matchRoute(routes, method, pathname) {
  const parts = pathname.split('/');
  const allowed = [];
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    /** @type {Record<string, string>} */
    const raw = {};
    if (
      !pattern.every((p, i) =>
        p.startsWith(':') ? ((raw[p.slice(1)] = parts[i]), parts[i] !== '') : p === parts[i],
      )
    ) {
      continue;
    }
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    /** @type {Record<string, any>} */
    const params = {};
    for (const [name, value] of Object.entries(raw)) {
      let decoded;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        throw invalid('bad-id', `The ${name} in the path is not valid percent-encoding`);
      }
      if (name === 'e') {
        if (!/^\d{1,10}$/.test(decoded) || Number(decoded) < 1 || Number(decoded) > MAX_EPOCH) {
          throw invalid('bad-field', 'The epoch in the path must be a number from 1');
        }
        params[name] = Number(decoded);
      } else params[name] = idField(decoded, `The ${name} in the path`);
    }
    return { route, params };
  }
  if (allowed.length > 0) {
    throw new HttpError(405, 'invalid', 'method-not-allowed', `${method} is not allowed here`, {
      allow: [...new Set(allowed)].join(', '),
    });
  }
  throw notFound('unknown-route', `No route ${method} ${pathname}`);
}
