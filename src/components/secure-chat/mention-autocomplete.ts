/**
 * Mention suggestions in the composer: typing `@` and letters lists the thread's people whose name starts
 * with them (a listbox the text field points into with aria-activedescendant, so focus stays in the field).
 * Loaded when a draft first holds an `@` (composer.ts).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { completeEnglish } from '../../i18n/en-more.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

export { styles } from './mention-autocomplete.styles.js';

export interface MentionCandidate {
  userId: UserId;
  displayName: string;
}

const MAX_OPTIONS = 8;

/** The `@` and what follows it up to the caret, when that looks like the start of a name. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?:^|\s)@(\p{L}[\p{L}\p{M}\p{N} .'_-]{0,40})$/u.exec(text.slice(0, caret));
  return match ? { start: caret - match[1]!.length - 1, query: match[1]! } : null;
}

/** People whose name, or a word of it, starts with the query (case and accents as typed are folded). */
export function matchingPeople(people: readonly MentionCandidate[], query: string): MentionCandidate[] {
  const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const q = fold(query);
  return people
    .filter((person) => {
      const name = fold(person.displayName);
      return name.startsWith(q) || name.split(/\s+/).some((word) => word.startsWith(q));
    })
    .slice(0, MAX_OPTIONS);
}

export class MentionAutocomplete {
  private list: { start: number; end: number; options: MentionCandidate[]; active: number } | null = null;

  get open(): boolean {
    return this.list !== null;
  }

  /** The option the text field points at, for aria-activedescendant. */
  get activeId(): string | null {
    return this.list ? `mention-option-${this.list.active}` : null;
  }

  /** Looks at the text before the caret and opens, narrows or closes the list. */
  update(text: string, caret: number, people: readonly MentionCandidate[]): void {
    const found = mentionQuery(text, caret);
    const options = found ? matchingPeople(people, found.query) : [];
    this.list = found && options.length ? { start: found.start, end: caret, options, active: 0 } : null;
  }

  close(): void {
    this.list = null;
  }

  /**
   * A key pressed while the list is open: arrows move, Enter and Tab choose, Escape closes. Returns the chosen
   * person, `true` when the key was used otherwise, `false` when the text field should handle it.
   */
  key(key: string): MentionCandidate | boolean {
    const list = this.list;
    if (!list) return false;
    const count = list.options.length;
    if (key === 'ArrowDown' || key === 'ArrowUp') {
      list.active = (list.active + (key === 'ArrowDown' ? 1 : count - 1)) % count;
      return true;
    }
    if (key === 'Escape') {
      this.close();
      return true;
    }
    if (key === 'Enter' || key === 'Tab') return list.options[list.active]!;
    return false;
  }

  /** The text with the typed `@query` replaced by `@Display Name `, and where the caret goes. */
  insert(text: string, person: MentionCandidate): { text: string; caret: number } {
    const list = this.list;
    this.list = null;
    if (!list) return { text, caret: text.length };
    const before = `${text.slice(0, list.start)}@${person.displayName} `;
    return { text: before + text.slice(list.end).replace(/^ /, ''), caret: before.length };
  }

  render(t: Strings, choose: (person: MentionCandidate) => void): TemplateResult | typeof nothing {
    if (!this.list) return nothing;
    const { active } = this.list;
    return html`<div id="mention-list" role="listbox" part="mention-list" aria-label=${t.mentionSuggestions}>
      ${this.list.options.map(
        (person, index) =>
          html`<div
            id="mention-option-${index}"
            role="option"
            part=${index === active ? 'mention-option mention-option-active' : 'mention-option'}
            aria-selected=${index === active ? 'true' : 'false'}
            @mousedown=${(event: Event) => event.preventDefault()}
            @click=${() => choose(person)}
          >
            <bdi>${person.displayName}</bdi>
          </div>`,
      )}
    </div>`;
  }
}
