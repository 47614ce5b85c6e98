/**
 * The element on its own: given `endpoint` and a token, it loads the HTTP adapter and talks to the live
 * reference server (started by the bm-server test-runner plugin on 127.0.0.1).
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { HttpAdapter } from '../../src/adapter/http.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import type { BmErrorEvent } from '../../src/components/secure-chat/events.js';
import '../../src/bm-secure-chat.js';
import { until } from '../until.js';

let server: { url: string; id: string } | null = null;

async function createUsers(names: string[]): Promise<Record<string, { id: string; token: string }>> {
  const run = crypto.randomUUID().slice(0, 8);
  const response = await fetch(`${server!.url}/v1/test/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users: names.map((name) => ({ id: `${name}-${run}`, displayName: name })) }),
  });
  const body = (await response.json()) as { users: { id: string; token: string }[] };
  return Object.fromEntries(body.users.map((u, i) => [names[i]!, u]));
}

const titles = (el: BmSecureChat) =>
  [...el.shadowRoot!.querySelectorAll('[part~="thread-item"]')].map((item) => item.textContent ?? '');

describe('endpoint attribute', function () {
  before(async function () {
    const started = await executeServerCommand<{ url?: string; id?: string; unavailable?: string }, unknown>(
      'bm-server-start',
      {},
    );
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

  it('shows the threads the server holds for the token, and messages arriving live', async () => {
    const users = await createUsers(['alice', 'bob']);
    const alice = new HttpAdapter({ endpoint: server!.url, auth: { token: users.alice!.token } });
    const thread = await alice.createThread({
      title: 'From the server <img src=x>',
      participantIds: [users.bob!.id],
      encrypted: false,
    });
    const el = await fixture<BmSecureChat>(
      html`<bm-secure-chat endpoint=${server!.url} .token=${users.bob!.token}></bm-secure-chat>`,
    );
    await el.sessionReady;
    await until(() => titles(el).some((t) => t.includes('From the server <img src=x>')), 8000, 'the thread');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
    await alice.sendMessage(thread.id, {
      clientId: 'c1',
      body: { kind: 'plain', content: { type: 'text', text: 'hello over HTTP' } },
    });
    const log = () => el.shadowRoot!.querySelector('[part~="messages"]')?.textContent ?? '';
    await until(() => log().includes('hello over HTTP'), 8000, 'the live message');
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('reports a refused token as bm-error unauthorized', async () => {
    const errors: string[] = [];
    const el = await fixture<BmSecureChat>(
      html`<bm-secure-chat
        endpoint=${server!.url}
        .token=${'not-a-token'}
        @bm-error=${(e: BmErrorEvent) => errors.push(e.reason)}
      ></bm-secure-chat>`,
    );
    await el.sessionReady;
    await until(() => errors.length > 0, 8000, 'bm-error');
    expect(errors).to.include('unauthorized');
  });

  it('prefers the adapter property over endpoint', async () => {
    const users = await createUsers(['carol']);
    const requests: string[] = [];
    const adapter = new HttpAdapter({
      endpoint: server!.url,
      auth: { token: users.carol!.token },
      fetch: (input, init) => {
        requests.push(String(input));
        return fetch(input, init);
      },
    });
    const el = await fixture<BmSecureChat>(
      html`<bm-secure-chat endpoint="http://127.0.0.1:9" .adapter=${adapter}></bm-secure-chat>`,
    );
    await el.sessionReady;
    expect(requests.some((url) => url.endsWith('/v1/session'))).to.equal(true);
  });
});
