/**
 * The verification dialog, loaded on first open: the people of a thread with their verification, and for one
 * contact the 60-digit safety number in twelve groups, its QR code (`BMSN1:` and the digits, drawn by uqr as SVG
 * rectangles, no markup strings) and the choice: mark verified, clear it, or accept a changed key unverified.
 */
import { css, html, nothing, svg, type TemplateResult } from 'lit';
import type { MapStore } from 'nanostores';
import { encode, type QrCodeGenerateOptions } from 'uqr';
import type { Thread, UserId } from '../../adapter/types.js';
import type { ContactSafetyNumber, TrustActions } from '../../engine/trust.js';
import type { Strings } from '../../i18n/strings.js';
import { fill, fillIsolated } from '../../i18n/template.js';
import type { PeerTrust } from '../../state/key-changes.js';
import { nameIn, verifiedBadge, type TrustHost, type TrustOptions } from './trust.js';
import { MembersPanel, membersStyles } from './members-panel.js';
import { completeEnglish } from '../../i18n/en-more.js';
import { adoptInto } from './lazy.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

/** Medium error correction and the four-module quiet zone that QR readers expect. */
export const QR_OPTIONS: QrCodeGenerateOptions = { ecc: 'M', border: 4 };

/** The QR code as one SVG: a light square and a dark rectangle per run of dark modules in a row. */
export function qrCode(payload: string, label: string): TemplateResult {
  const { size, data } = encode(payload, QR_OPTIONS);
  const runs: TemplateResult[] = [];
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      runs.push(svg`<rect x=${start} y=${y} width=${x - start + 1} height="1" />`);
    }
  });
  return html`<svg
    part="qr-code"
    class="qr-code"
    role="img"
    aria-label=${label}
    viewBox="0 0 ${size} ${size}"
    shape-rendering="crispEdges"
  >
    <rect class="light" width=${size} height=${size} />
    <g class="dark">${runs}</g>
  </svg>`;
}

/** The digits for the eye in groups of five; for a screen reader each group digit by digit. */
function digits(t: Strings, number: ContactSafetyNumber): TemplateResult {
  return html`<ol part="safety-number" class="safety-number" aria-label=${t.safetyNumber}>
    ${number.groups.map(
      (group) =>
        html`<li>
          <span aria-hidden="true">${group}</span><span class="visually-hidden">${[...group].join(' ')}</span>
        </li>`,
    )}
  </ol>`;
}

export class VerifyDialog {
  private thread: Thread | null = null;
  private me: UserId | null = null;
  /** The contact shown; null: everyone in the thread. */
  private userId: UserId | null = null;
  private number: ContactSafetyNumber | null = null;
  private noKeys = false;
  private opener: HTMLElement | null = null;
  /** After the next render: what gets focus (a view changed under the button that was pressed). */
  private focusNext: string | null = null;
  /** Adding and removing people (members-panel.ts), where the root element offers it. */
  private readonly members: MembersPanel | null;

  constructor(
    private readonly host: TrustHost,
    private readonly options: TrustOptions & { peers: MapStore<Record<UserId, PeerTrust>> },
  ) {
    adoptInto(host.renderRoot, styles);
    adoptInto(host.renderRoot, membersStyles);
    const { members } = options;
    this.members = members
      ? new MembersPanel(
          members,
          (focus) => {
            if (focus) this.focusNext = focus;
            this.refresh();
          },
          options.onError,
        )
      : null;
  }

  private element(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog[part~="verify-dialog"]');
  }

  async open(thread: Thread, me: UserId | null, userId: UserId | null, opener: HTMLElement | null) {
    this.thread = thread;
    this.me = me;
    this.opener = opener;
    this.members?.reset();
    this.show(userId);
    await this.host.updateComplete;
    const dialog = this.element();
    if (dialog && !dialog.open) dialog.showModal();
  }

  /** Switches to one contact (loading their safety number) or back to everyone. */
  private show(userId: UserId | null): void {
    const from = this.userId;
    this.userId = userId;
    this.number = null;
    this.noKeys = false;
    this.focusNext = userId ? '#verify-title' : from ? `[data-user="${CSS.escape(from)}"]` : null;
    this.refresh();
    if (userId) void this.load(userId);
  }

  private async load(userId: UserId): Promise<void> {
    try {
      const number = await (await this.options.trust()).safetyNumber(userId);
      if (this.userId === userId) this.number = number;
    } catch (error) {
      if ((error as { reason?: string }).reason === 'not-pinned') this.noKeys = true;
      else this.options.onError(error);
    }
    this.refresh();
  }

  private async act(action: (trust: TrustActions) => Promise<void>): Promise<void> {
    try {
      await action(await this.options.trust());
    } catch (error) {
      this.options.onError(error);
      // The key may have changed under the number shown: show the current one.
      if (this.userId) void this.load(this.userId);
    }
    this.refresh();
  }

