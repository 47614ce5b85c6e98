// Two people side by side, each with their own widget and their own key vault. With `npm start` they talk
// through the reference server (demo/server/, started alongside with its test hook on, so the demo can create
// its two users); opened some other way, through an in-process MemoryHub. Everything the backend holds is shown
// below them, so one can watch encryption work.
import { HttpAdapter } from '../src/adapter/http.js';
import { MemoryHub } from '../src/adapter/memory.js';
import type { ChatAdapter, UserProfile } from '../src/adapter/types.js';
import type { BmSecureChat } from '../src/bm-secure-chat.js';
import '../src/bm-secure-chat.js';

/** Set by scripts/start.mjs (Vite `define`) to the reference server's URL; absent otherwise. */
declare const __BM_SERVER_URL__: string | null | undefined;
const serverUrl = typeof __BM_SERVER_URL__ === 'string' ? __BM_SERVER_URL__ : null;

const session = crypto.randomUUID().slice(0, 8);
const partner: UserProfile = { id: `partner-${session}`, displayName: 'Dana Partner', role: 'partner' };
const client: UserProfile = { id: `client-${session}`, displayName: 'Chris Client', role: 'client' };

/** Creates the two users on the reference server through its test hook (PROTOCOL.md 2.12). */
async function serverAdapters(url: string): Promise<[ChatAdapter, ChatAdapter]> {
  const response = await fetch(`${url}/v1/test/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // The client role reaches only the people assigned to them (demo/server/roles.json).
    body: JSON.stringify({ users: [partner, { ...client, assigned: [partner.id] }] }),
  });
  if (!response.ok) throw new Error(`The reference server refused the demo users (${response.status})`);
  const { users } = (await response.json()) as { users: { id: string; token: string }[] };
  const adapter = (token: string) => new HttpAdapter({ endpoint: url, auth: { token } });
  return [adapter(users[0]!.token), adapter(users[1]!.token)];
}

function memoryAdapters(): [ChatAdapter, ChatAdapter] {
  const hub = new MemoryHub();
  hub.addUser(partner);
  hub.addUser(client);
  return [hub.adapterFor(partner.id), hub.adapterFor(client.id)];
}

const [partnerAdapter, clientAdapter] = serverUrl ? await serverAdapters(serverUrl) : memoryAdapters();
document.querySelector('#backend')!.textContent = serverUrl
  ? `the reference server at ${serverUrl}`
  : 'an in-memory backend in this page';

await partnerAdapter.createThread({
  title: 'Matter 2026-114: Estate of Miller',
  participantIds: [client.id],
  encrypted: true,
});
const general = await partnerAdapter.createThread({
  title: 'Office hours',
  participantIds: [client.id],
  encrypted: false,
});
await partnerAdapter.sendMessage(general.id, {
  clientId: crypto.randomUUID(),
  body: {
    kind: 'plain',
    content: { type: 'text', text: 'This thread is not encrypted: the server can read it.' },
  },
});

const [left, right] = document.querySelectorAll<BmSecureChat>('bm-secure-chat');
left!.adapter = partnerAdapter;
right!.adapter = clientAdapter;

// What the server stores for each thread, refreshed as it changes.
const log = document.querySelector('#server-view')!;
async function showServer(): Promise<void> {
  const { items } = await partnerAdapter.listThreads();
  const lines: string[] = [];
  for (const thread of items) {
    const { items: messages } = await partnerAdapter.listMessages(thread.id, { limit: 5 });
    for (const m of messages.reverse()) {
      const body =
        m.body.kind === 'plain'
          ? JSON.stringify(m.body.content)
          : `envelope ${m.body.envelope.slice(0, 72)}…`;
      lines.push(`[${thread.title}] ${m.senderId.split('-')[0]}: ${body}`);
    }
  }
  log.textContent = lines.join('\n') || '(nothing yet)';
}
partnerAdapter.subscribe(() => void showServer());
void showServer();
