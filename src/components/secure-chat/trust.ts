/**
 * Verification and key changes in the open thread: the header's people button and verified badge, the key-change
 * notices above the composer, and whether sending is paused there. The dialog with the safety number and its QR
 * code (verify-dialog.ts) loads on first open. Names go through Lit text bindings only.
 */
import { css, html, nothing, svg, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Thread, UserId } from '../../adapter/types.js';
import type { TrustActions } from '../../engine/trust.js';
import type { Strings } from '../../i18n/strings.js';
import { fillIsolated } from '../../i18n/template.js';
import {
  allVerified,
  createKeyChangeStore,
  noticesIn,
  sendingBlocked,
  type TrustNotice,
} from '../../state/key-changes.js';
import { StoreController } from '../../utils/store-controller.js';
import type { VerifyDialog } from './verify-dialog.js';
import type { MembersOptions } from './members-panel.js';
import type { ThreadNotice } from '../../state/chat-state.js';
import type { ReadableAtom } from 'nanostores';

export type TrustHost = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

export interface TrustOptions {
  /** The engine's verification actions (they load the crypto chunk). */
  trust: () => Promise<TrustActions>;
  onError: (error: unknown) => void;
  /** Adding and removing people in the people dialog, and pending participants (members-panel.ts). */
  members?: MembersOptions & { $notices: ReadableAtom<Record<string, ThreadNotice[]>> };
}

export const nameIn = (thread: Thread, userId: UserId) =>
  thread.participants.find((p) => p.userId === userId)?.displayName ?? userId;

/** The verified badge: the word for everyone, a check mark for the eye. */
export const verifiedBadge = (t: Strings) =>
  html`<span part="verified-badge" class="verified-badge"
    ><span aria-hidden="true">✓ </span>${t.verified}</span
  >`;

const peopleIcon = svg`<circle cx="6" cy="5.5" r="2.5" /><path d="M1.5 14a4.5 4.5 0 0 1 9 0M10.5 3.2a2.5 2.5 0 0 1 0 4.6M12 9.6a4.5 4.5 0 0 1 2.5 4.4" />`;

export class TrustController {
  /** Per-contact trust, fed by the engine's encrypted-thread half (`report`). */
  readonly store = createKeyChangeStore();
  private readonly peers: StoreController<ReturnType<typeof this.store.$peers.get>>;
  /** Thread notices: pending participants are shown above the composer and in the people dialog. */
  private readonly threadNotices: StoreController<Record<string, ThreadNotice[]>> | null;
  private dialog: Promise<VerifyDialog> | null = null;
  private loaded: VerifyDialog | null = null;

  constructor(
    private readonly host: TrustHost,
    private readonly options: TrustOptions,
  ) {
    this.peers = new StoreController(host, this.store.$peers);
    this.threadNotices = options.members ? new StoreController(host, options.members.$notices) : null;
  }

  readonly report = (userId: UserId, trust: Parameters<typeof this.store.put>[1]) =>
    this.store.put(userId, trust);

  /**
   * After the title: in an encrypted thread the badge when everyone else is verified; the people button in an
   * encrypted thread, and in a plain one where people can be added and removed.
   */
  header(t: Strings, thread: Thread, me: UserId | null): TemplateResult | typeof nothing {
    if (!thread.encrypted && !this.options.members) return nothing;
    const label = thread.encrypted ? t.participantsOpen : t.peopleOpen;
    return html`${thread.encrypted && allVerified(thread, this.peers.value, me) ? verifiedBadge(t) : nothing}
      <button
        part="participants-button"
        type="button"
        class="icon-button"
        aria-label=${label}
        title=${label}
        aria-haspopup="dialog"
        @click=${(event: Event) => this.open(thread, me, null, event.currentTarget as HTMLElement)}
      >
        <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">${peopleIcon}</svg>
      </button>`;
  }

  /** Sending to this thread waits for the user's choice about a verified contact's new key. */
  blocked(thread: Thread, me: UserId | null): boolean {
    return sendingBlocked(thread, this.peers.value, me);
  }

