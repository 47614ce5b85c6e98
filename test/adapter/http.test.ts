/**
 * The HttpAdapter in the browser against the live reference server on 127.0.0.1, started per file by the
 * `bm-server` web-test-runner plugin (scripts/wtr-server-plugin.mjs), which also injects the faults.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { backoffDelay } from '../../src/adapter/http-events.js';
import { HttpAdapter, type HttpAdapterOptions } from '../../src/adapter/http.js';
import type { ConnectionState, LiveEvent } from '../../src/adapter/types.js';
import { codeOf, runAdapterContract, text, textOf, until, type AdapterWorld } from './contract.js';

const MAX_UPLOAD = 64 * 1024;
const FAST_BACKOFF = { initialMs: 50, maxMs: 400 };

interface Started {
  url?: string;
  id?: string;
  unavailable?: string;
}

let server: { url: string; id: string } | null = null;

/**
 * ASSUMPTION (docs/wire-protocol.md absent when written): the test hook takes
 * `{ users: [{ id, displayName, role? }] }` and answers `{ users: [{ id, token }] }`.
 */
interface TestUser {
  id: string;
  token: string;
}

async function createUsers(names: string[]): Promise<Record<string, TestUser>> {
  const run = crypto.randomUUID().slice(0, 8);
  const users = names.map((name) => ({ id: `${name}-${run}`, displayName: name }));
  const response = await fetch(`${server!.url}/v1/test/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users }),
  });
  if (!response.ok) throw new Error(`test/users answered ${response.status}`);
  const body = (await response.json()) as { users: TestUser[] };
  return Object.fromEntries(body.users.map((u, i) => [names[i]!, u]));
}

function adapterFor(user: TestUser | undefined, options: Partial<HttpAdapterOptions> = {}) {
  return new HttpAdapter({
    endpoint: server!.url,
    auth: { token: user!.token },
    backoff: FAST_BACKOFF,
    ...options,
  });
}

async function makeWorld(): Promise<AdapterWorld> {
  const u = await createUsers(['alice', 'bob', 'eve']);
  return {
    alice: adapterFor(u.alice),
    bob: adapterFor(u.bob),
    eve: adapterFor(u.eve),
    ids: { alice: u.alice!.id, bob: u.bob!.id, eve: u.eve!.id },
    maxUploadBytes: MAX_UPLOAD,
  };
}

function watch(adapter: HttpAdapter, after?: string) {
  const events: LiveEvent[] = [];
  const states: ConnectionState[] = [];
  const subscription = adapter.subscribe((e) => events.push(e), {
    after,
    onConnectionChange: (s) => states.push(s),
  });
  const texts = () => events.flatMap((e) => (e.type === 'message' ? [textOf(e.message.body)] : []));
  return { events, states, texts, subscription };
}

const numbered = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `m${from + i}`);

describe('HttpAdapter against the reference server', function () {
  before(async function () {
    const started = await executeServerCommand<Started, unknown>('bm-server-start', {
      maxUploadBytes: MAX_UPLOAD,
    });
    if (!started?.url || !started.id) {
      // The reference server ships with the project: not finding it is a failure, not a reason to skip.
      throw new Error(`The reference server did not start: ${started?.unavailable ?? 'no bm-server plugin'}`);
    }
    server = { url: started.url!, id: started.id! };
  });

  after(async () => {
    if (server) await executeServerCommand('bm-server-stop', { id: server.id });
    server = null;
  });

  runAdapterContract('HttpAdapter', makeWorld);

  describe('live events over a faulty network', () => {
    it('loses and repeats nothing when the WebSocket is cut while 50 messages arrive', async () => {
      const w = await makeWorld();
      const thread = await w.alice.createThread({
        title: 'Cut',
        participantIds: [w.ids.bob],
        encrypted: false,
      });
      const bob = watch(w.bob as HttpAdapter);
      try {
        await until(() => bob.states.includes('live'), 5000, 'a live WebSocket');
        for (let i = 1; i <= 50; i++) {
          await w.alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
          if (i === 20) await executeServerCommand('bm-server-cut-websockets', { id: server!.id });
        }
        await until(() => bob.texts().length >= 50, 10_000, 'fifty messages');
        await new Promise((r) => setTimeout(r, 200)); // a late duplicate would land here
        expect(bob.texts()).to.deep.equal(numbered(50));
        expect(bob.states.slice(bob.states.indexOf('live') + 1)).to.include('live');
      } finally {
        bob.subscription.unsubscribe();
      }
    });

    it('falls back to long-polling when the WebSocket upgrade is refused', async () => {
      const w = await makeWorld();
      const thread = await w.alice.createThread({
        title: 'Poll',
        participantIds: [w.ids.bob],
        encrypted: false,
      });
      await executeServerCommand('bm-server-refuse-websockets', { id: server!.id, refuse: true });
      const bob = watch(w.bob as HttpAdapter);
      try {
        await until(() => bob.states.includes('polling'), 5000, 'the polling state');
        for (let i = 1; i <= 3; i++)
          await w.alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
        await until(() => bob.texts().length >= 3, 5000, 'three messages');
        expect(bob.texts()).to.deep.equal(numbered(3));
        expect(bob.states).not.to.include('live');
      } finally {
        bob.subscription.unsubscribe();
        await executeServerCommand('bm-server-refuse-websockets', { id: server!.id, refuse: false });
      }
    });

    it('resumes from its cursor after the server restarts', async () => {
      const w = await makeWorld();
      const thread = await w.alice.createThread({
        title: 'Restart',
        participantIds: [w.ids.bob],
        encrypted: false,
      });
      const bob = watch(w.bob as HttpAdapter);
      try {
        await until(() => bob.states.includes('live'), 5000, 'a live WebSocket');
        await w.alice.sendMessage(thread.id, { clientId: 'c1', body: text('m1') });
        await until(() => bob.texts().length === 1, 5000, 'the first message');
        await executeServerCommand('bm-server-restart', { id: server!.id, downMs: 300 });
        for (let i = 2; i <= 4; i++)
          await w.alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
        await until(() => bob.texts().length >= 4, 10_000, 'the messages sent after the restart');
        await new Promise((r) => setTimeout(r, 200));
        expect(bob.texts()).to.deep.equal(numbered(4));
        expect(bob.states).to.include('offline');
      } finally {
        bob.subscription.unsubscribe();
      }
    });

    it('replays strictly after a given cursor on a new subscription', async () => {
      const w = await makeWorld();
      const thread = await w.alice.createThread({
        title: 'Resume',
        participantIds: [w.ids.bob],
        encrypted: false,
      });
      const first = watch(w.bob as HttpAdapter);
      await until(() => first.states.includes('live'), 5000, 'a live WebSocket');
      await w.alice.sendMessage(thread.id, { clientId: 'c1', body: text('m1') });
      await until(() => first.texts().length === 1, 5000, 'the first message');
      first.subscription.unsubscribe();
      for (let i = 2; i <= 3; i++)
        await w.alice.sendMessage(thread.id, { clientId: `c${i}`, body: text(`m${i}`) });
      const second = watch(w.bob as HttpAdapter, first.events.at(-1)!.cursor);
      try {
        await until(() => second.texts().length >= 2, 5000, 'the two missed messages');
        expect(second.texts()).to.deep.equal(['m2', 'm3']);
      } finally {
        second.subscription.unsubscribe();
      }
    });
  });

  describe('errors', () => {
    it('stops reconnecting once the event socket refuses the credential', async () => {
      let opened = 0;
      // Counts every socket the feed opens; the server refuses each with 4401 after the upgrade.
      class CountingSocket extends WebSocket {
        constructor(url: string | URL) {
          super(url);
          opened++;
        }
      }
      const stranger = new HttpAdapter({
        endpoint: server!.url,
        auth: { token: 'not-a-token' },
        backoff: { initialMs: 20, maxMs: 40 },
        WebSocket: CountingSocket,
        transport: 'websocket',
      });
      const states: ConnectionState[] = [];
      const subscription = stranger.subscribe(() => {}, { onConnectionChange: (s) => states.push(s) });
      try {
        await until(() => states.includes('offline'), 5000, 'the offline state');
        await new Promise((r) => setTimeout(r, 500)); // many backoff periods: a retry would show here
        expect(opened).to.equal(1);
        expect(states.at(-1)).to.equal('offline');
      } finally {
        subscription.unsubscribe();
      }
    });

    it('maps a 401 to unauthorized with its status', async () => {
      const stranger = new HttpAdapter({ endpoint: server!.url, auth: { token: 'not-a-token' } });
      let caught: unknown;
      await stranger.getSession().catch((e: unknown) => (caught = e));
      expect(caught).to.include({ code: 'unauthorized', status: 401 });
    });
  });
});

describe('HttpAdapter without a server', () => {
  it('reports a refused connection as a network error', async () => {
    const nowhere = new HttpAdapter({ endpoint: 'http://127.0.0.1:9', auth: { token: 't' } });
    expect(await codeOf(nowhere.getSession())).to.equal('network');
  });

  it('waits longer after each failure, within the cap and the jitter', () => {
    const options = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(0, options, () => 1)).to.equal(100);
    expect(backoffDelay(0, options, () => 0)).to.equal(50);
    expect(backoffDelay(3, options, () => 1)).to.equal(800);
    expect(backoffDelay(10, options, () => 1)).to.equal(1000);
  });
});
