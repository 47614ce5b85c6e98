/** Icons drawn inline as SVG (no icon font, no emoji font needed); their lines take the text colour. */
import { html, svg, type TemplateResult } from 'lit';
import type { Strings } from '../../i18n/strings.js';

const closedShackle = svg`<path d="M5 7V5a3 3 0 0 1 6 0v2" />`;
const openShackle = svg`<path d="M5 7V5a3 3 0 0 1 5.8-1" />`;

/** A padlock, closed for encrypted threads; it has an accessible name of its own. */
export function lock(t: Strings, encrypted: boolean): TemplateResult {
  return html`<svg
    class=${encrypted ? 'lock closed' : 'lock open'}
    role="img"
    aria-label=${encrypted ? t.encryptedThread : t.plainThread}
    viewBox="0 0 16 16"
    width="16"
    height="16"
  >
    <title>${encrypted ? t.encryptedThread : t.plainThread}</title>
    ${encrypted ? closedShackle : openShackle}
    <rect x="3" y="7" width="10" height="7" rx="1.5" />
  </svg>`;
}

/** A decorative icon for a button that has its own accessible name. */
function icon(paths: ReturnType<typeof svg>): TemplateResult {
  return html`<svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">${paths}</svg>`;
}

export const searchIcon = () => icon(svg`<circle cx="7" cy="7" r="4.5" /><path d="M10.5 10.5 14 14" />`);
export const downloadIcon = () => icon(svg`<path d="M8 2v8M4.5 6.5 8 10l3.5-3.5M3 13.5h10" />`);
export const closeIcon = () => icon(svg`<path d="M4 4l8 8M12 4l-8 8" />`);
