/**
 * The composer of the open thread: the text field and the send button, and above them the reply or edit mode
 * with its cancel button and the mention suggestions. Enter sends, Shift+Enter breaks the line, Escape closes
 * the suggestions or else cancels the mode.
 */
import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import { live } from 'lit/directives/live.js';
import type { ClientMessageId, Thread, ThreadId, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { fillIsolated } from '../../i18n/template.js';
import type { ChatActions } from '../../state/actions.js';
import type { MessageView } from '../../state/timeline.js';
import { LazyPart } from './lazy.js';
import { quoteText, senderName } from './message-actions.js';
import type { MentionAutocomplete, MentionCandidate } from './mention-autocomplete.js';

export interface ComposerModel {
  t: Strings;
  draft: string;
  /** The attach button and its file input (attachments.ts), before the text field. */
  attach?: TemplateResult;
  thread: Thread;
  me: UserId | null;
  messages: MessageView[];
  modes: ComposerController;
  /** Sending here waits for the user's choice about a contact's changed key (the notice above says so). */
  blocked?: boolean;
}

export interface ComposerHandlers {
  send(): void;
  draftChanged(text: string): void;
}

interface Mode {
  kind: 'reply' | 'edit';
  threadId: ThreadId;
  target: MessageView;
  /** What the field held before an edit filled it, given back when the edit is cancelled. */
  draftBefore: string;
}

export interface ComposerOptions {
  actions: Pick<ChatActions, 'sendText' | 'editMessage'>;
  /** The draft lives in the root element; the composer reads and replaces it. */
  draft: { get(): string; set(text: string): void };
}

/** Holds the composer's mode, the mentions chosen for the draft and the suggestion list. */
export class ComposerController implements ReactiveController {
  private mode: Mode | null = null;
  /** Display name as inserted in the draft, to user id. */
  private readonly chosen = new Map<string, UserId>();
  /** The suggestion list, loaded when a draft first holds an `@`. */
  mentions: MentionAutocomplete | null = null;
  private readonly mentionPart: LazyPart<typeof import('./mention-autocomplete.js')>;
  /** After the next update: focus the field (null) and put the caret here (a number). */
  private focusAt: number | null | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment },
    private readonly options: ComposerOptions,
  ) {
    host.addController(this);
    this.mentionPart = new LazyPart(host, () => import('./mention-autocomplete.js'));
  }

  hostConnected(): void {}

  hostUpdated(): void {
    if (this.focusAt === undefined) return;
    const input = this.host.renderRoot.querySelector<HTMLTextAreaElement>('[part~="input"]');
    input?.focus();
    if (typeof this.focusAt === 'number') input?.setSelectionRange(this.focusAt, this.focusAt);
    this.focusAt = undefined;
  }

  private focus(caret: number | null): void {
    this.focusAt = caret;
    this.host.requestUpdate();
  }

  modeFor(threadId: ThreadId): Mode | null {
    return this.mode?.threadId === threadId ? this.mode : null;
  }

  startReply(message: MessageView): void {
    if (this.mode?.kind === 'edit') this.cancelEdit();
    this.mode = { kind: 'reply', threadId: message.threadId, target: message, draftBefore: '' };
    this.focus(null);
  }

  startEdit(message: MessageView, nameOf: (userId: UserId) => string): void {
    const draftBefore = this.mode?.kind === 'edit' ? this.mode.draftBefore : this.options.draft.get();
    this.mode = { kind: 'edit', threadId: message.threadId, target: message, draftBefore };
    this.chosen.clear();
    for (const userId of message.mentions) this.chosen.set(nameOf(userId), userId);
    this.options.draft.set(message.text);
    this.focus(message.text.length);
  }

  /** Leaves an edit: gives back the draft from before it. */
  private cancelEdit(): void {
    this.options.draft.set(this.mode?.draftBefore ?? '');
    this.chosen.clear();
  }

  cancel(): void {
    if (this.mode?.kind === 'edit') this.cancelEdit();
    this.mode = null;
    this.mentions?.close();
    this.focus(null);
  }

  /** Sends the text as the mode says (an edit, a reply or a new message), with the mentions still in it. */
  submit(threadId: ThreadId, text: string): Promise<void> {
    const mode = this.modeFor(threadId);
    const mentions = [
      ...new Set([...this.chosen].filter(([name]) => text.includes(`@${name}`)).map(([, id]) => id)),
    ];
    this.mode = null;
    this.chosen.clear();
    this.mentions?.close();
    this.host.requestUpdate();
    const target: ClientMessageId | undefined = mode?.target.clientId;
    if (mode?.kind === 'edit') {
      if (text === mode.target.text.trim()) return Promise.resolve();
      return this.options.actions.editMessage(threadId, mode.target.clientId, text, { mentions });
    }
    return this.options.actions.sendText(threadId, text, {
      ...(target ? { replyTo: target } : {}),
      mentions,
    });
  }

  /** Keys for the suggestions and the mode; true when the key was used here. */
  keydown(event: KeyboardEvent): boolean {
    if (event.isComposing) return false;
    const used = this.mentions?.key(event.key) ?? false;
    if (used !== false) {
      event.preventDefault();
      if (used !== true) this.choose(used);
      else this.host.requestUpdate();
      return true;
    }
    if (event.key === 'Escape' && this.mode) {
      event.preventDefault();
      this.cancel();
      return true;
    }
    return false;
  }

  /** After typing: opens or narrows the suggestions for an `@` before the caret. */
  typed(input: HTMLTextAreaElement, people: readonly MentionCandidate[]): void {
    const mentions = this.mentions;
    if (!mentions) {
      if (input.value.includes('@')) void this.loadMentions(input, people);
      return;
    }
    const wasOpen = mentions.open;
    mentions.update(input.value, input.selectionStart ?? input.value.length, people);
    if (wasOpen || mentions.open) this.host.requestUpdate();
  }

  /** Loads the suggestions, then looks at the field as it is by then (if it still has focus). */
  private async loadMentions(input: HTMLTextAreaElement, people: readonly MentionCandidate[]): Promise<void> {
    try {
      const { MentionAutocomplete } = await this.mentionPart.use();
      this.mentions ??= new MentionAutocomplete();
    } catch {
      return; // Suggestions are a convenience: typing the name still works.
    }
    if ((input.getRootNode() as ShadowRoot).activeElement === input) this.typed(input, people);
  }

  choose(person: MentionCandidate): void {
    if (!this.mentions) return;
    const { text, caret } = this.mentions.insert(this.options.draft.get(), person);
    this.chosen.set(person.displayName, person.userId);
    this.options.draft.set(text);
    this.focus(caret);
  }

  closeMentions(): void {
    if (!this.mentions?.open) return;
    this.mentions.close();
    this.host.requestUpdate();
  }

  /** Above the field: what the next send will do, the message it concerns, and a cancel button. */
  modeBar(model: ComposerModel): TemplateResult | typeof nothing {
    const mode = this.modeFor(model.thread.id);
    if (!mode) return nothing;
    const { t } = model;
    const target = model.messages.find((m) => m.clientId === mode.target.clientId) ?? mode.target;
    const reply = mode.kind === 'reply';
    return html`<div part="composer-mode" id="composer-mode" class="composer-mode">
      <span class="mode-label"
        >${reply ? fillIsolated(t.replyingTo, { name: senderName(model, target.senderId) }) : t.editing}</span
      >
      <span class="quote-text" dir="auto">${quoteText(t, target) ?? t.originalUnavailable}</span>
      <button
        type="button"
        class="mode-cancel"
        aria-label=${reply ? t.cancelReply : t.cancelEdit}
        @click=${() => this.cancel()}
      >
        <span aria-hidden="true">✕</span>
      </button>
    </div>`;
  }
}

