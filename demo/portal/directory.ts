// The portal's people, matters and documents, and signing in: demo users are created through the reference
// server's test hook (PROTOCOL.md 2.12) with fixed ids, so signing in again as someone is the same person (the
// same key vault in this browser). The session token lives in sessionStorage, for this tab only. Which thread is
// each matter's chat is kept by the demo site (GET/PUT /demo/portal/threads, scripts/lib/demo-pages.mjs), as a
// portal's own backend would, so people in different browsers meet in the same threads.
import { AdapterError, type ChatAdapter } from '../../src/adapter/types.js';
import { HttpAdapter } from '../../src/adapter/http.js';
import { createTestUsers } from '../server-url.js';

export type Role = 'partner' | 'associate' | 'paralegal' | 'assistant' | 'client' | 'administrator';

export interface DemoUser {
  id: string;
  displayName: string;
  role: Role;
  /** For the client role: the only people they may reach (`$assigned` in demo/server/roles.json). */
  assigned?: string[];
  /** What this role sees in the portal, for the sign-in screen. */
  blurb: string;
}

export interface DemoDocument {
  name: string;
  kind: string;
  updated: string;
}

export interface Matter {
  key: string;
  title: string;
  summary: string;
  documents: DemoDocument[];
}

export const users: DemoUser[] = [
  {
    id: 'portal-dana',
    displayName: 'Dana Whitfield',
    role: 'partner',
    blurb: 'Leads both matters; opened their encrypted chats.',
  },
  {
    id: 'portal-ari',
    displayName: 'Ari Novak',
    role: 'associate',
    blurb: 'Works both matters; in their encrypted chats.',
  },
  {
    id: 'portal-pat',
    displayName: 'Pat Okafor',
    role: 'paralegal',
    blurb: 'May join encrypted chats, not start them.',
  },
  {
    id: 'portal-sam',
    displayName: 'Sam Reyes',
    role: 'assistant',
    blurb: 'Sees the matter list, but cannot join encrypted chats.',
  },
  {
    id: 'portal-chris',
    displayName: 'Chris Miller',
    role: 'client',
    assigned: ['portal-dana', 'portal-ari', 'portal-pat'],
    blurb: 'Reaches only the lawyers assigned to them.',
  },
  {
    id: 'portal-alex',
    displayName: 'Alex Brandt',
    role: 'administrator',
    blurb: 'Reads the metadata audit log, never content.',
  },
];

/** The people in every matter's chat; the assistant and administrator are not. */
const matterTeam = ['portal-ari', 'portal-pat', 'portal-chris'];

export const matters: Matter[] = [
  {
    key: 'miller-estate',
    title: 'Matter 2026-114: Estate of Miller',
    summary: 'Probate of the late Ruth Miller’s estate; Chris Miller is executor.',
    documents: [
      { name: 'Last will and testament (certified copy)', kind: 'PDF', updated: '2026-02-03' },
      { name: 'Inventory of assets', kind: 'Spreadsheet', updated: '2026-02-17' },
      { name: 'Letter to the probate court', kind: 'Draft', updated: '2026-03-01' },
    ],
  },
  {
    key: 'harbor-lease',
    title: 'Matter 2026-131: Harbor Street lease',
    summary: 'Dispute over the service-charge clause of a commercial lease.',
    documents: [
      { name: 'Lease agreement, 2019', kind: 'PDF', updated: '2026-01-22' },
      { name: 'Service-charge statements 2023–2025', kind: 'PDF', updated: '2026-02-09' },
      { name: 'Letter before action', kind: 'Draft', updated: '2026-02-28' },
    ],
  },
];

/** What the test hook takes: the profile without the sign-in screen's text. */
function profileOf({ id, displayName, role, assigned }: DemoUser) {
  return { id, displayName, role, assigned };
}

export function userById(id: string): DemoUser | undefined {
  return users.find((user) => user.id === id);
}

export interface PortalSession {
  userId: string;
  token: string;
  /** Matter key to thread id on the reference server. */
  threads: Record<string, string>;
}

const SESSION_KEY = 'bm-portal-session';

export function adapterFor(serverUrl: string, token: string): ChatAdapter {
  return new HttpAdapter({ endpoint: serverUrl, auth: { token } });
}

export function storedSession(): PortalSession | null {
  const text = sessionStorage.getItem(SESSION_KEY);
  return text ? (JSON.parse(text) as PortalSession) : null;
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Where this browser last saw the matter threads (ids, not secrets), for a demo site restarted on old data. */
function directoryKey(serverUrl: string): string {
  return `bm-portal-threads:${serverUrl}`;
}

/** The portal's own backend (the demo site) keeps which thread is each matter's chat, for every browser. */
const SITE_THREADS = '/demo/portal/threads';

async function siteThreads(): Promise<Record<string, string> | null> {
  const response = await fetch(SITE_THREADS, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The portal's matter list could not be read (${response.status})`);
  const threads = (await response.json()) as Record<string, string>;
  return Object.keys(threads).length > 0 ? threads : null;
}

async function saveSiteThreads(threads: Record<string, string>): Promise<void> {
  const response = await fetch(SITE_THREADS, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(threads),
  });
  if (!response.ok) throw new Error(`The portal's matter list could not be saved (${response.status})`);
}

/** Whether each thread still exists on the server (a restarted server with new data has none of them). */
async function threadsExist(adapter: ChatAdapter, threads: Record<string, string>): Promise<boolean> {
  for (const matter of matters) {
    const id = threads[matter.key];
    if (!id) return false;
    try {
      await adapter.getThread(id);
    } catch (error) {
      // Not a participant (the assistant, the administrator): it exists, they just may not see it.
      if (error instanceof AdapterError && error.code === 'forbidden') continue;
      if (error instanceof AdapterError && error.code === 'not-found') return false;
      throw error;
    }
  }
  return true;
}

/** The first time: the partner opens an encrypted chat for each matter with the team and the client. */
async function seed(
  serverUrl: string,
): Promise<{ tokens: Map<string, string>; threads: Record<string, string> }> {
  const tokens = await createTestUsers(serverUrl, users.map(profileOf));
  const partner = adapterFor(serverUrl, tokens.get('portal-dana')!);
  const threads: Record<string, string> = {};
  for (const matter of matters) {
    const thread = await partner.createThread({
      title: matter.title,
      participantIds: matterTeam,
      encrypted: true,
    });
    threads[matter.key] = thread.id;
  }
  return { tokens, threads };
}

export async function signIn(serverUrl: string, user: DemoUser): Promise<PortalSession> {
  let token = (await createTestUsers(serverUrl, [profileOf(user)])).get(user.id)!;
  const known = localStorage.getItem(directoryKey(serverUrl));
  let threads = (await siteThreads()) ?? (known ? (JSON.parse(known) as Record<string, string>) : null);
  // Those who may open the threads check that they still exist (a server started with new data has none); the
  // administrator, who only reads the audit log, does not ask.
  const check = user.role !== 'administrator';
  if (!threads || (check && !(await threadsExist(adapterFor(serverUrl, token), threads)))) {
    const seeded = await seed(serverUrl);
    threads = seeded.threads;
    token = seeded.tokens.get(user.id)!;
  }
  await saveSiteThreads(threads);
  localStorage.setItem(directoryKey(serverUrl), JSON.stringify(threads));
  const session = { userId: user.id, token, threads };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}
