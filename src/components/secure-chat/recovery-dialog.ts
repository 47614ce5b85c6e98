/**
 * The recovery dialog, loaded on first open. Modes: `enable` (choose a passphrase, twice, with a live strength
 * hint and the minimum the backup requires), `restore` (a fresh browser: the passphrase brings the history back),
 * `fresh` (a fresh browser: new keys, said plainly), `settings` (on or off; change the passphrase; turn it off),
 * `change` and `off`. Passphrases live in this object only while the dialog is open, never in a store.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { estimatePassphraseStrength, type PassphraseStrength } from '../../crypto/recovery-strength.js';
import type { RecoveryStatus } from '../../engine/recovery.js';
import type { Strings } from '../../i18n/strings.js';
import { fill } from '../../i18n/template.js';
import type { RecoveryStore } from '../../state/recovery.js';
import type { RecoveryOptions } from './recovery.js';
import type { TrustHost } from './trust.js';
import { completeEnglish } from '../../i18n/en-more.js';
import { adoptInto } from './lazy.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

export type RecoveryMode = 'enable' | 'restore' | 'fresh' | 'settings' | 'change' | 'off';

type Field = 'current' | 'passphrase' | 'repeat';

const HINTS = {
  'too-short': 'hintTooShort',
  'common-password': 'hintCommon',
  repeated: 'hintRepeated',
  sequence: 'hintSequence',
  date: 'hintDate',
  'add-words': 'hintAddWords',
} as const;

/** The user-facing text of a failed recovery step, from its typed reason. */
export function recoveryErrorText(t: Strings, error: unknown): string {
  const reason = (error as { reason?: unknown } | null)?.reason;
  if (reason === 'wrong-passphrase') return t.wrongPassphrase;
  if (reason === 'no-backup') return t.noBackup;
  if (reason === 'passphrase-too-weak') return t.strengthLow;
  return fill(t.recoveryFailed, { reason: typeof reason === 'string' ? reason : 'unknown' });
}

export class RecoveryDialog {
  private mode: RecoveryMode | null = null;
  private status: RecoveryStatus | null = null;
  private values: Record<Field, string> = { current: '', passphrase: '', repeat: '' };
  private busy = false;
  /** The last failure, shown by its typed reason. */
  private failure: unknown = null;
  private done = false;
  private opener: HTMLElement | null = null;

  constructor(
    private readonly host: TrustHost,
    private readonly options: RecoveryOptions & { store: RecoveryStore },
  ) {
    adoptInto(host.renderRoot, styles);
  }

  private element(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog[part~="recovery-dialog"]');
  }

  async open(mode: RecoveryMode, opener: HTMLElement | null): Promise<void> {
    this.opener = opener;
    this.switchTo(mode);
    await this.host.updateComplete;
    const dialog = this.element();
    if (dialog && !dialog.open) dialog.showModal();
    this.focusFirst();
  }

  private switchTo(mode: RecoveryMode): void {
    this.mode = mode;
    this.values = { current: '', passphrase: '', repeat: '' };
    this.failure = null;
    this.done = false;
    this.host.requestUpdate();
    if (mode === 'settings' || mode === 'enable') void this.loadStatus();
    if (this.element()?.open) this.focusFirst();
  }

  private async loadStatus(): Promise<void> {
    try {
      this.status = await (await this.options.recovery()).status();
    } catch (error) {
      this.options.onError(error);
    }
    this.host.requestUpdate();
  }

  private focusFirst(): void {
    void this.host.updateComplete.then(() => {
      const dialog = this.element();
      (dialog?.querySelector('input') ?? dialog?.querySelector<HTMLElement>('#recovery-title'))?.focus();
    });
  }

  private close = () => this.element()?.close();

  private closed = () => {
    this.mode = null;
    this.values = { current: '', passphrase: '', repeat: '' };
    this.host.requestUpdate();
    // The notice that opened it may be gone (restored, or started fresh): focus the chat instead.
    const root = this.host.renderRoot;
    const target = this.opener?.isConnected
      ? this.opener
      : (root.querySelector<HTMLElement>('[part~="input"]') ??
        root.querySelector<HTMLElement>('[part~="thread-item"]'));
    target?.focus();
  };

  private async run(step: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.failure = null;
    this.host.requestUpdate();
    try {
      await step();
      this.done = true;
      this.values = { current: '', passphrase: '', repeat: '' };
    } catch (error) {
      this.failure = error;
    }
    this.busy = false;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.element()
      ?.querySelector<HTMLElement>(this.failure ? '[role="alert"]' : '.done')
      ?.focus();
  }

