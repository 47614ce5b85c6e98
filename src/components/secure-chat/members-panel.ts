/**
 * Adding and removing people, inside the people dialog (verify-dialog.ts, loaded on first open): who is waiting
 * to set up encryption, a Remove button per person with a confirmation that says what removal does, and an
 * Add people view that lists the user's contacts (the server's role matrix decides who those are) as checkboxes.
 * Names go through Lit text bindings only. A refusal of the server is shown in the dialog (the banner behind a
 * modal dialog cannot be reached) and reported as bm-error.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { Thread, UserId, UserProfile } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { fill, fillIsolated } from '../../i18n/template.js';
import type { ChatActions } from '../../state/actions.js';
import type { ThreadNotice } from '../../state/chat-state.js';
import { errorText } from './banner.js';
import { nameIn } from './trust.js';

export interface MembersOptions {
  actions: Pick<ChatActions, 'contacts' | 'addParticipants' | 'removeParticipant'>;
  /** The thread as the stores hold it now (it changes while the dialog is open). */
  thread(threadId: string): Thread | null;
  /** Thread notices; pending participants (no device yet) are among them. */
  notices(threadId: string): readonly ThreadNotice[];
}

type View =
  { kind: 'add'; contacts: UserProfile[] | null; chosen: Set<UserId> } | { kind: 'remove'; userId: UserId };

const reasonOf = (error: unknown) =>
  (error as { code?: string; reason?: string } | null)?.code ??
  (error as { reason?: string } | null)?.reason ??
  'unknown';

/** User ids in a thread still waiting to publish a device (nothing can be sealed to them yet). */
export function pendingIn(notices: readonly ThreadNotice[]): UserId[] {
  return notices.filter((n) => n.kind === 'pending-participant').map((n) => n.params['userId'] ?? '');
}

export class MembersPanel {
  /** The add or remove view; null: the people list. */
  view: View | null = null;
  private busy = false;
  /** Why the server refused the last change (a machine-readable reason), shown until the next view. */
  private error: string | null = null;

