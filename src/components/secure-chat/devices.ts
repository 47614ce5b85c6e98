/**
 * The Devices button, and the dialog behind it (devices-dialog.ts), which loads on first open: this browser, the
 * user's other devices, linking a new browser by a code compared on both screens, and removing a device.
 */
import { css, html, nothing, svg, type TemplateResult } from 'lit';
import type { DeviceActions } from '../../engine/security/device-link.js';
import type { Strings } from '../../i18n/strings.js';
import type { DevicesDialog } from './devices-dialog.js';
import type { TrustHost } from './trust.js';

export interface DevicesOptions {
  /** The engine's device actions (they load the crypto chunk). */
  devices: () => Promise<DeviceActions>;
  onError: (error: unknown) => void;
  /** This browser was linked: it has keys now (the fresh-browser setup notice can go). */
  onLinked?: () => void;
}

const devicesIcon = svg`<rect x="1.5" y="3" width="9" height="7" rx="1" /><path d="M4 13h4M6 10v3" /><rect x="11.5" y="5" width="3.5" height="8" rx="0.8" />`;

export class DevicesController {
  private dialog: Promise<DevicesDialog> | null = null;
  private loaded: DevicesDialog | null = null;

  constructor(
    private readonly host: TrustHost,
    private readonly options: DevicesOptions,
  ) {}

  button(t: Strings): TemplateResult {
    return html`<button
      part="devices-button"
      type="button"
      class="devices-button"
      aria-haspopup="dialog"
      @click=${(event: Event) => this.open(event.currentTarget as HTMLElement)}
    >
      <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">${devicesIcon}</svg>
      ${t.devicesOpen}
    </button>`;
  }

  open(opener: HTMLElement | null): void {
    this.dialog ??= import('./devices-dialog.js').then(
      ({ DevicesDialog }) => (this.loaded = new DevicesDialog(this.host, this.options)),
    );
    this.dialog.then(
      (dialog) => dialog.open(opener),
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

/** The button (in the entry: it shows without any click); the dialog brings its own rules. */
export const devicesStyles = css`
  .devices-button {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--bm-space) / 2);
    margin: calc(var(--bm-space) / 2);
    padding-inline: var(--bm-space);
  }
`;
