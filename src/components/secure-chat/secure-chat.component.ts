import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { StoreController } from '../../utils/store-controller.js';
import { ContextProvider } from '@lit/context';
import { AdapterError, type ChatAdapter } from '../../adapter/types.js';
import { ChatSession } from '../../engine/chat-session.js';
import { en, isRtl, languageOf, loadStrings, stringsFor, type Strings } from '../../i18n/strings.js';
import { chatContext } from '../../state/context.js';
import {
  BmEncryptionEnableEvent,
  BmErrorEvent,
  BmKeyChangeEvent,
  BmMessageEvent,
  BmReadyEvent,
  BmThreadOpenEvent,
  BmUnreadChangeEvent,
} from './events.js';
import { styles } from './secure-chat.styles.js';
import { renderChat } from './chat-view.js';
import { BannerController } from './banner.js';
import { LazyPart } from './lazy.js';
import { ThreadListController } from './thread-list.js';
import { threadToolsStyles } from './thread-tools.styles.js';
import type { ThreadView } from './thread-view.js';
import { TrustController, trustStyles } from './trust.js';
import { DevicesController, devicesStyles } from './devices.js';
import { RecoveryController } from './recovery.js';

export type Theme = 'light' | 'dark' | 'auto';
export * from './events.js';

/**
 * An end-to-end encrypted chat: thread list, messages and composer in one element.
 *
 * @tagname bm-secure-chat
 * @summary An embeddable, end-to-end encrypted chat widget.
 *
 * @csspart base - The outer wrapper of everything the element renders.
 * @csspart empty - The empty state shown when there is no conversation.
 * @csspart thread-list - The list of conversations.
 * @csspart thread-item - One conversation in the list.
 * @csspart filter - The box that filters the list by title and participant names.
 * @csspart thread-list-empty - The line that says no conversation matches the filter.
 * @csspart thread-time - The time of a conversation's last activity in the list (a `<time>` element).
 * @csspart thread-participants - The one-line summary of a conversation's other participants in the list.
 * @csspart banner - A banner above the chat: the connection state while it is not live (class `connection`
 *   and the state: `offline`, `connecting`, `polling`) or a dismissible error (class `error`).
 * @csspart header - The open conversation's header.
 * @csspart title - The open conversation's title.
 * @csspart search-toggle - The header button that opens and closes the search of the open conversation.
 * @csspart search - The search panel under the header: the search field, what it searches, and the results.
 * @csspart search-input - The search field.
 * @csspart search-results - The list of messages found.
 * @csspart search-result - One message found (a button that scrolls to it).
 * @csspart search-match - The matched text in a search result (a `<mark>`).
 * @csspart export-button - The header button that opens the export dialog.
 * @csspart export-dialog - The export dialog: what the file holds, and the JSON and HTML downloads.
 * @csspart messages - The log of messages.
 * @csspart typing - The line under the messages that says who is typing (a polite live region).
 * @csspart day-separator - The heading above the first message of each day ("Today", "Yesterday", a date).
 * @csspart message - One message; a message that follows its sender's last one within five minutes also has
 *   the class `continued`, and its sender line is visually hidden.
 * @csspart sender - The sender's name above a message.
 * @csspart message-body - The text of one message.
 * @csspart time - The time a message was sent (a `<time>` element).
 * @csspart reply-quote - Above a reply: the sender and first line of the message it answers (a button that shows
 *   that message), or a note that the original is not available (class `unavailable`).
 * @csspart reactions - The reactions under a message.
 * @csspart reaction - One reaction with its count (a toggle button; `aria-pressed` when it is the reader's).
 * @csspart receipt - The state of the reader's own message: sent, or read (class `read`) by someone else.
 * @csspart actions-button - The button that opens a message's actions menu.
 * @csspart actions-menu - A message's actions: reply, react, and for one's own messages edit and delete.
 * @csspart load-older - The button at the top of the messages that loads older history.
 * @csspart link - A link in a message (http, https and mailto only; opens in a new tab).
 * @csspart mention - A mention of someone in a message (`@Display Name`).
 * @csspart mention-self - A mention of the reader; also has the part `mention`.
 * @csspart code - Inline code in a message.
 * @csspart code-block - A fenced block of code in a message.
 * @csspart attachment - A file attached to a message: its name, size and download button, and for an image a
 *   preview.
 * @csspart preview - The preview of an attached image (a `<canvas>` with `role="img"`, drawn from the decrypted
 *   file).
 * @csspart download-button - The button that decrypts an attachment in the browser and saves it.
 * @csspart attach-button - The composer's button that picks files to send (files may also be dropped on the
 *   conversation or pasted into the text field).
 * @csspart transfer - One upload or download in progress (with a `<progress>`), or one that failed (class
 *   `failed`, with the reason).
 * @csspart transfer-cancel - The button that cancels a transfer in progress, or dismisses a failed one.
 * @csspart composer - The form to write a message.
 * @csspart composer-mode - Above the text field while replying or editing: what and to whom, and a cancel button.
 * @csspart mention-list - The list of people to mention, shown while typing `@` and a name.
 * @csspart mention-option - One person in the mention list; the highlighted one also has `mention-option-active`.
 * @csspart input - The message text field.
 * @csspart send-button - The send button.
 * @csspart lock-toggle - The button that turns encryption on, shown where the site and the user's role allow.
 * @csspart dialog - The confirmation dialog.
 * @csspart delete-dialog - The confirmation before deleting a message; also has the part `dialog`.
 * @csspart verified-badge - "Verified" with a check mark: in the header when everyone else in an encrypted
 *   conversation is verified, and next to each verified person in the verification dialog.
 * @csspart participants-button - The header button that opens the people dialog (in an encrypted conversation,
 *   the verification dialog).
 * @csspart verify-dialog - The people dialog: the people of the conversation, adding and removing them, and in an
 *   encrypted conversation one person's safety number.
 * @csspart participants - The list of people in the people dialog.
 * @csspart participant - One person in that list.
 * @csspart pending-tag - Next to a person in that list who has not set up encryption yet (no device).
 * @csspart remove-participant - The button that removes a person from the conversation (it asks first).
 * @csspart remove-confirm - The button that confirms a removal; the text above it says what removal does.
 * @csspart add-participants-button - The button under the people list that opens the list of contacts to add.
 * @csspart contact-option - One contact that can be added (a label with a checkbox).
 * @csspart add-confirm - The button that adds the contacts chosen.
 * @csspart members-error - In the people dialog: why the server refused an addition or removal.
 * @csspart pending-participants - Above the composer of an encrypted conversation: who has not set up encryption
 *   yet (what is sent before they do stays unreadable for them).
 * @csspart verify-button - The button that shows one person's safety number.
 * @csspart safety-number - The 60-digit safety number in twelve groups of five (a list; read digit by digit).
 * @csspart qr-code - The QR code of the safety number (an SVG image, dark on light in every theme).
 * @csspart verify-toggle - The button that marks a person verified, or clears it.
 * @csspart devices-button - Below the conversations (or in the empty state): opens the devices dialog, shown when
 *   the site allows encryption.
 * @csspart devices-dialog - The devices dialog: this browser, the user's other devices, linking a new browser by
 *   a code compared on both screens, and removing a device.
 * @csspart device-list - The user's devices, as their identity key signed them.
 * @csspart device-item - One device; class `current` for this browser.
 * @csspart revoke-button - The button that removes one device (after a confirmation).
 * @csspart revoke-confirm - The button that confirms removing a device.
 * @csspart link-button - On a browser without keys: the button that starts linking it to another device.
 * @csspart link-request - One request from a new browser, with the button that shows the code to compare.
 * @csspart link-code - The six-digit link code (two groups of three; read digit by digit).
 * @csspart link-confirm - The button that says the codes on both screens match.
 * @csspart key-change-notices - Above the composer: the notices of people whose keys changed.
 * @csspart key-change-notice - One notice, with Verify and Dismiss; class `blocking` when a verified person's
 *   key changed and sending is paused until the user verifies again or accepts the new key, class `devices` for
 *   another device list signed by the same key, `untrusted-device` for a device the server listed unsigned.
 * @csspart recovery-offer - Under the composer of an encrypted conversation from the first encrypted use until
 *   answered: the offer of a recovery passphrase, with the warning that without one a lost device means lost
 *   history, and Set up recovery / Not now.
 * @csspart setup-notice - Above the chat in a browser that has no keys for a user who has keys elsewhere: Restore
 *   with your recovery passphrase (when a backup exists) and Start fresh on this browser.
 * @csspart recovery-button - The header button of an encrypted conversation that opens the recovery settings.
 * @csspart recovery-dialog - The recovery dialog: set up, restore, start fresh, change the passphrase, turn off.
 * @csspart passphrase-input - A passphrase field in the recovery dialog.
 * @csspart passphrase-strength - The live strength of a new passphrase: a meter, its level and what to change.
 * @csspart recovery-confirm - The recovery dialog's main button (disabled until the passphrase is acceptable).
 *
 * @cssproperty [--bm-color-bg=#ffffff] - Background of the widget.
 * @cssproperty [--bm-color-surface=#f4f5f7] - Background of raised surfaces (lists, composer).
 * @cssproperty [--bm-color-text=#1b1d21] - Main text colour.
 * @cssproperty [--bm-color-muted=#5b6170] - Secondary text colour.
 * @cssproperty [--bm-color-accent=#2450c8] - Accent colour for links, focus and buttons.
 * @cssproperty [--bm-color-border=#d5d8de] - Border colour.
 * @cssproperty [--bm-font-family=system-ui] - Font family.
 * @cssproperty [--bm-font-size=1rem] - Base font size.
 * @cssproperty [--bm-space=0.75rem] - Base spacing unit.
 * @cssproperty [--bm-radius=0.5rem] - Corner radius of the widget and its controls.
 * @cssproperty [--bm-bubble-radius=1rem] - Corner radius of message bubbles.
 * @cssproperty [--bm-bubble-own-bg=#2450c8] - Background of the user's own messages.
 * @cssproperty [--bm-bubble-own-fg=#ffffff] - Text colour of the user's own messages.
 * @cssproperty [--bm-bubble-other-bg=#eceef2] - Background of other people's messages.
 * @cssproperty [--bm-bubble-other-fg=#1b1d21] - Text colour of other people's messages.
 * @cssproperty [--bm-mention-self-bg=#ffe08a] - Background of a mention of the reader.
 * @cssproperty [--bm-mention-self-fg=#1b1d21] - Text colour of a mention of the reader.
 * @cssproperty [--bm-font-family-mono=ui-monospace] - Font family of code in messages.
 *
 * @event {BmReadyEvent} bm-ready - The element has rendered for the first time.
 * @event {BmThreadOpenEvent} bm-thread-open - The user opened a thread; `threadId` says which (null: closed).
 * @event {BmMessageEvent} bm-message - A new message from someone else arrived; it carries no content.
 * @event {BmUnreadChangeEvent} bm-unread-change - The total of unread messages changed; `unread` is the total.
 * @event {BmEncryptionEnableEvent} bm-encryption-enable - Encryption was turned on for a thread.
 * @event {BmKeyChangeEvent} bm-key-change - A contact's keys changed: `userId`, `kind` (`identity`: a new
 *   identity key and safety number; `devices`: a new device list signed by the same key; `untrusted-device`: the
 *   server listed a device the contact's key did not sign, which is ignored) and `verified` (the contact was
 *   verified; for `identity`, sending to shared conversations is paused until the user chooses).
 * @event {BmErrorEvent} bm-error - Something failed; `reason` is machine-readable.
 */
