/** The only schemes a message may link to. Everything else (javascript:, data:, vbscript:, file:…) stays text. */
const LINK_SCHEMES = new Set(['https:', 'http:', 'mailto:']);

/** Where an auto-link may start: the scheme as typed, before the URL parser normalises anything. */
const LINK_START = /^(?:https?:\/\/|mailto:)/i;

/** Characters that end a URL candidate: space, and what people put around a link in prose or markup. */
const URL_STOP = /[\s<>"`]/u;

/** Punctuation that ends a sentence more often than a URL. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '*', '_', '~']);
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * The href a browser would follow for `candidate`, or null unless it is an http(s) URL with a host or a mailto
 * with an address. The scheme is read from the parsed URL, the same way the browser will read it.
 */
export function safeHref(candidate: string): string | null {
  if (!LINK_START.test(candidate)) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!LINK_SCHEMES.has(url.protocol)) return null;
  if (url.protocol === 'mailto:' ? !url.pathname : !url.hostname) return null;
  return url.href;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/**
 * The URL that starts at `start` in `text` (before `end`), as the user typed it, and its safe href; null when
 * there is none. Trailing sentence punctuation and unbalanced closing brackets stay outside the link, so
 * `(see https://x.org/a_(b)).` links `https://x.org/a_(b)`.
 */
export function linkAt(text: string, start: number, end: number): { text: string; href: string } | null {
  if (!LINK_START.test(text.slice(start, Math.min(end, start + 8)))) return null;
  let stop = start;
  while (stop < end && !URL_STOP.test(text[stop]!)) stop++;
  let candidate = text.slice(start, stop);
  for (;;) {
    const last = candidate.at(-1) ?? '';
    const opener = PAIRS[last];
    if (TRAILING.has(last) || (opener !== undefined && count(candidate, last) > count(candidate, opener))) {
      candidate = candidate.slice(0, -1);
    } else break;
  }
  const href = safeHref(candidate);
  return href ? { text: candidate, href } : null;
}
