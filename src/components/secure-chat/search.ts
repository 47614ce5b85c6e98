/**
 * Search of the open thread, on this device only: the toggle in the thread header, and the search panel under it
 * (search-panel.ts), which loads on the first open.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Thread, ThreadId, UserId } from '../../adapter/types.js';
import type { Strings } from '../../i18n/strings.js';
import type { MessageView } from '../../state/timeline.js';
import { searchIcon } from './icons.js';
import { LazyPart } from './lazy.js';

export interface SearchModel {
  t: Strings;
  lang: string;
  now: Date;
  me: UserId | null;
  thread: Thread;
  messages: readonly MessageView[];
}

export class ThreadSearchController {
  open = false;
  query = '';
  private threadId: ThreadId | null = null;
  private readonly panel: LazyPart<typeof import('./search-panel.js')>;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment },
    private readonly onError: (error: unknown) => void,
  ) {
    this.panel = new LazyPart(host, () => import('./search-panel.js'));
  }

  private async show(): Promise<void> {
    this.open = true;
    this.host.requestUpdate();
    try {
      await this.panel.use();
    } catch (error) {
      this.open = false;
      this.onError(error);
      return;
    }
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLInputElement>('[part~="search-input"]')?.focus();
  }

  private async hide(): Promise<void> {
    this.open = false;
    this.query = '';
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>('[part~="search-toggle"]')?.focus();
  }

  /** The header button that opens and closes the search panel. */
  toggle(t: Strings): TemplateResult {
    return html`<button
      part="search-toggle"
      type="button"
      class="icon-button"
      aria-label=${t.searchOpen}
      title=${t.searchOpen}
      aria-expanded=${this.open && this.panel.value ? 'true' : 'false'}
      aria-controls="thread-search"
      @click=${() => void (this.open ? this.hide() : this.show())}
    >
      ${searchIcon()}
    </button>`;
  }

  /** The panel under the header while the search is open; another thread closes it. */
  render(model: SearchModel): TemplateResult | typeof nothing {
    if (model.thread.id !== this.threadId) {
      this.threadId = model.thread.id;
      this.open = false;
      this.query = '';
    }
    const panel = this.panel.value;
    if (!this.open || !panel) return nothing;
    return panel.searchPanel(model, this.query, {
      queryChanged: (query) => {
        this.query = query;
        this.host.requestUpdate();
      },
      close: () => void this.hide(),
      goTo: (clientId) => panel.showMessage(this.host.renderRoot, clientId),
    });
  }
}
