// Message bodies (PROTOCOL.md 2.6): the checks of a plain MessageContent, the envelope rules of an encrypted
// thread, and the text of a notification about a message.
import { decodeBase64url, EnvelopeError, parseEnvelope } from './envelope.mjs';
import { fields, HttpError, invalid, isCount, isId, isObject } from './util.mjs';

/** @typedef {'text' | 'id' | 'ids' | 'count' | 'boolean' | 'base64url' | 'label'} Kind */

/** Required and optional fields of each kind of content (src/adapter/types.ts, MessageContent). */
/** @type {Record<string, { required: Record<string, Kind>, optional: Record<string, Kind> }>} */
const SHAPES = {
  text: { required: { text: 'text' }, optional: { mentions: 'ids' } },
  reply: { required: { target: 'id', text: 'text' }, optional: { mentions: 'ids' } },
  edit: { required: { target: 'id', text: 'text' }, optional: { mentions: 'ids' } },
  delete: { required: { target: 'id' }, optional: {} },
  reaction: { required: { target: 'id', emoji: 'label' }, optional: { remove: 'boolean' } },
  attachment: {
    required: { blobId: 'id', name: 'label', mime: 'label', size: 'count' },
    optional: { sha256: 'base64url', key: 'base64url', caption: 'text', replyTo: 'id' },
  },
};

/** @param {unknown} value @param {Kind} kind */
function hasKind(value, kind) {
  switch (kind) {
    case 'text':
      return typeof value === 'string';
    case 'label':
      return typeof value === 'string' && value.length > 0 && value.length <= 1024;
    case 'id':
      return isId(value);
    case 'ids':
      return Array.isArray(value) && value.length <= 200 && value.every(isId);
    case 'count':
      return isCount(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'base64url':
      return typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value);
  }
  return false;
}

/**
 * A plain MessageContent: a known type, each field of its kind, no field it does not have.
 * @param {unknown} content
 */
export function checkPlainContent(content) {
  if (!isObject(content)) throw invalid('bad-field', 'body.content must be an object');
  const type = content.type;
  if (typeof type !== 'string' || !Object.hasOwn(SHAPES, type)) {
    throw invalid('bad-field', 'body.content.type must be text, reply, edit, delete, reaction or attachment');
  }
  const shape = SHAPES[type];
  fields(content, ['type', ...Object.keys(shape.required)], Object.keys(shape.optional), 'body.content');
  for (const [name, kind] of [...Object.entries(shape.required), ...Object.entries(shape.optional)]) {
    if (content[name] !== undefined && !hasKind(content[name], kind)) {
      throw invalid('bad-field', `body.content.${name} is not a valid ${kind}`);
    }
  }
}

/**
 * Checks a message body against the thread it is sent to (PROTOCOL.md 2.6, "What the server checks").
 * @param {unknown} body
 * @param {{ threadId: string, encrypted: boolean, senderId: string, clientId: string }} context
 */
export function checkBody(body, context) {
  if (!isObject(body)) throw invalid('bad-field', 'body must be an object');
  if (body.kind === 'plain') {
    fields(body, ['kind', 'content'], [], 'body');
    if (context.encrypted) {
      throw new HttpError(400, 'encryption-required', 'encryption-required', 'This thread is encrypted');
    }
    checkPlainContent(body.content);
    return;
  }
  if (body.kind === 'envelope') {
    fields(body, ['kind', 'envelope'], [], 'body');
    if (!context.encrypted) {
      throw invalid('thread-not-encrypted', 'Envelopes are only accepted in an encrypted thread');
    }
    const bytes = decodeBase64url(body.envelope);
    if (!bytes) throw invalid('envelope-malformed', 'body.envelope must be base64url without padding');
    let header;
    try {
      header = parseEnvelope(bytes);
    } catch (error) {
      if (error instanceof EnvelopeError) throw invalid('envelope-malformed', `Envelope: ${error.message}`);
      throw error;
    }
    if (header.threadId !== context.threadId) {
      throw invalid('envelope-malformed', 'The envelope names another thread');
    }
    if (header.senderUserId !== context.senderId) {
      throw invalid('envelope-malformed', 'The envelope names another sender');
    }
    if (header.clientMessageId !== context.clientId) {
      throw invalid('envelope-malformed', "The envelope's client message id is not the request's clientId");
    }
    return;
  }
  throw invalid('bad-field', 'body.kind must be plain or envelope');
}

export const ENCRYPTED_NOTICE = 'New encrypted message';
const PREVIEW_CHARS = 80;

/** @param {string} text */
function shorten(text) {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…` : chars.join('');
}

/**
 * The text of a notification: never a preview for an encrypted thread (PROTOCOL.md 2.11).
 * @param {{ kind: string, content?: any }} body
 */
export function notificationText(body) {
  if (body.kind !== 'plain') return ENCRYPTED_NOTICE;
  const content = body.content;
  switch (content.type) {
    case 'text':
    case 'reply':
      return shorten(content.text) || 'New message';
    case 'edit':
      return `Edited: ${shorten(content.text)}`;
    case 'delete':
      return 'A message was deleted';
    case 'reaction':
      return content.remove ? 'A reaction was removed' : `Reacted ${shorten(content.emoji)}`;
    case 'attachment':
      return 'Sent an attachment';
  }
  return 'New message';
}