export class BmSecureChat extends LitElement {
  static override styles = [styles, threadToolsStyles, trustStyles, devicesStyles];

  /**
   * Base URL of a backend that speaks the bm-secure-chat HTTP protocol (PROTOCOL.md Part 2), used when no
   * `adapter` is set; authenticated by `token`, or by the site's cookie and `auth-nonce`.
   */
  @property({ reflect: true }) endpoint: string | null = null;

  /** Show this one thread only (the matter-chat mode). */
  @property({ reflect: true }) thread: string | null = null;

  /** Colour theme: `light`, `dark`, or `auto` to follow the system. */
  @property({ reflect: true }) theme: Theme = 'auto';

  /**
   * Language of the UI (BCP 47): English, German (`de`) and Arabic (`ar`) are built in, and a regional tag
   * falls back to its language (`de-AT` speaks German). Unset, the nearest `lang` of the page is used, then
   * English. Dates and times follow it too. Changing it re-renders in place.
   */
  @property({ reflect: true }) override lang!: string;

  /** Text direction: `ltr` or `rtl`; unset, it follows the language (`rtl` for Arabic). Changes apply in place. */
  @property({ reflect: true }) override dir!: string;

  /** Any `ChatAdapter`; takes precedence over `endpoint`. */
  @property({ attribute: false }) adapter: ChatAdapter | null = null;

