/**
 * Message text to a tree of typed nodes. The tree is plain data: render.ts maps each node type to one fixed Lit
 * template, and user text reaches the DOM only through text bindings (and a checked URL through an href
 * binding). No markup is parsed anywhere: `<`, `>`, `&` and quotes are ordinary characters here.
 *
 * The formatting subset:
 *   **bold**   _italic_   ~~strike~~   `code`   ``` fenced block ```
 *   http://, https:// and mailto: URLs become links (nothing else does; there is no [text](url) syntax);
 *   `@` + a user id or display name becomes a mention, only for users listed in the message's `mentions`.
 * The rules:
 *   - an opener is followed, and a closer preceded, by a non-space; `_` works only at word edges (snake_case
 *     stays as typed);
 *   - an opener pairs with the first valid closer after it; an opener without one stays literal;
 *   - a code span opens with a run of backticks and closes at the next run of the same length (so ``a ` b``
 *     holds a backtick); code spans and fenced blocks are literal inside: no formatting, links or mentions;
 *   - a fence opens at the start of a line and closes at the next ``` that ends a line or the text; a language
 *     word right after the opening fence is dropped; an unclosed fence stays literal;
 *   - formatting nests (bold inside italic and so on), at most MAX_DEPTH levels deep.
 * Line breaks stay `\n` in text nodes; the message body's `white-space: pre-wrap` shows them.
 */
import type { UserId } from '../../../adapter/types.js';
import { linkAt } from './links.js';

export type InlineNode =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'strike'; children: InlineNode[] }
  | { type: 'code'; text: string }
  | { type: 'link'; text: string; href: string }
  | { type: 'mention'; userId: UserId };

export type RichNode = InlineNode | { type: 'code-block'; text: string };

