import { expect, fixture, html } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import '../../src/bm-secure-chat.js';
import { vaultDatabaseName } from '../../src/vault/index.js';
import { cleanUpVaults, trackDatabase, uniqueUserId } from '../vault/helpers.js';
import { until } from '../until.js';

describe('<bm-secure-chat thread="..."> (matter-chat mode)', () => {
  afterEach(cleanUpVaults);

  it('gives the one conversation the whole width, with no list beside it', async () => {
    const hub = new MemoryHub();
    const me = uniqueUserId('partner');
    const client = uniqueUserId('client');
    hub.addUser({ id: me, displayName: 'Dana' });
    hub.addUser({ id: client, displayName: 'Chris' });
    const thread = await hub.adapterFor(me).createThread({
      title: 'Matter 7',
      participantIds: [client],
      encrypted: false,
    });
    trackDatabase(vaultDatabaseName(me));
    const el = await fixture<BmSecureChat>(
      html`<bm-secure-chat theme="light" thread=${thread.id}></bm-secure-chat>`,
    );
    el.adapter = hub.adapterFor(me);
    await el.sessionReady;
    const root = el.shadowRoot!;
    await until(() => root.querySelector('[part~="messages"]') !== null);
    expect(root.querySelector('[part~="thread-list"]')).to.equal(null);
    const base = root.querySelector('[part~="base"]')!.getBoundingClientRect();
    const messages = root.querySelector('[part~="messages"]')!.getBoundingClientRect();
    expect(messages.width).to.be.closeTo(base.width, 2);
  });
});
