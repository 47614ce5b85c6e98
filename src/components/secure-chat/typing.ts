/** "Dana is typing…" under the messages, in a polite live region that is always there (so it is announced). */
import { html, type TemplateResult } from 'lit';
import type { Strings } from '../../i18n/strings.js';
import { fillIsolated } from '../../i18n/template.js';

/** `names` are the display names of the others typing; the reader is never among them. */
export function typingIndicator(t: Strings, names: readonly string[]): TemplateResult {
  const [first = '', second = ''] = names;
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? fillIsolated(t.typingOne, { name: first })
        : names.length === 2
          ? fillIsolated(t.typingTwo, { first, second })
          : t.typingMany;
  return html`<div part="typing" class="typing" role="status">${text}</div>`;
}
