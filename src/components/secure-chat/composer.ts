/**
 * The composer of the open thread: the text field and the send button. Enter sends, Shift+Enter breaks the line.
 */
import { html, type TemplateResult } from 'lit';
import type { Strings } from '../../i18n/strings.js';

export interface ComposerModel {
  t: Strings;
  draft: string;
  /** The attach button and its file input (attachments.ts), before the text field. */
  attach?: TemplateResult;
}

export interface ComposerHandlers {
  send(): void;
  draftChanged(text: string): void;
}

export function composer(model: ComposerModel, handlers: ComposerHandlers): TemplateResult {
  const { t } = model;
  const onKeydown = (event: KeyboardEvent) => {
    // Enter sends; Shift+Enter breaks the line; an IME composition is never interrupted.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      handlers.send();
    }
  };
  return html`<form
    part="composer"
    @submit=${(event: Event) => {
      event.preventDefault();
      handlers.send();
    }}
  >
    ${model.attach}
    <textarea
      part="input"
      rows="2"
      aria-label=${t.composerLabel}
      placeholder=${t.composerLabel}
      .value=${model.draft}
      @input=${(event: InputEvent) => handlers.draftChanged((event.target as HTMLTextAreaElement).value)}
      @keydown=${onKeydown}
    ></textarea>
    <button part="send-button" type="submit">${t.send}</button>
  </form>`;
}
