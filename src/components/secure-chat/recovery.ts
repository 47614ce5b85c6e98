/**
 * Recovery in the widget's entry: only the store the engine feeds and the switch that loads the UI
 * (recovery-ui.ts: the setup and offer notices, the header button, the dialog) the first time it is needed,
 * which is never on a page whose users do not touch encryption.
 */
import { nothing, type TemplateResult } from 'lit';
import type { Thread } from '../../adapter/types.js';
import type { RecoveryActions, SetupChoice } from '../../engine/recovery.js';
import type { Strings } from '../../i18n/strings.js';
import { createRecoveryStore } from '../../state/recovery.js';
import { LazyPart } from './lazy.js';
import type { TrustHost } from './trust.js';

export interface RecoveryOptions {
  /** The engine's recovery actions (they load the crypto chunk). */
  recovery: () => Promise<RecoveryActions>;
  onError: (error: unknown) => void;
  /** The fresh-browser choice "Link from your other device": opens the devices dialog. */
  link: (opener: HTMLElement) => void;
}

export class RecoveryController {
  /** Fed by the engine's encrypted-thread half (`setupNeeded`, `offered`). */
  readonly store = createRecoveryStore();
  private readonly part: LazyPart<typeof import('./recovery-ui.js')>;
  private ui: import('./recovery-ui.js').RecoveryUi | null = null;

  constructor(host: TrustHost, options: RecoveryOptions) {
    this.part = new LazyPart(host, () =>
      import('./recovery-ui.js').then((module) => {
        this.ui = new module.RecoveryUi(host, { ...options, store: this.store });
        return module;
      }),
    );
  }

  private load(): void {
    void this.part.use().catch(() => undefined);
  }

  readonly setupNeeded = (choices: SetupChoice[]) => (this.store.$setup.set(choices), this.load());
  readonly offered = () => (this.store.$offer.set(true), this.load());

  /** In the banner row: a fresh browser's setup choices. */
  notice(t: Strings): TemplateResult | typeof nothing {
    return this.ui?.setupNotice(t) ?? nothing;
  }

  /** Under the composer of an encrypted thread: the recovery offer, while it is due. */
  offer(t: Strings, thread: Thread): TemplateResult | typeof nothing {
    return thread.encrypted ? (this.ui?.offer(t) ?? nothing) : nothing;
  }

  /** The recovery settings button of an encrypted thread's header (shown once its module is in). */
  button(t: Strings, thread: Thread): TemplateResult | typeof nothing {
    if (!thread.encrypted) return nothing;
    this.load();
    return this.ui?.button(t, thread) ?? nothing;
  }

  renderDialog(t: Strings): TemplateResult | typeof nothing {
    return this.ui?.renderDialog(t) ?? nothing;
  }
}
