// The law-firm client portal: sign in as one of six demo people, then see what that role sees. Matters have a
// documents list (static demo data) and an embedded matter chat, `<bm-secure-chat thread="...">`, talking to the
// reference server as the signed-in person. The assistant's role cannot join encrypted threads, so their chat
// area shows the server's answer instead; the administrator sees the metadata audit log.
import { html, nothing, render, type TemplateResult } from 'lit';
import { AdapterError, type ChatAdapter } from '../../src/adapter/types.js';
import '../../src/bm-secure-chat.js';
import { serverUrl } from '../server-url.js';
import {
  adapterFor,
  matters,
  signIn,
  signOut,
  storedSession,
  userById,
  users,
  type DemoUser,
  type Matter,
  type PortalSession,
} from './directory.js';

const root = document.querySelector<HTMLElement>('#portal')!;

interface AuditEntry {
  id: string;
  at: string;
  userId: string | null;
  action: string;
  threadId: string | null;
  address: string | null;
}

interface SignedIn {
  session: PortalSession;
  user: DemoUser;
  adapter: ChatAdapter;
}

let current: SignedIn | null = null;
let busy = false;
let failure = '';
/** For the assistant: what the server answered when asked for each matter's thread. */
const refusals = new Map<string, string>();
let audit: AuditEntry[] | null = null;

function show(): void {
  render(current ? portalView(current) : signInView(), root);
}

function signInView(): TemplateResult {
  if (!serverUrl) {
    return html`<p class="notice">
      The portal talks to the reference server. Start the demo with <code>npm start</code> and open this page
      from the address it prints.
    </p>`;
  }
  return html`
    <h2>Sign in</h2>
    <p>
      Pick a person. Each is a demo user on the reference server with a fixed id, so signing in again is the
      same person, with the same keys in this browser. A person's keys are made the first time they sign in
      here, and a message sent before then cannot be read on that device (by design), so sign in as everyone
      once first.
    </p>
    <ul class="people">
      ${users.map(
        (user) =>
          html`<li>
            <button type="button" ?disabled=${busy} @click=${() => void choose(user)}>
              <strong>${user.displayName}</strong> <span class="role">${user.role}</span>
              <span class="blurb">${user.blurb}</span>
            </button>
          </li>`,
      )}
    </ul>
    ${failure ? html`<p class="notice" role="alert">${failure}</p>` : nothing}
  `;
}

