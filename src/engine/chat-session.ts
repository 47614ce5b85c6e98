import { AdapterError, type ChatAdapter } from '../adapter/types.js';
import { ChatEngine, type EngineOptions, type ThreadSecurity } from './engine.js';
import type { OutboxItem, OutboxStore } from './outbox.js';
import { vaultOutboxStore } from './vault-outbox.js';
import { createChatState, type ChatState } from '../state/chat-state.js';
import type { ChatActions } from '../state/actions.js';
import { openVault, VaultError, type Vault } from '../vault/index.js';

/** An outbox that lives as long as the page, for when the vault cannot be opened. */
function memoryOutbox(): OutboxStore {
  const items = new Map<string, OutboxItem>();
  return {
    list: async () => [...items.values()],
    put: async (item) => void items.set(item.clientId, item),
    delete: async (clientId) => void items.delete(clientId),
  };
}

export interface ChatSessionOptions {
  /** Separates vaults of one user id on two backends. */
  scope?: () => string | undefined;
  loadSecurity?: (context: {
    adapter: ChatAdapter;
    state: ChatState;
    vault: Vault | null;
  }) => Promise<ThreadSecurity>;
  onError?: (error: unknown) => void;
  onIncoming?: EngineOptions['onIncoming'];
  /** Called when the engine has started. */
  onStarted?: (engine: ChatEngine) => void;
}

/**
 * Owns one widget's session: its stores, its vault and its engine. The root element starts it when it is
 * connected with an adapter, and stops it when it is disconnected or the adapter changes.
 */
export class ChatSession {
  readonly state: ChatState = createChatState();
  engine: ChatEngine | null = null;
  private vault: Vault | null = null;
  private adapter: ChatAdapter | null = null;
  private generation = 0;
  private starting: Promise<void> | null = null;

  /**
   * What the UI calls. Stable for the session's whole life, while engines come and go with adapters; a call
   * before the engine has started fails with a typed error.
   */
  readonly actions: ChatActions = new Proxy({} as ChatActions, {
    get: (_target, name: keyof ChatActions) => {
      return (...args: unknown[]) => {
        const engine = this.requireEngine();
        return (engine[name] as (...a: unknown[]) => unknown).apply(engine, args);
      };
    },
  });

  constructor(private readonly options: ChatSessionOptions = {}) {}

  /** Starts with this adapter (or none); a different adapter than before starts over. */
  use(adapter: ChatAdapter | null): void {
    if (adapter === this.adapter && (this.engine || this.starting)) return;
    this.stop();
    this.adapter = adapter;
    if (adapter) this.starting = this.start(adapter).finally(() => (this.starting = null));
  }

  /** Resolves when the current start has finished (or failed, which onError reports). */
  get ready(): Promise<void> {
    return this.starting ?? Promise.resolve();
  }

  private async start(adapter: ChatAdapter): Promise<void> {
    const generation = ++this.generation;
    try {
      const session = await adapter.getSession();
      if (generation !== this.generation) return;
      this.state.$session.set(session);
      const { vault, outboxStore } = await this.openOutbox(session.user.id);
      if (generation !== this.generation) {
        vault?.close();
        return;
      }
      this.vault = vault;
      const load = this.options.loadSecurity;
      const engine = new ChatEngine({
        adapter,
        state: this.state,
        outboxStore,
        ...(this.options.onIncoming ? { onIncoming: this.options.onIncoming } : {}),
        ...(load ? { loadSecurity: () => load({ adapter, state: this.state, vault: this.vault }) } : {}),
      });
      this.engine = engine;
      await engine.start();
      if (generation === this.generation) this.options.onStarted?.(engine);
    } catch (error) {
      if (generation === this.generation) this.options.onError?.(error);
    }
  }

  private async openOutbox(userId: string): Promise<{ vault: Vault | null; outboxStore: OutboxStore }> {
    try {
      const vault = await openVault(userId, { scope: this.options.scope?.() });
      // Firefox asks the user, and the answer may never come: do not wait for it to start.
      this.state.$vault.set({ state: 'ready', persisted: 'asking' });
      vault.requestPersistence().then(
        (persisted) => this.state.$vault.set({ state: 'ready', persisted }),
        () => this.state.$vault.set({ state: 'ready', persisted: 'unsupported' }),
      );
      return { vault, outboxStore: vaultOutboxStore(vault) };
    } catch (error) {
      const reason = error instanceof VaultError ? error.reason : 'unavailable';
      const state = reason === 'blocked' || reason === 'damaged' ? reason : 'unavailable';
      this.state.$vault.set({ state, detail: error instanceof Error ? error.message : String(error) });
      // Plain threads still work; an unsent message lives only as long as this page.
      return { vault: null, outboxStore: memoryOutbox() };
    }
  }

  stop(): void {
    this.generation++;
    this.engine?.stop();
    this.engine = null;
    this.vault?.close();
    this.vault = null;
  }

  /** The engine, or a typed error when the session has not started. */
  requireEngine(): ChatEngine {
    if (!this.engine) throw new AdapterError('network', 'The chat is not connected yet');
    return this.engine;
  }
}
