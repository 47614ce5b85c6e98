import { fixture, html } from '@open-wc/testing';
import type { ChatAdapter, MessageContent, ThreadId } from '../../src/adapter/types.js';
import type { MemoryHub } from '../../src/adapter/memory.js';
import '../../src/bm-secure-chat.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { vaultDatabaseName } from '../../src/vault/index.js';
import { trackDatabase } from '../vault/helpers.js';
import { until } from '../until.js';

export { until };

/**
 * The adapter with the server times of some messages replaced, by client id: a backend that holds history from
 * other days. Everything else goes to the real adapter.
 */
export function withServerTimes(adapter: ChatAdapter, times: Record<string, Date>): ChatAdapter {
  return new Proxy(adapter, {
    get(target, name) {
      if (name === 'listMessages') {
        return async (...args: Parameters<ChatAdapter['listMessages']>) => {
          const page = await target.listMessages(...args);
          const items = page.items.map((item) => {
            const time = times[item.clientId];
            return time ? { ...item, createdAt: time.toISOString() } : item;
          });
          return { ...page, items };
        };
      }
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A widget signed in through `adapter`, its session started. */
export async function chatWith(
  adapter: ChatAdapter,
  userId: string,
  attributes: { lang?: string; dir?: string } = {},
): Promise<BmSecureChat> {
  trackDatabase(vaultDatabaseName(userId));
  const el = await fixture<BmSecureChat>(
    html`<bm-secure-chat theme="light" lang=${attributes.lang ?? 'en'}></bm-secure-chat>`,
  );
  if (attributes.dir) el.dir = attributes.dir;
  el.adapter = adapter;
  await el.sessionReady;
  await el.updateComplete;
  return el;
}

/** Opens the first thread in the list and waits for its messages (at least `count`) to render. */
export async function openFirstThread(el: BmSecureChat, count = 1): Promise<ShadowRoot> {
  const root = el.shadowRoot!;
  root.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
  await until(() => root.querySelectorAll('[part~="message"]').length >= count);
  await el.updateComplete;
  return root;
}

let sent = 0;
/** Sends plain content as `hub`'s user `from`; returns the client id. */
export async function post(
  hub: MemoryHub,
  from: string,
  threadId: ThreadId,
  content: MessageContent,
  clientId = `c${++sent}-${crypto.randomUUID()}`,
): Promise<string> {
  await hub.adapterFor(from).sendMessage(threadId, { clientId, body: { kind: 'plain', content } });
  return clientId;
}

/** Local noon (or another time) `daysAgo` calendar days before today. */
export function localDay(daysAgo: number, hours = 12, minutes = 0): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, hours, minutes);
}