  /**
   * Above the composer: who is still waiting to set up encryption, and one notice per contact whose keys
   * changed, with Verify (and Dismiss unless blocking).
   */
  notices(t: Strings, thread: Thread, me: UserId | null): TemplateResult | typeof nothing {
    const notices = thread.encrypted ? noticesIn(thread, this.peers.value, me) : [];
    const pending = thread.encrypted
      ? (this.threadNotices?.value[thread.id] ?? []).filter(
          (n) =>
            n.kind === 'pending-participant' &&
            thread.participants.some((p) => p.userId === n.params['userId']),
        )
      : [];
    return html`${
      pending.length
        ? html`<div part="pending-participants" class="key-change-notices" role="status">
            ${pending.map(
              (n) =>
                html`<p class="pending">
                  ${fillIsolated(t.waitingForKeys, { name: nameIn(thread, n.params['userId'] ?? '') })}
                </p>`,
            )}
          </div>`
        : nothing
    }${
      notices.length
        ? html`<div part="key-change-notices" class="key-change-notices" role="status">
            ${notices.map((notice) => this.notice(t, thread, me, notice))}
          </div>`
        : nothing
    }`;
  }

  private notice(t: Strings, thread: Thread, me: UserId | null, notice: TrustNotice): TemplateResult {
    const name = nameIn(thread, notice.userId);
    const text =
      notice.kind === 'devices'
        ? t.devicesChanged
        : notice.kind === 'untrusted-device'
          ? t.untrustedDevice
          : notice.blocking
            ? t.keyChangedBlocked
            : t.keyChanged;
    return html`<div
      part="key-change-notice"
      class=${notice.blocking ? 'blocking' : notice.kind}
      id=${notice.blocking ? 'key-change-blocked' : nothing}
    >
      <span>${fillIsolated(text, { name })}</span>
      ${
        notice.kind === 'untrusted-device'
          ? nothing
          : html`<button
              type="button"
              class="verify"
              aria-haspopup="dialog"
              @click=${(event: Event) =>
                this.open(thread, me, notice.userId, event.currentTarget as HTMLElement)}
            >
              ${t.verifyAction}
            </button>`
      }
      ${
        notice.blocking
          ? nothing
          : html`<button type="button" class="dismiss" @click=${() => void this.dismiss(notice)}>
              ${t.dismiss}
            </button>`
      }
    </div>`;
  }

  private async dismiss(notice: TrustNotice): Promise<void> {
    try {
      if (notice.kind === 'untrusted-device') this.store.dismiss(notice.userId, notice.kind);
      else await (await this.options.trust()).acceptKeyChange(notice.userId);
    } catch (error) {
      this.options.onError(error);
    }
  }

  /** Opens the dialog: everyone in the thread (userId null) or one contact's safety number. */
  open(thread: Thread, me: UserId | null, userId: UserId | null, opener: HTMLElement | null): void {
    this.dialog ??= import('./verify-dialog.js').then(
      ({ VerifyDialog }) =>
        (this.loaded = new VerifyDialog(this.host, { ...this.options, peers: this.store.$peers })),
    );
    this.dialog.then(
      (dialog) => dialog.open(thread, me, userId, opener),
      (error: unknown) => {
        this.dialog = null;
        this.options.onError(error);
      },
    );
  }

  /** The dialog, once it has loaded. */
  renderDialog(t: Strings): TemplateResult | typeof nothing {
    return this.loaded?.render(t) ?? nothing;
  }
}

/** The badge and the notices (in the entry: they show without any click); the dialog brings its own rules. */
export const trustStyles = css`
  .verified-badge {
    flex: none;
    font-size: 0.875em;
    color: var(--bm-color-accent);
  }

  .key-change-notices {
    display: grid;
    gap: calc(var(--bm-space) / 2);
    padding: calc(var(--bm-space) / 2) var(--bm-space);
  }

  [part~='key-change-notice'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    padding: calc(var(--bm-space) / 2);
    border: 1px solid var(--bm-color-border);
    border-inline-start: 4px solid var(--bm-color-accent);
    border-radius: var(--bm-radius);
    background: var(--bm-color-surface);
  }

  [part~='key-change-notice'] > span {
    flex: 1 1 12rem;
  }

  [part~='pending-participants'] .pending {
    margin: 0;
    color: var(--bm-color-muted);
  }
`;
