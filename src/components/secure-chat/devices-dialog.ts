/**
 * The Devices dialog, loaded on first open. On a browser with no keys: link it to another device of the user. On
 * the device holding the identity key: the signed devices (this one marked), requests from new browsers (compare
 * the code, then approve or deny) and removing a device after a confirmation. A linked browser sees the list.
 * Device ids and codes go through Lit text bindings only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { LinkRequest } from '../../adapter/types.js';
import type {
  DeviceActions,
  DeviceListView,
  NewDeviceLink,
  OwnerLink,
  ThisDevice,
} from '../../engine/security/device-link.js';
import type { Strings } from '../../i18n/strings.js';
import { fill } from '../../i18n/template.js';
import { styles } from './devices-dialog.styles.js';
import type { DevicesOptions } from './devices.js';
import type { TrustHost } from './trust.js';
import { completeEnglish } from '../../i18n/en-more.js';
import { adoptInto } from './lazy.js';

// This part's English text is not in the embed entry (en-more.ts): add it before the part renders.
completeEnglish();

/** How often the list asks for new link requests while the dialog is open. */
const REQUEST_POLL_MS = 2000;

type View =
  | { kind: 'loading' }
  | { kind: 'list'; me: ThisDevice; list: DeviceListView | null; requests: LinkRequest[] }
  | { kind: 'new-link'; link: NewDeviceLink | null; code: string | null; confirming: boolean }
  | { kind: 'owner-link'; deviceId: string; link: OwnerLink | null; approving: boolean }
  | { kind: 'revoke'; deviceId: string };

/** A device's short name: the first eight characters of its id. */
const shortId = (deviceId: string) => deviceId.slice(0, 8);

/** Six digits as two groups for the eye, digit by digit for a screen reader. */
function code(t: Strings, digits: string): TemplateResult {
  return html`<p part="link-code" class="link-code" aria-label=${t.linkCodeLabel}>
    <span aria-hidden="true">${digits.slice(0, 3)} ${digits.slice(3)}</span
    ><span class="visually-hidden">${[...digits].join(' ')}</span>
  </p>`;
}

export class DevicesDialog {
  private view: View = { kind: 'loading' };
  private notice: string | null = null;
  private opener: HTMLElement | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private abort = new AbortController();
  private t: Strings | null = null;

  constructor(
    private readonly host: TrustHost,
    private readonly options: DevicesOptions,
  ) {
    adoptInto(host.renderRoot, styles);
  }

  private element(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog[part~="devices-dialog"]');
  }

  async open(opener: HTMLElement | null): Promise<void> {
    this.opener = opener;
    this.abort = new AbortController();
    this.notice = null;
    this.show({ kind: 'loading' });
    await this.host.updateComplete;
    const dialog = this.element();
    if (dialog && !dialog.open) dialog.showModal();
    this.focusTitle();
    await this.loadList();
    this.poll = setInterval(() => void this.refreshRequests(), REQUEST_POLL_MS);
  }

  private show(view: View, focus = false): void {
    this.view = view;
    this.host.requestUpdate();
    if (focus) this.focusTitle();
  }

  private focusTitle(): void {
    void this.host.updateComplete.then(() =>
      this.element()?.querySelector<HTMLElement>('#devices-title')?.focus(),
    );
  }

  private async actions(): Promise<DeviceActions> {
    return this.options.devices();
  }

  private async loadList(focus = false): Promise<void> {
    try {
      const devices = await this.actions();
      let me = await devices.thisDevice();
      // The user's very first device: nothing to link to, so its keys are made now (as a first encrypted use would).
      if (me.kind === 'none' && me.firstDevice) {
        await devices.listDevices();
        me = await devices.thisDevice();
      }
      const list = me.kind === 'none' ? null : await devices.listDevices();
      const requests = me.kind === 'owner' ? await devices.pendingLinks() : [];
      if (this.element()?.open) this.show({ kind: 'list', me, list, requests }, focus);
    } catch (error) {
      this.options.onError(error);
    }
  }

  private async refreshRequests(): Promise<void> {
    const view = this.view;
    if (view.kind !== 'list' || view.me.kind !== 'owner') return;
    try {
      const requests = await (await this.actions()).pendingLinks();
      if (this.view === view) this.show({ ...view, requests });
    } catch {
      // Asked again at the next tick; a failure the user acted on is reported where they acted.
    }
  }

