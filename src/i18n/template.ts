/**
 * Placeholders in string-table entries: `{name}` is replaced by a plain-text value. Values are never parsed as
 * markup, and a value that itself holds `{x}` is not filled again.
 */
import { html, type TemplateResult } from 'lit';

const PLACEHOLDER = /\{(\w+)\}/g;

/** The entry with its placeholders filled, as one plain string. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/**
 * The entry with each value in its own `<bdi>`, for names and other user text: an Arabic name in an English
 * sentence (or the other way round) cannot reorder the words around it.
 */
export function fillIsolated(
  template: string,
  values: Record<string, string | number>,
): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const key = match[1]!;
    if (!(key in values)) continue;
    parts.push(template.slice(last, match.index), html`<bdi>${values[key]}</bdi>`);
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return parts;
}
