/**
 * Local search: over thread titles and names for the thread list, and over the messages this device holds in
 * its timeline stores (for an encrypted thread, the ones it decrypted). Nothing here asks a server.
 */
import type { Thread, UserId } from '../adapter/types.js';
import type { MessageView } from './timeline.js';

interface Folded {
  text: string;
  /** For each UTF-16 unit of `text`, where its character starts and ends in the original. */
  starts: number[];
  ends: number[];
}

const MARKS = /\p{M}/gu;

/** Lower case without diacritics ("Müller" finds "muller", "ﻼ" finds "لا"), mapped back to the original. */
function fold(original: string): Folded {
  const folded: Folded = { text: '', starts: [], ends: [] };
  let index = 0;
  let previous = 0;
  for (const char of original) {
    const piece = char.normalize('NFKD').replace(MARKS, '').toLowerCase();
    if (piece) previous = piece.length;
    // A combining mark folds to nothing: it belongs to the letter before it, so a match takes it along.
    else
      for (let i = folded.ends.length - previous; i < folded.ends.length; i++)
        folded.ends[i] = folded.ends[i]! + char.length;
    for (let i = 0; i < piece.length; i++) {
      folded.starts.push(index);
      folded.ends.push(index + char.length);
    }
    folded.text += piece;
    index += char.length;
  }
  return folded;
}

// Character by character, as the text is: lower-casing a whole word would turn a final Σ into ς, not σ.
function foldQuery(query: string): string {
  return fold(query.trim()).text;
}

/** Where `query` first occurs in `text`, ignoring case and diacritics, as `[start, end)` of `text`; or null. */
export function findMatch(text: string, query: string): [number, number] | null {
  const needle = foldQuery(query);
  if (!needle) return null;
  const haystack = fold(text);
  const at = haystack.text.indexOf(needle);
  if (at < 0) return null;
  return [haystack.starts[at]!, haystack.ends[at + needle.length - 1]!];
}

/** Threads whose title or another participant's name contains `query`; all of them for a blank query. */
export function filterThreads(threads: readonly Thread[], query: string, me: UserId | null): Thread[] {
  if (!foldQuery(query)) return [...threads];
  return threads.filter(
    (thread) =>
      findMatch(thread.title, query) !== null ||
      thread.participants.some((p) => p.userId !== me && findMatch(p.displayName, query) !== null),
  );
}

/** One found message, its text cut around the match so the UI can mark the match as text. */
export interface SearchHit {
  message: MessageView;
  /** Which text matched: the message's own, or its attachment's file name. */
  field: 'text' | 'file-name';
  before: string;
  match: string;
  after: string;
}

export interface SearchOptions {
  /** At most this many hits, newest first. */
  limit?: number;
  /** Characters of context kept on each side of the match. */
  context?: number;
}

function cut(text: string, [start, end]: [number, number], context: number) {
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  return {
    before: (from > 0 ? '…' : '') + text.slice(from, start),
    match: text.slice(start, end),
    after: text.slice(end, to) + (to < text.length ? '…' : ''),
  };
}

/**
 * Messages whose text or attachment name contains `query`, newest first. Deleted and undecryptable messages
 * have no text to find.
 */
export function searchMessages(
  messages: readonly MessageView[],
  query: string,
  options: SearchOptions = {},
): SearchHit[] {
  const { limit = 50, context = 40 } = options;
  const hits: SearchHit[] = [];
  if (!foldQuery(query)) return hits;
  for (let i = messages.length - 1; i >= 0 && hits.length < limit; i--) {
    const message = messages[i]!;
    if (message.deleted || message.kind === 'undecryptable') continue;
    const inText = findMatch(message.text, query);
    if (inText) {
      hits.push({ message, field: 'text', ...cut(message.text, inText, context) });
      continue;
    }
    const name = message.attachment?.name ?? '';
    const inName = findMatch(name, query);
    if (inName) hits.push({ message, field: 'file-name', ...cut(name, inName, context) });
  }
  return hits;
}