  /** Bearer token for `endpoint`. A property only: a credential does not belong in the page's markup. */
  @property({ attribute: false }) token: string | null = null;

  /**
   * For a cookie session at `endpoint` (a CMS login, such as a WordPress REST nonce): sent as `x-bm-nonce` with
   * the site's cookies (PROTOCOL.md 2.3). Used when no `token` is set. (Not `nonce`: that is every element's
   * CSP nonce.)
   */
  @property({ attribute: 'auth-nonce' }) authNonce: string | null = null;

  /** Overrides of any UI text, by key; they win over the table the language picks. */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  private readyFired = false;

  private readonly session = new ChatSession({
    scope: () => this.endpoint ?? undefined,
    onError: (error) => this.reportError(error),
    onIncoming: (thread, record) =>
      this.dispatchEvent(new BmMessageEvent(thread.id, record.senderId, thread.encrypted)),
    onStarted: () => this.requestUpdate(),
    // The crypto chunk: imported on the first encrypted-thread interaction, never before.
    loadSecurity: async ({ adapter, state, vault }) => {
      const userId = state.$session.get()?.user.id;
      if (!vault || !userId)
        throw new AdapterError('encryption-disabled', 'The key vault is not available here');
      const { EncryptedThreads } = await import('../../engine/security/thread-security.js');
      return new EncryptedThreads({
        adapter,
        vault,
        userId,
        onKeyChange: (changedUserId, wasVerified, kind) =>
          this.dispatchEvent(new BmKeyChangeEvent(changedUserId, wasVerified, kind)),
        onTrust: this.trust.report,
        offerRecovery: true,
        onRecoveryOffer: this.recovery.offered,
        onSetupNeeded: this.recovery.setupNeeded,
      });
    },
  });