  constructor(
    private readonly options: MembersOptions,
    /** Draws again, and then focuses what `selector` finds (if given). */
    private readonly refresh: (focus?: string) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  reset(): void {
    this.view = null;
    this.busy = false;
    this.error = null;
  }

  /** In the people list, after a person's name: waiting for encryption setup. */
  pendingTag(t: Strings, thread: Thread, userId: UserId): TemplateResult | typeof nothing {
    if (!thread.encrypted || !pendingIn(this.options.notices(thread.id)).includes(userId)) return nothing;
    return html`<span part="pending-tag" class="pending-tag">${t.awaitingSetup}</span>`;
  }

  /** In the people list, for everyone but the user: Remove (asks first). */
  removeButton(t: Strings, thread: Thread, userId: UserId): TemplateResult {
    const name = nameIn(thread, userId);
    return html`<button
      part="remove-participant"
      type="button"
      data-remove=${userId}
      aria-label=${fill(t.removeLabel, { name })}
      @click=${() => this.show({ kind: 'remove', userId }, '#verify-title')}
    >
      ${t.removeAction}
    </button>`;
  }

  /** Under the people list: the Add people button, and the last refusal if there was one. */
  footer(t: Strings): TemplateResult {
    return html`${this.errorLine(t)}
      <button part="add-participants-button" type="button" class="add-people" @click=${() => this.openAdd()}>
        ${t.addPeople}
      </button>`;
  }

  private errorLine(t: Strings): TemplateResult | typeof nothing {
    return this.error
      ? html`<p part="members-error" class="members-error" role="alert" tabindex="-1">
          ${errorText(t, this.error)}
        </p>`
      : nothing;
  }

  private show(view: View | null, focus?: string): void {
    this.view = view;
    this.error = null;
    this.refresh(focus);
  }

  private openAdd(): void {
    const view: View = { kind: 'add', contacts: null, chosen: new Set() };
    this.show(view, '#verify-title');
    this.options.actions.contacts().then(
      (contacts) => {
        view.contacts = contacts;
        this.refresh();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private fail(error: unknown): void {
    this.busy = false;
    this.error = reasonOf(error);
    this.onError(error);
    this.refresh('[part~="members-error"]');
  }

  private async run(action: () => Promise<void>, focus: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.refresh();
    try {
      await action();
      this.busy = false;
      this.show(null, focus);
    } catch (error) {
      this.fail(error);
    }
  }

  /** The add or remove view in place of the people list. */
  render(t: Strings, threadId: string): TemplateResult | typeof nothing {
    const thread = this.options.thread(threadId);
    if (!thread || !this.view) return nothing;
    return this.view.kind === 'add'
      ? this.add(t, thread, this.view)
      : this.remove(t, thread, this.view.userId);
  }

  private add(t: Strings, thread: Thread, view: Extract<View, { kind: 'add' }>): TemplateResult {
    const present = new Set(thread.participants.map((p) => p.userId));
    const candidates = (view.contacts ?? []).filter((c) => !present.has(c.id));
    return html`<h2 id="verify-title" tabindex="-1">${t.addPeopleTitle}</h2>
      ${
        view.contacts === null
          ? html`<p role="status">${t.loading}</p>`
          : candidates.length === 0
            ? html`<p role="status">${t.noContactsToAdd}</p>`
            : html`<fieldset class="contacts">
                <legend class="visually-hidden">${t.addPeopleTitle}</legend>
                ${candidates.map(
                  (contact) =>
                    html`<label part="contact-option" class="contact-option">
                      <input
                        type="checkbox"
                        .checked=${view.chosen.has(contact.id)}
                        @change=${(event: Event) => {
                          const box = event.target as HTMLInputElement;
                          if (box.checked) view.chosen.add(contact.id);
                          else view.chosen.delete(contact.id);
                          this.refresh();
                        }}
                      />
                      <bdi>${contact.displayName}</bdi>
                    </label>`,
                )}
              </fieldset>`
      }
      ${thread.encrypted ? html`<p class="note">${t.addPeopleNote}</p>` : nothing} ${this.errorLine(t)}
      <div class="actions">
        <button
          type="button"
          class="cancel"
          @click=${() => this.show(null, '[part~="add-participants-button"]')}
        >
          ${t.peopleBack}
        </button>
        <button
          part="add-confirm"
          type="button"
          class="confirm"
          ?disabled=${this.busy || view.chosen.size === 0}
          @click=${() =>
            void this.run(
              () => this.options.actions.addParticipants(thread.id, [...view.chosen]),
              '#verify-title',
            )}
        >
          ${t.addSelected}
        </button>
      </div>`;
  }

  private remove(t: Strings, thread: Thread, userId: UserId): TemplateResult {
    const name = nameIn(thread, userId);
    return html`<h2 id="verify-title" tabindex="-1">${fillIsolated(t.removeTitle, { name })}</h2>
      <p id="remove-body">
        ${fillIsolated(thread.encrypted ? t.removeBodyEncrypted : t.removeBodyPlain, { name })}
      </p>
      ${this.errorLine(t)}
      <div class="actions">
        <button
          type="button"
          class="cancel"
          @click=${() => this.show(null, `[data-remove="${CSS.escape(userId)}"]`)}
        >
          ${t.cancel}
        </button>
        <button
          part="remove-confirm"
          type="button"
          class="confirm"
          aria-describedby="remove-body"
          ?disabled=${this.busy}
          @click=${() =>
            void this.run(() => this.options.actions.removeParticipant(thread.id, userId), '#verify-title')}
        >
          ${t.removeConfirm}
        </button>
      </div>`;
  }
}

export const membersStyles = css`
  .pending-tag {
    font-size: 0.875em;
    color: var(--bm-color-muted);
  }

  .contacts {
    display: grid;
    margin: 0 0 var(--bm-space);
    padding: 0;
    border: 0;
  }

  [part~='contact-option'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    min-block-size: 44px;
    cursor: pointer;
  }

  [part~='contact-option'] input {
    inline-size: 1.25rem;
    block-size: 1.25rem;
    margin: 0;
  }

  .members-error {
    padding: calc(var(--bm-space) / 2);
    border-inline-start: 4px solid var(--bm-color-accent);
    background: var(--bm-color-surface);
  }

  .add-people {
    margin-block-end: var(--bm-space);
  }

  .note {
    color: var(--bm-color-muted);
    font-size: 0.875em;
  }
`;
