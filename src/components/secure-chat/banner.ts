/**
 * The banner above the chat: the connection state while it is not live (a status, polite), and errors the user
 * should know about (an alert), each dismissible. Both live regions are always in the tree, empty when there is
 * nothing to say, so that what appears in them is announced.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ReadableAtom } from 'nanostores';
import type { ConnectionState } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import { fill } from '../../i18n/template.js';
import { createErrorLog, type ShownError } from '../../state/connection.js';
import { StoreController } from '../../utils/store-controller.js';
import { closeIcon } from './icons.js';

/** What to tell the user for a `bm-error` reason. Reasons are machine-readable; the text is the string table's. */
export function errorText(t: Strings, reason: string): string {
  switch (reason) {
    case 'network':
      return t.errorNetwork;
    case 'unauthorized':
      return t.errorUnauthorized;
    case 'forbidden':
    case 'not-a-participant':
      return t.errorForbidden;
    case 'setup-needed':
      return t.setupNeeded;
    default:
      return fill(t.errorGeneric, { reason: reason.slice(0, 60) });
  }
}

function connectionText(t: Strings, state: ConnectionState): string | null {
  switch (state) {
    case 'offline':
      return t.connectionOffline;
    case 'connecting':
      return t.loading;
    case 'polling':
      return t.connectionPolling;
    case 'live':
      return null;
  }
}

/** Holds one element's errors and reads its connection state; `render` draws the banner. */
export class BannerController {
  private readonly errors = createErrorLog();
  private readonly shownErrors: StoreController<ShownError[]>;
  private readonly connection: StoreController<ConnectionState>;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: ParentNode },
    $connection: ReadableAtom<ConnectionState>,
  ) {
    this.connection = new StoreController(host, $connection);
    this.shownErrors = new StoreController(host, this.errors.$errors);
  }

  /** Shows an error; the user action that failed or the `bm-error` that was fired says which. */
  report(reason: string): void {
    // A cancelled transfer was the user's own choice, not a failure to tell them about; a send paused by a
    // verified contact's key change is explained by the notice above the composer, which keeps the text.
    if (reason !== 'aborted' && reason !== 'key-change-unresolved') this.errors.report(reason);
  }

  private dismiss(id: number, button: HTMLElement): void {
    // Focus would be lost with the button: hand it to the next banner's button, or to the message field.
    const buttons = [...this.host.renderRoot.querySelectorAll<HTMLElement>('.banner-dismiss')];
    const next = buttons[buttons.indexOf(button) + 1] ?? buttons[buttons.indexOf(button) - 1];
    this.errors.dismiss(id);
    (
      next ??
      this.host.renderRoot.querySelector<HTMLElement>('[part~="input"], [part~="filter"]') ??
      undefined
    )?.focus();
  }

  /**
   * `connected`: a session has started, so the connection state means something. `notices`: more rows in the
   * banner area (the recovery offer, a fresh browser's setup choices).
   */
  render(t: Strings, connected: boolean, notices: unknown = nothing): TemplateResult {
    const state = connected ? connectionText(t, this.connection.value) : null;
    return html`<div class="banners">
      <div role="status">
        ${
          state
            ? html`<p part="banner" class="banner connection ${this.connection.value}">${state}</p>`
            : nothing
        }
      </div>
      <div role="alert">
        ${repeat(
          this.shownErrors.value,
          (error) => error.id,
          (error) =>
            html`<div part="banner" class="banner error" data-reason=${error.reason}>
              <p>${errorText(t, error.reason)}</p>
              <button
                type="button"
                class="banner-dismiss"
                aria-label=${t.dismissError}
                title=${t.dismissError}
                @click=${(event: Event) => this.dismiss(error.id, event.currentTarget as HTMLElement)}
              >
                ${closeIcon()}
              </button>
            </div>`,
        )}
      </div>
      ${notices}
    </div>`;
  }
}