  private submit(event: Event): void {
    event.preventDefault();
    if (this.busy || !this.ready()) return;
    const { current, passphrase } = this.values;
    const { store } = this.options;
    const actions = () => this.options.recovery();
    switch (this.mode) {
      case 'enable':
        void this.run(async () => {
          await (await actions()).enable(passphrase);
          store.$offer.set(false);
        });
        break;
      case 'restore':
        void this.run(async () => {
          await (await actions()).restore(passphrase);
          store.$setup.set(null);
        });
        break;
      case 'fresh':
        void this.run(async () => {
          await (await actions()).startFresh();
          store.$setup.set(null);
        });
        break;
      case 'change':
        void this.run(async () => (await actions()).changePassphrase(current, passphrase));
        break;
      case 'off':
        void this.run(async () => {
          await (await actions()).disable();
          store.$offer.set(false);
        });
        break;
    }
  }

  private strength(): PassphraseStrength {
    return estimatePassphraseStrength(this.values.passphrase);
  }

  /** Whether the form may be sent: a new passphrase must be strong enough and typed twice alike. */
  private ready(): boolean {
    const { current, passphrase, repeat } = this.values;
    switch (this.mode) {
      case 'enable':
        return this.strength().acceptable && passphrase === repeat;
      case 'change':
        return !!current && this.strength().acceptable && passphrase === repeat;
      case 'restore':
        return !!passphrase;
      default:
        return true;
    }
  }

  private input(field: Field, label: string, isNew: boolean): TemplateResult {
    const id = `recovery-${field}`;
    return html`<label for=${id}>${label}</label>
      <input
        id=${id}
        part="passphrase-input"
        type="password"
        autocomplete=${isNew ? 'new-password' : 'current-password'}
        spellcheck="false"
        .value=${this.values[field]}
        aria-describedby=${field === 'passphrase' && isNew ? 'recovery-strength' : nothing}
        ?disabled=${this.busy || this.done}
        @input=${(event: Event) => {
          this.values = { ...this.values, [field]: (event.target as HTMLInputElement).value };
          this.host.requestUpdate();
        }}
      />`;
  }

  /** The meter, its level in words, whether it meets the minimum, and what to change. */
  private strengthHint(t: Strings): TemplateResult {
    const strength = this.strength();
    const typed = this.values.passphrase.length > 0;
    const level = t[`strength${strength.score}`];
    return html`<div id="recovery-strength" part="passphrase-strength" class="strength" aria-live="polite">
      <meter min="0" max="4" low="2" high="3" optimum="4" .value=${strength.score} aria-hidden="true"></meter>
      ${
        typed
          ? html`<span>${fill(t.strength, { level })}</span>
              ${strength.acceptable ? nothing : html`<span>${t.strengthLow}</span>`}
              ${strength.feedback.map((code) => html`<span>${t[HINTS[code]]}</span>`)}`
          : nothing
      }
    </div>`;
  }

  private newPassphrase(t: Strings, label: string): TemplateResult {
    const { passphrase, repeat } = this.values;
    return html`${this.input('passphrase', label, true)} ${this.strengthHint(t)}
    ${this.input('repeat', t.passphraseRepeat, true)}
    ${repeat && passphrase !== repeat ? html`<p class="mismatch">${t.passphraseMismatch}</p>` : nothing}`;
  }

  render(t: Strings): TemplateResult | typeof nothing {
    if (!this.mode) return nothing;
    return html`<dialog part="recovery-dialog" aria-labelledby="recovery-title" @close=${this.closed}>
      <form @submit=${(event: Event) => this.submit(event)}>
        ${this.body(t, this.mode)} ${this.footer(t)}
      </form>
    </dialog>`;
  }

  private title(t: Strings, mode: RecoveryMode): string {
    switch (mode) {
      case 'restore':
        return t.setupRestore;
      case 'fresh':
        return t.setupFresh;
      case 'change':
        return t.changePassphrase;
      case 'off':
        return t.recoveryTurnOff;
      default:
        return t.recoveryButton;
    }
  }

