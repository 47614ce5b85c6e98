// The strict-CSP page's only script besides the built widget (dist/bm-secure-chat.js): it signs in two people
// through the reference server's test hook (PROTOCOL.md 2.12) and hands each widget its endpoint, token and thread. The page is
// served with a strict Content-Security-Policy (scripts/lib/demo-pages.mjs); any violation is shown on the page.
import type { BmSecureChat } from '../src/bm-secure-chat.js';
import { createTestUsers } from './server-url.js';

const status = document.querySelector('#violations')!;
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
  status.textContent = `Policy violations: ${violations.join('; ')}`;
});

const people = [
  { id: 'csp-ana', displayName: 'Ana Lindqvist', role: 'partner' },
  { id: 'csp-ben', displayName: 'Ben Osei', role: 'associate' },
];

async function start(url: string): Promise<void> {
  document.querySelector('#policy')!.textContent =
    `Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; ` +
    `connect-src 'self' ${url} ${url.replace(/^http/, 'ws')}; require-trusted-types-for 'script'`;
  const tokens = await createTestUsers(url, people);
  const response = await fetch(`${url}/v1/threads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('csp-ana')}` },
    body: JSON.stringify({ title: 'Under a strict CSP', participantIds: ['csp-ben'], encrypted: true }),
  });
  if (!response.ok) throw new Error(`The thread could not be created (${response.status})`);
  const thread = (await response.json()) as { id: string };
  await customElements.whenDefined('bm-secure-chat');
  const widgets = document.querySelectorAll<BmSecureChat>('bm-secure-chat');
  people.forEach((person, i) => {
    const el = widgets[i]!;
    el.token = tokens.get(person.id)!;
    el.thread = thread.id;
    el.endpoint = url;
  });
}

// Served without Vite's client script, so the URL comes from the page (scripts/lib/demo-pages.mjs writes it).
const serverUrl = document.querySelector<HTMLMetaElement>('meta[name="bm-server-url"]')?.content;
if (serverUrl) await start(serverUrl);
else status.textContent = 'This page needs the reference server: start the demo with npm start.';
