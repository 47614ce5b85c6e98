/**
 * Recovery in the widget, loaded when first needed (recovery.ts): the notices (a fresh browser's setup choices,
 * the opt-in recovery offer), the header button of an encrypted thread that opens the recovery settings, and the
 * dialog (recovery-dialog.ts).
 */
import { css, html, nothing, svg, type TemplateResult } from 'lit';
import type { Thread } from '../../adapter/types.js';
import type { SetupChoice } from '../../engine/recovery.js';
import type { Strings } from '../../i18n/strings.js';
import type { RecoveryStore } from '../../state/recovery.js';
import { StoreController } from '../../utils/store-controller.js';
import { RecoveryDialog, type RecoveryMode } from './recovery-dialog.js';
import type { RecoveryOptions } from './recovery.js';
import type { TrustHost } from './trust.js';
import { completeEnglish } from '../../i18n/en-more.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

/**
 * Each way a fresh browser can be set up (engine/security/device-setup.ts decides which are offered): the
 * dialog mode it opens and its label. Linking from another device adds its entry here.
 */
const SETUP_CHOICES: Record<
  SetupChoice,
  { mode: RecoveryMode | 'link'; label: 'setupLink' | 'setupRestore' | 'setupFresh' | 'setupFinishRestore' }
> = {
  link: { mode: 'link', label: 'setupLink' },
  restore: { mode: 'restore', label: 'setupRestore' },
  'start-fresh': { mode: 'fresh', label: 'setupFresh' },
  'finish-restore': { mode: 'restore', label: 'setupFinishRestore' },
};

const keyIcon = svg`<circle cx="5" cy="8" r="3" /><path d="M8 8h7M12.5 8v3M15 8v2" />`;

export class RecoveryUi {
  private readonly setup: StoreController<SetupChoice[] | null>;
  private readonly due: StoreController<boolean>;
  private readonly dialog: RecoveryDialog;

  constructor(
    host: TrustHost,
    private readonly options: RecoveryOptions & { store: RecoveryStore },
  ) {
    this.setup = new StoreController(host, options.store.$setup);
    this.due = new StoreController(host, options.store.$offer);
    this.dialog = new RecoveryDialog(host, options);
  }

  /** Above the chat: what this browser needs before encrypted messages can be read. */
  setupNotice(t: Strings): TemplateResult | typeof nothing {
    const choices = this.setup.value;
    if (!choices) return nothing;
    return html`<div part="setup-notice" class="recovery-notice" role="status">
      <span>${choices.includes('finish-restore') ? t.setupUnfinished : t.setupNeeded}</span>
      ${choices.map((choice) => {
        const { mode, label } = SETUP_CHOICES[choice];
        return html`<button
          type="button"
          data-choice=${choice}
          aria-haspopup="dialog"
          @click=${(event: Event) =>
            mode === 'link' ? this.options.link(event.currentTarget as HTMLElement) : this.open(mode, event)}
        >
          ${t[label]}
        </button>`;
      })}
    </div>`;
  }

  /** The opt-in offer, with the plain warning; shown under the composer of an encrypted thread. */
  offer(t: Strings): TemplateResult | typeof nothing {
    if (!this.due.value) return nothing;
    return html`<div part="recovery-offer" class="recovery-notice" role="status">
      <span>${t.recoveryOffer}</span>
      <button
        type="button"
        class="set-up"
        aria-haspopup="dialog"
        @click=${(e: Event) => this.open('enable', e)}
      >
        ${t.recoverySetUp}
      </button>
      <button type="button" class="not-now" @click=${() => void this.decline()}>${t.notNow}</button>
    </div>`;
  }

  /** In an encrypted thread's header: the recovery settings (turn on, change the passphrase, turn off). */
  button(t: Strings, thread: Thread): TemplateResult | typeof nothing {
    if (!thread.encrypted) return nothing;
    return html`<button
      part="recovery-button"
      type="button"
      class="icon-button"
      aria-label=${t.recoveryButton}
      title=${t.recoveryButton}
      aria-haspopup="dialog"
      @click=${(event: Event) => this.open('settings', event)}
    >
      <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">${keyIcon}</svg>
    </button>`;
  }

  private async decline(): Promise<void> {
    this.options.store.$offer.set(false);
    try {
      await (await this.options.recovery()).declineOffer();
    } catch (error) {
      this.options.onError(error);
    }
  }

  /** Opens the dialog in one of its modes; focus returns to `opener` when it closes. */
  open(mode: RecoveryMode, event: Event | null): void {
    void this.dialog.open(mode, (event?.currentTarget as HTMLElement | null) ?? null);
  }

  renderDialog(t: Strings): TemplateResult | typeof nothing {
    return this.dialog.render(t);
  }
}

/** Adopted by LazyPart when the module arrives; the dialog adopts its own. */
export const styles = css`
  .recovery-notice {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    margin: calc(var(--bm-space) / 2) var(--bm-space);
    padding: calc(var(--bm-space) / 2);
    border: 1px solid var(--bm-color-border);
    border-inline-start: 4px solid var(--bm-color-accent);
    border-radius: var(--bm-radius);
    background: var(--bm-color-surface);
  }

  .recovery-notice > span {
    flex: 1 1 14rem;
  }
`;
