/**
 * The search panel of the open thread. It searches the messages this device holds, which
 * for an encrypted thread are the ones it decrypted, and says so: the server cannot search them. A match is
 * marked with `<mark>` around text bindings, never by building markup from the message.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ClientMessageId } from '../../adapter/types.js';
import { dateTimeLabel } from '../../i18n/intl.js';
import { fill } from '../../i18n/template.js';
import { searchMessages, type SearchHit } from '../../state/search.js';
import { closeIcon } from './icons.js';
import { displayName, revealMessage } from './message-list.js';
import type { SearchModel } from './search.js';
import { activityLabel } from './thread-list.js';
import { completeEnglish } from '../../i18n/en-more.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

export { styles } from './search-panel.styles.js';

export interface SearchPanelHandlers {
  queryChanged(query: string): void;
  close(): void;
  goTo(clientId: ClientMessageId): void;
}

/** Scrolls the message into view and moves focus to it, so a screen reader reads it next. */
export function showMessage(root: ParentNode, clientId: ClientMessageId): void {
  // The log holds a window of rows: bring the message into it first.
  revealMessage(root, clientId);
  const row = root.querySelector<HTMLElement>(`[part~="message"][data-client-id="${CSS.escape(clientId)}"]`);
  if (!row) return;
  row.tabIndex = -1;
  row.scrollIntoView({ block: 'center' });
  row.focus({ preventScroll: true });
}

function result(model: SearchModel, hit: SearchHit, handlers: SearchPanelHandlers): TemplateResult {
  const { message } = hit;
  const sender = message.senderId === model.me ? model.t.you : displayName(model.thread, message.senderId);
  const when = new Date(message.createdAt);
  const known = !Number.isNaN(when.getTime());
  return html`<li>
    <button part="search-result" type="button" @click=${() => handlers.goTo(message.clientId)}>
      <span class="search-meta"
        ><bdi>${sender}</bdi> ${
          known
            ? html`<time datetime=${when.toISOString()} title=${dateTimeLabel(when, model.lang)}
                >${activityLabel(when, model.now, model.lang)}</time
              >`
            : nothing
        }</span
      >
      <span class="search-snippet" dir="auto"
        >${hit.before}<mark part="search-match">${hit.match}</mark>${hit.after}</span
      >
    </button>
  </li>`;
}

export function searchPanel(
  model: SearchModel,
  query: string,
  handlers: SearchPanelHandlers,
): TemplateResult {
  const { t } = model;
  const hits = searchMessages(model.messages, query);
  const searching = query.trim() !== '';
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      handlers.close();
    }
  };
  return html`<div part="search" id="thread-search" class="search" role="search" @keydown=${onKeydown}>
    <div class="search-row">
      <input
        part="search-input"
        type="search"
        autocomplete="off"
        aria-label=${t.searchLabel}
        placeholder=${t.searchLabel}
        aria-describedby="search-note"
        .value=${query}
        @input=${(event: InputEvent) => handlers.queryChanged((event.target as HTMLInputElement).value)}
      />
      <button
        type="button"
        class="icon-button"
        aria-label=${t.searchClose}
        title=${t.searchClose}
        @click=${() => handlers.close()}
      >
        ${closeIcon()}
      </button>
    </div>
    <p id="search-note" class="search-note">
      ${model.thread.encrypted ? t.searchNoteEncrypted : t.searchNotePlain}
    </p>
    <p class="search-status" role="status">
      ${searching ? (hits.length ? fill(t.searchCount, { count: hits.length }) : t.searchNone) : ''}
    </p>
    ${
      hits.length
        ? html`<ul part="search-results">
            ${hits.map((hit) => result(model, hit, handlers))}
          </ul>`
        : nothing
    }
  </div>`;
}
