/** Engine tests' people: each with their own vault and engine, on one shared in-memory backend. */
import { MemoryHub } from '../../src/adapter/memory.js';
import type { ChatAdapter } from '../../src/adapter/types.js';
import { ChatEngine } from '../../src/engine/engine.js';
import { EncryptedThreads } from '../../src/engine/security/thread-security.js';
import { vaultOutboxStore } from '../../src/engine/vault-outbox.js';
import { createChatState } from '../../src/state/chat-state.js';
import { openTestVault, uniqueUserId } from '../vault/helpers.js';

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

/**
 * A fresh in-memory backend with these people on it, each under a unique id (the vault database is named after
 * it) and their label, capitalised, as display name: `const { hub, ids: [alice, bob] } = hubWith('alice', 'bob')`.
 */
export function hubWith<const Labels extends readonly string[]>(
  ...labels: Labels
): { hub: MemoryHub; ids: { [K in keyof Labels]: string } } {
  const hub = new MemoryHub();
  const ids = labels.map((label) => {
    const id = uniqueUserId(label);
    hub.addUser({ id, displayName: label[0]!.toUpperCase() + label.slice(1) });
    return id;
  });
  return { hub, ids: ids as { [K in keyof Labels]: string } };
}