async function choose(user: DemoUser): Promise<void> {
  busy = true;
  failure = '';
  show();
  try {
    enter(await signIn(serverUrl!, user));
  } catch (error) {
    failure = `Signing in failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    busy = false;
    show();
  }
}

function enter(session: PortalSession): void {
  const user = userById(session.userId);
  if (!user || !serverUrl) return;
  current = { session, user, adapter: adapterFor(serverUrl, session.token) };
  if (user.role === 'assistant') void askForThreads(current);
  if (user.role === 'administrator') void loadAudit(current);
}

function leave(): void {
  signOut();
  current = null;
  refusals.clear();
  audit = null;
  show();
}

function selectedMatter(): Matter {
  return matters.find((matter) => `#${matter.key}` === location.hash) ?? matters[0]!;
}

function portalView({ session, user, adapter }: SignedIn): TemplateResult {
  return html`
    <header class="account">
      <p>Signed in as <strong>${user.displayName}</strong> <span class="role">${user.role}</span></p>
      <button type="button" @click=${leave}>Sign out</button>
    </header>
    ${user.role === 'administrator' ? auditView() : matterView(session, user, adapter)}
  `;
}

function matterView(session: PortalSession, user: DemoUser, adapter: ChatAdapter): TemplateResult {
  const matter = selectedMatter();
  const threadId = session.threads[matter.key]!;
  return html`
    <nav aria-label="Matters">
      <ul>
        ${matters.map(
          (m) =>
            html`<li><a href="#${m.key}" aria-current=${m === matter ? 'page' : 'false'}>${m.title}</a></li>`,
        )}
      </ul>
    </nav>
    <article aria-labelledby="matter-title">
      <h2 id="matter-title">${matter.title}</h2>
      <p>${matter.summary}</p>
      <div class="matter">
        <section aria-labelledby="documents-title">
          <h3 id="documents-title">Documents</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Kind</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              ${matter.documents.map(
                (d) =>
                  html`<tr>
                    <td>${d.name}</td>
                    <td>${d.kind}</td>
                    <td>${d.updated}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="chat-title">
          <h3 id="chat-title">Matter chat</h3>
          ${
            user.role === 'assistant'
              ? html`<p class="notice" role="status">
                  Assistants cannot join encrypted threads (demo/server/roles.json), so the content of this
                  matter's chat cannot be read here. Asked for the thread, the server
                  <strong>${refusals.get(threadId) ?? 'has not answered yet…'}</strong>
                </p>`
              : html`<bm-secure-chat .adapter=${adapter} thread=${threadId} theme="auto"></bm-secure-chat>`
          }
        </section>
      </div>
    </article>
  `;
}

async function askForThreads({ session, adapter }: SignedIn): Promise<void> {
  for (const threadId of Object.values(session.threads)) {
    try {
      const thread = await adapter.getThread(threadId);
      refusals.set(threadId, `answered with the thread (${thread.participants.length} participants).`);
    } catch (error) {
      refusals.set(threadId, describe(error));
    }
  }
  show();
}

/** Plain words for the server's answer, with its status and reason code for the curious. */
function describe(error: unknown): string {
  if (error instanceof AdapterError) {
    const code = [error.status, error.reason ?? error.code].filter(Boolean).join(', ');
    const words =
      error.reason === 'not-a-participant'
        ? 'refused: you are not a participant of this chat'
        : error.code === 'forbidden'
          ? 'refused: your role may not see this chat'
          : `could not be asked: ${error.message}`;
    return `${words} (${code}).`;
  }
  return `could not be asked: ${error instanceof Error ? error.message : String(error)}.`;
}

async function loadAudit({ session }: SignedIn): Promise<void> {
  const response = await fetch(`${serverUrl}/v1/admin/audit?limit=100`, {
    headers: { authorization: `Bearer ${session.token}` },
  });
  if (!response.ok) {
    failure = `The audit log could not be read (${response.status})`;
    audit = [];
  } else {
    audit = ((await response.json()) as { items: AuditEntry[] }).items;
  }
  show();
}

function threadName(threadId: string | null): string {
  if (!threadId || !current) return '';
  const key = Object.entries(current.session.threads).find(([, id]) => id === threadId)?.[0];
  return matters.find((matter) => matter.key === key)?.title ?? threadId;
}

function auditView(): TemplateResult {
  return html`
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p>
        What the server records: who did what, in which thread, when and from which address. It holds no
        content: no message, title, file name or key is ever written to it (PROTOCOL.md 2.13). Thread names
        below come from this page's own matter list, not from the log.
      </p>
      <button type="button" @click=${() => current && void loadAudit(current)}>Refresh</button>
      ${failure ? html`<p class="notice" role="alert">${failure}</p>` : nothing}
      ${
        audit === null
          ? html`<p role="status">Loading…</p>`
          : html`<table class="audit">
              <caption>
                Newest first, ${audit.length} entries
              </caption>
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Thread</th>
                  <th scope="col">When</th>
                  <th scope="col">Address</th>
                </tr>
              </thead>
              <tbody>
                ${audit.map(
                  (entry) =>
                    html`<tr>
                      <td>${entry.userId ? (userById(entry.userId)?.displayName ?? entry.userId) : '—'}</td>
                      <td><code>${entry.action}</code></td>
                      <td>${threadName(entry.threadId)}</td>
                      <td><time datetime=${entry.at}>${new Date(entry.at).toLocaleString()}</time></td>
                      <td>${entry.address ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
  `;
}

window.addEventListener('hashchange', show);

/** A session kept in this tab: still valid if the server knows its token (a restarted server may not). */
async function resume(): Promise<void> {
  const session = storedSession();
  if (!session || !serverUrl) return;
  try {
    await adapterFor(serverUrl, session.token).getSession();
    enter(session);
  } catch {
    signOut();
  }
}

await resume();
show();