  private readonly provider = new ContextProvider(this, {
    context: chatContext,
    initialValue: { state: this.session.state, actions: this.session.actions },
  });

  private readonly unsubscribers: Array<() => void> = [];
  private readonly threads = new StoreController(this, this.session.state.$threadList);
  private readonly openThreadId = new StoreController(this, this.session.state.$openThreadId);
  private readonly messages = new StoreController(this, this.session.state.$openThreadMessages);
  private readonly sessionInfo = new StoreController(this, this.session.state.$session);
  private readonly typing = new StoreController(this, this.session.state.$typing);
  private readonly trust: TrustController = new TrustController(this, {
    trust: () => this.session.requireEngine().trust(),
    onError: (error) => this.reportError(error),
    members: {
      actions: this.session.actions,
      thread: (threadId) => this.session.state.$threads.get()[threadId] ?? null,
      notices: (threadId) => this.session.state.$notices.get()[threadId] ?? [],
      $notices: this.session.state.$notices,
    },
  });
  private readonly devices = new DevicesController(this, {
    // The button shows with the session; a click before the engine is up waits for it.
    devices: () => this.session.ready.then(() => this.session.requireEngine().devices()),
    onError: (error) => this.reportError(error),
    onLinked: () => this.recovery.store.$setup.set(null),
  });
  private readonly recovery: RecoveryController = new RecoveryController(this, {
    recovery: () => this.session.requireEngine().recovery(),
    onError: (error) => this.reportError(error),
    link: (opener) => this.devices.open(opener),
  });
  private readonly threadList = new ThreadListController(this);
  private readonly banner = new BannerController(this, this.session.state.$connection);
  @state() private draft = '';

  /** The open thread's view (header, messages, composer): a chunk that loads while the thread list is shown. */
  private readonly threadPart = new LazyPart(this, () => import('./thread-view.js'));
  private threadView: ThreadView | null = null;
  private threadViewLoad: Promise<unknown> | null = null;

