// The offline demo: two people on one in-memory backend, each with their own widget and their own key vault.
// Everything the backend holds is shown below them, so one can watch encryption work.
import { MemoryHub } from '../src/adapter/memory.js';
import type { BmSecureChat } from '../src/bm-secure-chat.js';
import '../src/bm-secure-chat.js';

const session = crypto.randomUUID().slice(0, 8);
const partner = `partner-${session}`;
const client = `client-${session}`;
const hub = new MemoryHub();
hub.addUser({ id: partner, displayName: 'Dana Partner', role: 'partner' });
hub.addUser({ id: client, displayName: 'Chris Client', role: 'client' });

const partnerAdapter = hub.adapterFor(partner);
await partnerAdapter.createThread({
  title: 'Matter 2026-114: Estate of Miller',
  participantIds: [client],
  encrypted: true,
});
const general = await partnerAdapter.createThread({
  title: 'Office hours',
  participantIds: [client],
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
right!.adapter = hub.adapterFor(client);

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