  private fail(error: unknown): void {
    const reason = (error as { reason?: string } | null)?.reason;
    if (reason === 'denied' || reason === 'cancelled' || reason === 'expired') {
      this.notice = this.t?.linkCancelled ?? null;
    } else this.options.onError(error);
    void this.loadList(true);
  }

  /** On a fresh browser: make its keys, post the request and wait for the code. */
  private async linkThisBrowser(): Promise<void> {
    this.notice = null;
    this.show({ kind: 'new-link', link: null, code: null, confirming: false }, true);
    try {
      const link = await (await this.actions()).linkThisDevice({ signal: this.abort.signal });
      this.show({ kind: 'new-link', link, code: null, confirming: false });
      const digits = await link.code;
      const shown: View = { kind: 'new-link', link, code: digits, confirming: false };
      this.show(shown, true);
      // The other device may deny before this user confirms here: say so at once.
      link.outcome.catch((error: unknown) => {
        if (this.view.kind === 'new-link' && this.view.link === link && !this.view.confirming)
          this.fail(error);
      });
    } catch (error) {
      this.fail(error);
    }
  }

  private async confirmNewLink(link: NewDeviceLink): Promise<void> {
    if (this.view.kind !== 'new-link') return;
    this.show({ ...this.view, confirming: true });
    try {
      await link.confirm();
      this.options.onLinked?.();
      this.notice = this.t?.linkDone ?? null;
      await this.loadList(true);
    } catch (error) {
      this.fail(error);
    }
  }

  private async answer(request: LinkRequest): Promise<void> {
    this.notice = null;
    const deviceId = request.device.deviceId;
    this.show({ kind: 'owner-link', deviceId, link: null, approving: false }, true);
    try {
      const link = await (await this.actions()).answerLink(request.id, { signal: this.abort.signal });
      this.show({ kind: 'owner-link', deviceId, link, approving: false }, true);
    } catch (error) {
      this.fail(error);
    }
  }

  private async approve(link: OwnerLink): Promise<void> {
    if (this.view.kind !== 'owner-link') return;
    this.show({ ...this.view, approving: true });
    try {
      await link.approve();
      this.notice = this.t?.linkApproved ?? null;
      await this.loadList(true);
    } catch (error) {
      this.fail(error);
    }
  }

  private async differ(cancel: () => Promise<void>): Promise<void> {
    await cancel().catch((error: unknown) => this.options.onError(error));
    this.notice = this.t?.linkCancelled ?? null;
    await this.loadList(true);
  }

  private async revoke(deviceId: string): Promise<void> {
    try {
      await (await this.actions()).revokeDevice(deviceId);
      this.notice = this.t?.revokeDone ?? null;
    } catch (error) {
      this.options.onError(error);
    }
    await this.loadList(true);
  }

  private closed = () => {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.abort.abort();
    const view = this.view;
    // Closing in the middle of a link ends it: nothing is signed without both confirmations.
    if (view.kind === 'new-link' && view.link && !view.confirming) void view.link.cancel();
    if (view.kind === 'owner-link' && view.link && !view.approving) void view.link.deny();
    this.view = { kind: 'loading' };
    this.host.requestUpdate();
    this.opener?.focus();
  };

  render(t: Strings): TemplateResult | typeof nothing {
    this.t = t;
    return html`<dialog
      part="devices-dialog"
      aria-labelledby="devices-title"
      aria-busy=${this.view.kind === 'loading' ? 'true' : 'false'}
      @close=${this.closed}
    >
      <h2 id="devices-title" tabindex="-1">${this.title(t)}</h2>
      <p class="devices-notice" role="status">${this.notice ?? ''}</p>
      ${this.body(t)}
    </dialog>`;
  }

  private title(t: Strings): string {
    const view = this.view;
    if (view.kind === 'revoke') return t.revokeTitle;
    if (view.kind === 'new-link') return t.linkThisBrowser;
    if (view.kind === 'owner-link') return fill(t.linkRequestLabel, { id: shortId(view.deviceId) });
    return t.devicesOpen;
  }

  private closeButton(t: Strings, label = t.close): TemplateResult {
    return html`<button type="button" class="cancel" @click=${() => this.element()?.close()}>
      ${label}
    </button>`;
  }