  private loadThreadView(): void {
    this.threadViewLoad ??= this.threadPart.use().then(
      ({ ThreadView }) => {
        this.threadView = new ThreadView(this, {
          chat: { state: this.session.state, actions: this.session.actions },
          act: (action) => void this.act(action),
          onError: (error) => this.reportError(error),
          draft: { get: () => this.draft, set: (text) => (this.draft = text) },
        });
        this.requestUpdate();
      },
      (error: unknown) => {
        this.threadViewLoad = null;
        this.reportError(error);
      },
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('theme')) this.setAttribute('theme', this.theme);
    const { state } = this.session;
    this.unsubscribers.push(
      state.$openThreadId.listen((threadId) => this.dispatchEvent(new BmThreadOpenEvent(threadId))),
      state.$totalUnread.listen((unread) => this.dispatchEvent(new BmUnreadChangeEvent(unread))),
    );
    this.connectBackend();
  }

  private backendReady: Promise<void> = Promise.resolve();
  private backendGeneration = 0;

  /**
   * The `adapter` property wins; otherwise an HttpAdapter for `endpoint`, whose code is loaded only then, so a
   * page that brings its own adapter never downloads it.
   */
  private connectBackend(): void {
    const generation = ++this.backendGeneration;
    if (this.adapter || !this.endpoint) {
      this.session.use(this.adapter);
      this.backendReady = Promise.resolve();
      return;
    }
    const endpoint = this.endpoint;
    const auth = this.token
      ? { token: this.token }
      : { nonce: this.authNonce ?? '', credentials: 'include' as const };
    this.backendReady = import('../../adapter/http.js').then(
      ({ HttpAdapter }) => {
        if (generation !== this.backendGeneration || !this.isConnected) return;
        this.session.use(new HttpAdapter({ endpoint, auth }));
      },
      (error: unknown) => this.reportError(error),
    );
  }