  private body(t: Strings, mode: RecoveryMode): TemplateResult {
    const heading = html`<h2 id="recovery-title" tabindex="-1">${this.title(t, mode)}</h2>`;
    switch (mode) {
      case 'enable':
        return html`${heading}
          <p class="warning">${t.recoveryOffer}</p>
          <p>${t.recoveryExplain}</p>
          ${
            this.status && !this.status.identityAvailable
              ? html`<p class="note">${t.recoveryNoIdentity}</p>`
              : nothing
          }
          ${this.newPassphrase(t, t.passphrase)}`;
      case 'restore':
        return html`${heading}${this.input('passphrase', t.passphrase, false)}`;
      case 'fresh':
        return html`${heading}
          <p class="warning">${t.setupFreshBody}</p>`;
      case 'change':
        return html`${heading}${this.input('current', t.passphraseCurrent, false)}
        ${this.newPassphrase(t, t.passphraseNew)}`;
      case 'off':
        return html`${heading}
          <p class="warning">${t.recoveryTurnOffBody}</p>`;
      case 'settings':
        return html`${heading}
          <p role="status">
            ${this.status ? (this.status.enabled ? t.recoveryIsOn : t.recoveryIsOff) : t.recoveryWorking}
          </p>
          ${this.status && !this.status.enabled ? html`<p class="warning">${t.recoveryOffer}</p>` : nothing}`;
    }
  }

  private footer(t: Strings): TemplateResult {
    const status = html`${this.busy ? html`<p role="status">${t.recoveryWorking}</p>` : nothing}
    ${
      this.failure
        ? html`<p role="alert" class="error" tabindex="-1">${recoveryErrorText(t, this.failure)}</p>`
        : nothing
    }`;
    if (this.done)
      return html`${status}
        <p class="done" role="status" tabindex="-1">${t.recoveryDone}</p>
        <div class="actions">
          <button type="button" class="confirm" @click=${this.close}>${t.close}</button>
        </div>`;
    const confirm = this.confirmLabel(t);
    return html`${status}
      <div class="actions">
        <button type="button" class="cancel" @click=${this.close}>
          ${this.mode === 'settings' ? t.close : t.cancel}
        </button>
        ${
          this.mode === 'settings' && this.status
            ? this.status.enabled
              ? html`<button type="button" @click=${() => this.switchTo('change')}>
                    ${t.changePassphrase}
                  </button>
                  <button type="button" @click=${() => this.switchTo('off')}>${t.recoveryTurnOff}</button>`
              : html`<button type="button" class="confirm" @click=${() => this.switchTo('enable')}>
                  ${t.recoverySetUp}
                </button>`
            : nothing
        }
        ${
          confirm
            ? html`<button
                type="submit"
                class="confirm"
                part="recovery-confirm"
                ?disabled=${this.busy || !this.ready()}
              >
                ${confirm}
              </button>`
            : nothing
        }
      </div>`;
  }

  private confirmLabel(t: Strings): string | null {
    switch (this.mode) {
      case 'enable':
        return t.recoveryEnable;
      case 'restore':
        return t.restoreAction;
      case 'fresh':
        return t.setupFresh;
      case 'change':
        return t.changePassphrase;
      case 'off':
        return t.recoveryTurnOff;
      default:
        return null;
    }
  }
}

const styles = css`
  [part~='recovery-dialog'] {
    max-inline-size: min(30rem, 90vw);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
    color: var(--bm-color-text);
  }

  [part~='recovery-dialog'] h2 {
    margin-block-start: 0;
    font-size: 1.125em;
  }

  [part~='recovery-dialog'] form {
    display: grid;
    gap: calc(var(--bm-space) / 2);
  }

  [part~='recovery-dialog'] p {
    margin: 0;
  }

  [part~='passphrase-input'] {
    min-block-size: 44px;
    padding-inline: calc(var(--bm-space) / 2);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
    color: var(--bm-color-text);
    font: inherit;
  }

  [part~='passphrase-strength'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem calc(var(--bm-space) / 2);
    font-size: 0.875em;
    color: var(--bm-color-muted);
  }

  [part~='passphrase-strength'] meter {
    inline-size: 6rem;
  }

  [part~='recovery-dialog'] .warning {
    padding: calc(var(--bm-space) / 2);
    border-inline-start: 4px solid var(--bm-color-accent);
    background: var(--bm-color-surface);
  }

  [part~='recovery-dialog'] .error,
  [part~='recovery-dialog'] .mismatch {
    font-weight: 600;
  }

  [part~='recovery-dialog'] .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: calc(var(--bm-space) / 2);
    margin-block-start: calc(var(--bm-space) / 2);
  }

  [part~='recovery-dialog'] .confirm {
    background: var(--bm-color-accent);
    color: var(--bm-color-bg);
  }

  [part~='recovery-dialog'] .confirm:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;