const MAX_DEPTH = 6;
const FENCE = '```';
const LANGUAGE_WORD = /^[\w+#.-]*$/u;
const WORD = /[\p{L}\p{N}_]/u;
const SPACE = /\s/u;

const DELIMITERS = [
  { marker: '**', type: 'strong' },
  { marker: '~~', type: 'strike' },
  { marker: '_', type: 'em' },
] as const;
type Marker = (typeof DELIMITERS)[number]['marker'];

const isWord = (ch: string | undefined) => ch !== undefined && WORD.test(ch);
const isSpace = (ch: string | undefined) => ch === undefined || SPACE.test(ch);

/** Mention tokens (user id or display name, without the `@`) to the user they name. */
export type MentionTokens = ReadonlyMap<string, UserId>;

export function parseMessage(text: string, mentions: MentionTokens = new Map()): RichNode[] {
  // Longest first, so `@Ann Lee` wins over `@Ann` when both are mentioned.
  const tokens = [...mentions].filter(([token]) => token).sort(([a], [b]) => b.length - a.length);
  const nodes: RichNode[] = [];
  for (const part of splitFences(text)) {
    if (part.code) nodes.push({ type: 'code-block', text: part.text });
    else nodes.push(...new InlineParser(part.text, tokens).parse(0, part.text.length, 0));
  }
  return nodes;
}

/** Prose and fenced code, in order. The line break before a fence and after its end belong to the fence. */
function splitFences(text: string): Array<{ code: boolean; text: string }> {
  const parts: Array<{ code: boolean; text: string }> = [];
  let proseFrom = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    const block = text.startsWith(FENCE, lineStart) ? fenceAt(text, lineStart) : null;
    if (block) {
      const prose = text.slice(proseFrom, lineStart).replace(/\n$/u, '');
      if (prose) parts.push({ code: false, text: prose });
      parts.push({ code: true, text: block.code });
      proseFrom = lineStart = block.end;
      continue;
    }
    const newline = text.indexOf('\n', lineStart);
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  const rest = text.slice(proseFrom);
  if (rest) parts.push({ code: false, text: rest });
  return parts;
}

/** The fenced block opening at `start`, and where the text after it begins; null when it never closes. */
function fenceAt(text: string, start: number): { code: string; end: number } | null {
  const afterOpen = start + FENCE.length;
  const lineEnd = text.indexOf('\n', afterOpen);
  const firstLine = text.slice(afterOpen, lineEnd < 0 ? text.length : lineEnd);
  // "```js⏎…" or "```⏎…": the code starts on the next line. "```a + b```": it starts right after the fence.
  const codeFrom = lineEnd >= 0 && LANGUAGE_WORD.test(firstLine) ? lineEnd + 1 : afterOpen;
  for (let close = text.indexOf(FENCE, codeFrom); close >= 0; close = text.indexOf(FENCE, close + 1)) {
    const after = close + FENCE.length;
    if (after < text.length && text[after] !== '\n') continue;
    const code = text.slice(codeFrom, close).replace(/\n$/u, '');
    if (!code) return null;
    return { code, end: after < text.length ? after + 1 : after };
  }
  return null;
}

function backtickRun(text: string, from: number, to: number): number {
  let end = from;
  while (end < to && text[end] === '`') end++;
  return end - from;
}

class InlineParser {
  constructor(
    private readonly text: string,
    private readonly mentions: ReadonlyArray<readonly [string, UserId]>,
  ) {}

  /** The nodes of text[from, to). Lookaround at the edges of the range treats them as the text's edges. */
  parse(from: number, to: number, depth: number): InlineNode[] {
    const { text } = this;
    const out: InlineNode[] = [];
    let literalFrom = from;
    // Searching for a closer from p fails for every later p too; remembering that keeps parsing linear.
    const noCloserFrom = new Map<Marker, number>();
    const before = (i: number) => (i > from ? text[i - 1] : undefined);
    const after = (i: number) => (i < to ? text[i] : undefined);

    const emit = (start: number, end: number, node: InlineNode) => {
      if (start > literalFrom) out.push({ type: 'text', text: text.slice(literalFrom, start) });
      out.push(node);
      literalFrom = end;
      return end;
    };

    let i = from;
    scan: while (i < to) {
      const ch = text[i]!;

      if (ch === '`') {
        const run = backtickRun(text, i, to);
        const close = this.closingRun(i + run, run, to);
        if (close > i + run) i = emit(i, close + run, { type: 'code', text: text.slice(i + run, close) });
        else i += run;
        continue;
      }

      if ((ch === 'h' || ch === 'H' || ch === 'm' || ch === 'M') && !isWord(before(i))) {
        const link = linkAt(text, i, to);
        if (link) {
          i = emit(i, i + link.text.length, { type: 'link', ...link });
          continue;
        }
      }

      if (ch === '@' && !isWord(before(i))) {
        for (const [token, userId] of this.mentions) {
          const end = i + 1 + token.length;
          if (end <= to && text.startsWith(token, i + 1) && !isWord(after(end))) {
            i = emit(i, end, { type: 'mention', userId });
            continue scan;
          }
        }
      }

      if (depth < MAX_DEPTH) {
        for (const { marker, type } of DELIMITERS) {
          if (!text.startsWith(marker, i)) continue;
          const contentFrom = i + marker.length;
          const opens = !isSpace(after(contentFrom)) && (marker !== '_' || !isWord(before(i)));
          if (!opens || contentFrom >= (noCloserFrom.get(marker) ?? Infinity)) continue;
          const close = this.closerOf(marker, contentFrom, to);
          if (close < 0) {
            noCloserFrom.set(marker, contentFrom);
            continue;
          }
          const children = this.parse(contentFrom, close, depth + 1);
          i = emit(i, close + marker.length, { type, children });
          continue scan;
        }
      }

      i++;
    }
    if (to > literalFrom) out.push({ type: 'text', text: text.slice(literalFrom, to) });
    return out;
  }

  /** Where the next run of exactly `length` backticks at or after `from` starts, or -1. */
  private closingRun(from: number, length: number, to: number): number {
    for (let j = this.text.indexOf('`', from); j >= 0 && j < to; j = this.text.indexOf('`', j)) {
      const run = backtickRun(this.text, j, to);
      if (run === length) return j;
      j += run;
    }
    return -1;
  }

  /** The first valid closer of `marker` after a non-empty content starting at `contentFrom`, or -1. */
  private closerOf(marker: Marker, contentFrom: number, to: number): number {
    const { text } = this;
    for (let j = text.indexOf(marker, contentFrom + 1); j >= 0 && j + marker.length <= to;) {
      const end = j + marker.length;
      const closes = !isSpace(text[j - 1]) && (marker !== '_' || end >= to || !isWord(text[end]));
      if (closes) return j;
      j = text.indexOf(marker, j + 1);
    }
    return -1;
  }
}