  private async act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.reportError(error);
    }
  }

  /**
   * Where focus goes once a thread opens or closes: in the narrow layout the list and the thread are two screens,
   * so focus moves to the thread's back button, and back to the thread's row in the list.
   */
  private focusAfterOpen: { threadId: string | null; from: string | null } | null = null;

  private moveFocusAfterOpen(): void {
    const pending = this.focusAfterOpen;
    if (!pending || this.openThreadId.value !== pending.threadId) return;
    // The header of a thread whose view is still loading is drawn again once it is in: wait for that one.
    if (pending.threadId && !this.threadView) return;
    this.focusAfterOpen = null;
    const target = pending.threadId
      ? this.renderRoot.querySelector<HTMLElement>('.thread .back')
      : this.renderRoot.querySelector<HTMLElement>(
          `[part~="thread-item"][data-thread-id="${CSS.escape(pending.from ?? '')}"]`,
        );
    // Side by side the back button is hidden and focus stays in the list.
    if (target?.checkVisibility()) target.focus();
  }

  private readonly handlers = {
    open: (threadId: string | null) => {
      this.focusAfterOpen = { threadId, from: this.openThreadId.value };
      void this.act(() => this.session.actions.openThread(threadId));
    },
    draftChanged: (text: string) => {
      this.draft = text;
      const threadId = this.openThreadId.value;
      if (threadId && text) this.session.engine?.typing(threadId);
    },
    send: () => {
      const threadId = this.openThreadId.value;
      const text = this.draft.trim();
      const view = this.threadView;
      if (!threadId || !text || !view) return;
      this.draft = '';
      // A send that could not be sealed (a key change to look at first) gives the text back.
      void this.act(() =>
        view.composer.submit(threadId, text).catch((error: unknown) => {
          if (!this.draft) this.draft = text;
          throw error;
        }),
      );
    },
    retry: (clientId: string) => void this.act(() => this.session.actions.retrySend(clientId)),
    askToEncrypt: () => this.dialog()?.showModal(),
    cancelEncrypt: () => this.dialog()?.close(),
    confirmEncrypt: () => {
      this.dialog()?.close();
      const threadId = this.openThreadId.value;
      if (!threadId) return;
      void this.act(async () => {
        await this.session.actions.enableEncryption(threadId);
        this.dispatchEvent(new BmEncryptionEnableEvent(threadId));
      });
    },
  };

  private dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog[part~="dialog"]');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.session.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const backendChanged = (['adapter', 'endpoint', 'token', 'authNonce'] as const).some((key) =>
      changed.has(key),
    );
    if (backendChanged && this.isConnected) this.connectBackend();
    this.followLanguage();
  }

  /** The table on screen: the previous language's until the next one has loaded, so nothing flashes. */
  private table: Strings = en;
  private tableLanguage = 'en';
  /** The language table being loaded; the element counts as updated only once it is in. */
  private tableLoad: Promise<unknown> | null = null;

  private followLanguage(): void {
    const language = languageOf(this.language);
    if (language === this.tableLanguage) return;
    this.tableLanguage = language;
    const loaded = stringsFor(language);
    if (languageOf(language) === 'en' || loaded !== en) {
      this.table = loaded;
      return;
    }
    const load = loadStrings(language).then((table) => {
      if (this.tableLanguage !== language) return;
      this.table = table;
      this.tableLoad = null;
      this.requestUpdate();
    });
    this.tableLoad = load;
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    // The language table, and the open thread's view while it loads, count as part of the update.
    for (;;) {
      const loading =
        this.tableLoad ?? (this.openThreadId.value && !this.threadView ? this.threadViewLoad : null);
      if (!loading) return result;
      await loading;
      result = await super.getUpdateComplete();
    }
  }

  protected override updated(): void {
    this.announceReady();
    this.moveFocusAfterOpen();
    // Once there is a list to choose from, the thread view loads, so opening a thread rarely waits for it.
    if (this.sessionInfo.value && this.threads.value.length) this.loadThreadView();
    // Matter-chat mode: open the one thread as soon as it is known.
    if (this.thread && this.session.engine && this.openThreadId.value !== this.thread) {
      if (this.threads.value.some((t) => t.id === this.thread))
        void this.act(() => this.session.actions.openThread(this.thread));
    }
  }

  /** Resolves once the session with the current adapter has started (or failed and said so by bm-error). */
  get sessionReady(): Promise<void> {
    // A new adapter is taken up in the next update; wait for it, then for the session it starts.
    return this.updateComplete.then(() => this.backendReady).then(() => this.session.ready);
  }

  private reportError(error: unknown): void {
    const reason =
      error instanceof AdapterError
        ? error.code
        : ((error as { reason?: string } | null)?.reason ?? 'unknown');
    this.banner.report(reason);
    this.dispatchEvent(new BmErrorEvent(reason, error));
  }

  private get language(): string {
    return this.lang || this.closest('[lang]')?.getAttribute('lang') || 'en';
  }

  private get text(): Strings {
    return { ...this.table, ...this.strings };
  }

  /** Whether the UI has been drawn once; the first drawing waits for the language's table. */
  private painted = false;

  protected override render() {
    if (this.tableLoad && !this.painted) return nothing;
    this.painted = true;
    const t = this.text;
    const dir = this.dir || (isRtl(this.language) ? 'rtl' : 'ltr');
    const devicesButton = this.sessionInfo.value?.capabilities.encryptionEnabled
      ? this.devices.button(t)
      : nothing;
    return html`
      <section
        part="base"
        role="region"
        aria-label=${t.chatLabel}
        dir=${dir}
        class=${this.openThreadId.value ? 'has-open' : ''}
      >
        ${this.banner.render(t, !!this.sessionInfo.value, this.recovery.notice(t))}
        ${
          this.sessionInfo.value && this.threads.value.length
            ? renderChat(
                {
                  t,
                  lang: this.language,
                  now: new Date(),
                  me: this.sessionInfo.value.user.id,
                  threads: this.threads.value,
                  openThread: this.threads.value.find((x) => x.id === this.openThreadId.value) ?? null,
                  messages: this.messages.value,
                  single: !!this.thread,
                  canEncrypt:
                    this.sessionInfo.value.capabilities.encryptionEnabled &&
                    this.sessionInfo.value.capabilities.canStartEncryptedThreads,
                  draft: this.draft,
                  threadList: this.threadList,
                  threadView: this.threadView,
                  typing: this.typing.value[this.openThreadId.value ?? ''] ?? [],
                  trust: this.trust,
                  listFooter: devicesButton,
                  recovery: this.recovery,
                },
                this.handlers,
              )
            : html`<div part="empty" role="status">
                <h2>${t.emptyTitle}</h2>
                <p>${t.emptyBody}</p>
                ${devicesButton}
              </div>`
        }
        ${this.devices.renderDialog(t)} ${this.recovery.renderDialog(t)}
      </section>
    `;
  }

  protected override firstUpdated(): void {
    this.announceReady();
  }

  private announceReady(): void {
    if (this.painted && !this.readyFired) {
      this.readyFired = true;
      this.dispatchEvent(new BmReadyEvent());
    }
  }
}