export function composer(model: ComposerModel, handlers: ComposerHandlers): TemplateResult {
  const { t, modes } = model;
  const people = model.thread.participants.filter((p) => p.userId !== model.me);
  const onKeydown = (event: KeyboardEvent) => {
    if (modes.keydown(event)) return;
    // Enter sends; Shift+Enter breaks the line; an IME composition is never interrupted.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      handlers.send();
    }
  };
  const onInput = (event: InputEvent) => {
    const input = event.target as HTMLTextAreaElement;
    handlers.draftChanged(input.value);
    modes.typed(input, people);
  };
  return html`<form
    part="composer"
    @submit=${(event: Event) => {
      event.preventDefault();
      handlers.send();
    }}
  >
    ${modes.modeBar(model)} ${modes.mentions?.render(t, (person) => modes.choose(person))} ${model.attach}
    <textarea
      part="input"
      rows="2"
      ?disabled=${!!model.blocked}
      aria-label=${t.composerLabel}
      placeholder=${t.composerLabel}
      aria-describedby=${modes.modeFor(model.thread.id) ? 'composer-mode' : nothing}
      aria-autocomplete="list"
      aria-controls=${modes.mentions?.open ? 'mention-list' : nothing}
      aria-activedescendant=${modes.mentions?.activeId ?? nothing}
      .value=${live(model.draft)}
      @input=${onInput}
      @keydown=${onKeydown}
      @blur=${() => modes.closeMentions()}
    ></textarea>
    <button part="send-button" type="submit" ?disabled=${!!model.blocked}>${t.send}</button>
  </form>`;
}