  private refresh(): void {
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      if (!this.focusNext) return;
      // Kept until what it names is drawn: an earlier refresh may complete before the view that has it.
      const target = this.element()?.querySelector<HTMLElement>(this.focusNext);
      if (!target) return;
      target.focus();
      this.focusNext = null;
    });
  }

  private closed = () => {
    this.thread = null;
    this.members?.reset();
    this.userId = null;
    this.host.requestUpdate();
    this.opener?.focus();
  };

  render(t: Strings): TemplateResult | typeof nothing {
    if (!this.thread) return nothing;
    // The participants as the stores hold them now: people come and go while the dialog is open.
    const thread = this.options.members?.thread(this.thread.id) ?? this.thread;
    return html`<dialog part="verify-dialog" aria-labelledby="verify-title" @close=${this.closed}>
      ${
        this.members?.view
          ? this.members.render(t, thread.id)
          : this.userId
            ? this.contact(t, thread, this.userId)
            : this.people(t, thread)
      }
    </dialog>`;
  }

  private people(t: Strings, thread: Thread): TemplateResult {
    const peers = this.options.peers.get();
    const members = this.members;
    return html`<h2 id="verify-title" tabindex="-1">
        ${thread.encrypted ? t.participantsOpen : t.peopleOpen}
      </h2>
      <ul part="participants" class="participants">
        ${thread.participants.map(
          ({ userId, displayName }) =>
            html`<li part="participant">
              <span class="who"
                ><bdi>${displayName}</bdi> ${members?.pendingTag(t, thread, userId) ?? nothing}</span
              >
              ${
                userId === this.me
                  ? html`<span class="you">(${t.you})</span>`
                  : html`${peers[userId]?.verified ? verifiedBadge(t) : nothing}
                    ${
                      thread.encrypted
                        ? html`<button
                            part="verify-button"
                            type="button"
                            data-user=${userId}
                            aria-label=${fill(t.verifyTitle, { name: displayName })}
                            @click=${() => this.show(userId)}
                          >
                            ${t.verifyAction}
                          </button>`
                        : nothing
                    }
                    ${members?.removeButton(t, thread, userId) ?? nothing}`
              }
            </li>`,
        )}
      </ul>
      ${members?.footer(t) ?? nothing}
      <div class="actions">
        <button type="button" class="cancel" @click=${() => this.element()?.close()}>${t.close}</button>
      </div>`;
  }

  private contact(t: Strings, thread: Thread, userId: UserId): TemplateResult {
    const name = nameIn(thread, userId);
    const trust = this.options.peers.get()[userId];
    const change = trust?.change?.kind === 'identity' ? trust.change : null;
    const number = this.number;
    return html`<h2 id="verify-title" tabindex="-1">${fillIsolated(t.verifyTitle, { name })}</h2>
      ${
        change
          ? html`<p class="key-change">
              ${fillIsolated(change.blocking ? t.keyChangedBlocked : t.keyChanged, { name })}
            </p>`
          : nothing
      }
      ${
        number
          ? html`<p>${fillIsolated(t.verifyBody, { name })}</p>
              <div class="number">${digits(t, number)} ${qrCode(number.qrPayload, t.safetyQr)}</div>
              <p class="status">${trust?.verified ? verifiedBadge(t) : t.notVerified}</p>`
          : html`<p role="status">${this.noKeys ? fillIsolated(t.noKeysYet, { name }) : t.loading}</p>`
      }
      <div class="actions">
        <button type="button" class="cancel" @click=${() => this.show(null)}>${t.peopleBack}</button>
        ${
          change?.blocking
            ? html`<button
                type="button"
                class="accept"
                @click=${() => void this.act((a) => a.acceptKeyChange(userId))}
              >
                ${t.acceptKey}
              </button>`
            : nothing
        }
        ${
          number
            ? html`<button
                part="verify-toggle"
                type="button"
                class="confirm"
                @click=${() =>
                  void this.act((a) => a.setVerified(userId, !trust?.verified, number.identityKey))}
              >
                ${trust?.verified ? t.clearVerified : t.markVerified}
              </button>`
            : nothing
        }
      </div>`;
  }
}

const styles = css`
  [part~='verify-dialog'] {
    max-inline-size: min(30rem, 90vw);
    border: 1px solid var(--bm-color-border);
    border-radius: var(--bm-radius);
    background: var(--bm-color-bg);
    color: var(--bm-color-text);
  }

  [part~='verify-dialog'] h2 {
    margin-block-start: 0;
    font-size: 1.125em;
  }

  [part~='verify-dialog'] .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: calc(var(--bm-space) / 2);
  }

  [part~='verify-dialog'] .confirm {
    background: var(--bm-color-accent);
    color: var(--bm-color-bg);
  }

  .participants {
    margin: 0 0 var(--bm-space);
    padding: 0;
    list-style: none;
  }

  [part~='participant'] {
    display: flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    padding-block: calc(var(--bm-space) / 3);
  }

  [part~='participant'] .who {
    display: flex;
    flex: 1;
    flex-wrap: wrap;
    column-gap: calc(var(--bm-space) / 2);
  }

  .number {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--bm-space);
  }

  [part~='safety-number'] {
    display: grid;
    grid-template-columns: repeat(4, auto);
    gap: calc(var(--bm-space) / 2) var(--bm-space);
    margin: 0;
    padding: 0;
    list-style: none;
    font-family: var(--bm-font-family-mono, ui-monospace, monospace);
    font-size: 1.125em;
    direction: ltr;
  }

  /* Dark on light in every theme: what QR readers expect. */
  [part~='qr-code'] {
    inline-size: 10rem;
    block-size: 10rem;
  }

  [part~='qr-code'] .light {
    fill: #fff;
  }

  [part~='qr-code'] .dark {
    fill: #000;
  }

  .key-change {
    padding: calc(var(--bm-space) / 2);
    border-inline-start: 4px solid var(--bm-color-accent);
    background: var(--bm-color-surface);
  }
`;
