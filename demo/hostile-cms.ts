// The hostile-CMS page: two widgets on an in-memory backend (no server needed), one untouched and one restyled
// through ::part() and --bm-* tokens, inside a theme whose global CSS tries hard to reach them.
import { MemoryHub } from '../src/adapter/memory.js';
import type { BmSecureChat } from '../src/bm-secure-chat.js';
import '../src/bm-secure-chat.js';
import restyleSource from './hostile-cms-restyle.css?raw';

const hub = new MemoryHub();
const editor = { id: 'gazette-editor', displayName: 'Mara Editor', role: 'partner' };
const reader = { id: 'gazette-reader', displayName: 'Tom Reader', role: 'client' };
hub.addUser(editor);
hub.addUser(reader);

const editorAdapter = hub.adapterFor(editor.id);
const thread = await editorAdapter.createThread({
  title: 'Letters to the editor',
  participantIds: [reader.id],
  encrypted: false,
});
const text = 'Thanks for writing in. Our theme shouts, but this chat keeps its own styles.';
await editorAdapter.sendMessage(thread.id, {
  clientId: crypto.randomUUID(),
  body: { kind: 'plain', content: { type: 'text', text } },
});

const [untouched, restyled] = document.querySelectorAll<BmSecureChat>('bm-secure-chat');
for (const el of [untouched!, restyled!]) el.thread = thread.id;
untouched!.adapter = hub.adapterFor(reader.id);
restyled!.adapter = editorAdapter;

document.querySelector('#restyle-source')!.textContent = restyleSource;
