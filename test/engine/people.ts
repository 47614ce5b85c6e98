/** Engine tests' people: each with their own vault and engine, on one shared in-memory backend. */
import type { MemoryHub } from '../../src/adapter/memory.js';
import type { ChatAdapter } from '../../src/adapter/types.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { EncryptedThreads } from '../../src/engine/security/thread-security.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { createChatState } from '../../src/state/chat-state.js';
import { openTestVault } from '../vault/helpers.js';

export interface PersonOptions {
  /** Wraps the hub's adapter, e.g. to make sends fail or wait. */
  wrap?: (adapter: ChatAdapter) => ChatAdapter;
  /** History page size of the engine. */
  pageSize?: number;
  /** Told of the engine before it starts, so a test can stop it afterwards. */
  onEngine?: (engine: ChatEngine) => void;
}

/** A person: their own vault (real IndexedDB), device keys and started engine. */
export async function person(hub: MemoryHub, userId: string, options: PersonOptions = {}) {
  const adapter = (options.wrap ?? ((a) => a))(hub.adapterFor(userId));
  const vault = await openTestVault(userId);
  const state = createChatState();
  const security = new EncryptedThreads({ adapter, vault, userId });
  await security.ensureDevice();
  const engine = new ChatEngine({
    adapter,
    state,
    outboxStore: vaultOutboxStore(vault),
    loadSecurity: async () => security,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  options.onEngine?.(engine);
  await engine.start();
  return { engine, state, vault, security };
}