  private body(t: Strings): TemplateResult {
    const view = this.view;
    switch (view.kind) {
      case 'loading':
        return html`<p>${t.loading}</p>
          <div class="actions">${this.closeButton(t)}</div>`;
      case 'list':
        return this.list(t, view);
      case 'new-link':
        return html`${
            view.code
              ? html`${code(t, view.code)}
                  <p>${view.confirming ? t.linkApproving : t.linkCompare}</p>`
              : html`<p>${view.link ? t.linkWaiting : t.loading}</p>`
          }
          <div class="actions">
            <button
              type="button"
              class="cancel"
              ?disabled=${!view.link || view.confirming}
              @click=${() => view.link && void this.differ(() => view.link!.cancel())}
            >
              ${view.code ? t.linkDiffer : t.cancel}
            </button>
            ${
              view.code && view.link
                ? html`<button
                    part="link-confirm"
                    type="button"
                    class="confirm"
                    ?disabled=${view.confirming}
                    @click=${() => void this.confirmNewLink(view.link!)}
                  >
                    ${t.linkMatch}
                  </button>`
                : nothing
            }
          </div>`;
      case 'owner-link':
        return html`${
            view.link
              ? html`${code(t, view.link.code)}
                  <p>${view.approving ? t.loading : t.linkCompare}</p>`
              : html`<p>${t.loading}</p>`
          }
          <div class="actions">
            <button
              type="button"
              class="cancel"
              ?disabled=${!view.link || view.approving}
              @click=${() => view.link && void this.differ(() => view.link!.deny())}
            >
              ${t.linkDiffer}
            </button>
            ${
              view.link
                ? html`<button
                    part="link-confirm"
                    type="button"
                    class="confirm"
                    ?disabled=${view.approving}
                    @click=${() => void this.approve(view.link!)}
                  >
                    ${t.linkMatch}
                  </button>`
                : nothing
            }
          </div>`;
      case 'revoke':
        return html`<p>${fill(t.revokeBody, { id: shortId(view.deviceId) })}</p>
          <div class="actions">
            <button type="button" class="cancel" @click=${() => void this.loadList(true)}>${t.cancel}</button>
            <button
              part="revoke-confirm"
              type="button"
              class="confirm danger"
              @click=${() => void this.revoke(view.deviceId)}
            >
              ${t.revokeConfirm}
            </button>
          </div>`;
    }
  }

  private list(t: Strings, view: Extract<View, { kind: 'list' }>): TemplateResult {
    const { me, list, requests } = view;
    const owner = me.kind === 'owner';
    const note =
      me.kind === 'none'
        ? t.devicesNone
        : me.kind === 'revoked'
          ? t.devicesRevokedNote
          : owner
            ? t.devicesOwnerNote
            : t.devicesLinkedNote;
    return html`<p>${note}</p>
      ${
        list
          ? html`<ul part="device-list" class="device-list">
              ${list.devices.map(
                (device) =>
                  html`<li part="device-item" class=${device.current ? 'current' : ''}>
                    <span class="device-name"
                      >${fill(t.deviceLabel, { id: shortId(device.deviceId) })}${
                        device.current ? html` <strong>(${t.deviceThis})</strong>` : nothing
                      }</span
                    >
                    ${
                      owner && !device.current
                        ? html`<button
                            part="revoke-button"
                            type="button"
                            aria-label=${fill(t.revokeLabel, { id: shortId(device.deviceId) })}
                            @click=${() => this.show({ kind: 'revoke', deviceId: device.deviceId }, true)}
                          >
                            ${t.revokeAction}
                          </button>`
                        : nothing
                    }
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      ${
        requests.length
          ? html`<h3>${t.linkRequests}</h3>
              <ul class="device-list">
                ${requests.map(
                  (request) =>
                    html`<li part="link-request">
                      <span class="device-name"
                        >${fill(t.deviceLabel, { id: shortId(request.device.deviceId) })}</span
                      >
                      <button
                        type="button"
                        aria-label=${fill(t.linkRequestLabel, { id: shortId(request.device.deviceId) })}
                        @click=${() => void this.answer(request)}
                      >
                        ${t.linkRequestShow}
                      </button>
                    </li>`,
                )}
              </ul>`
          : nothing
      }
      <div class="actions">
        ${this.closeButton(t)}
        ${
          me.kind === 'none'
            ? html`<button
                part="link-button"
                type="button"
                class="confirm"
                @click=${() => void this.linkThisBrowser()}
              >
                ${t.linkThisBrowser}
              </button>`
            : nothing
        }
      </div>`;
  }
}
