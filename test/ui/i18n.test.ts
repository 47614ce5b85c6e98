import { expect, fixture, html } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { ar } from '../../src/i18n/ar.js';
import { de } from '../../src/i18n/de.js';
import { en, loadStrings, stringsFor, type Strings } from '../../src/i18n/strings.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, openFirstThread, post } from './helpers.js';
import { completeEnglish } from '../../src/i18n/en-more.js';

// The whole English table, as the lazily loaded parts complete it (en-more.ts).
completeEnglish();

async function openChat(lang = 'en') {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const thread = await hub
    .adapterFor(alice)
    .createThread({ title: 'Akte 7', participantIds: [bob], encrypted: false });
  await post(hub, bob, thread.id, { type: 'text', text: 'hello' });
  await post(hub, bob, thread.id, { type: 'text', text: 'مرحبا' });
  const el = await chatWith(hub.adapterFor(alice), alice, { lang });
  const root = await openFirstThread(el, 2);
  return { el, root };
}

const q = (root: ShadowRoot, selector: string) => root.querySelector(selector)!;

describe('<bm-secure-chat> languages and direction', () => {
  afterEach(cleanUpVaults);

  it('renders a German page in German from its first drawing (its table, a chunk of its own, is loaded first)', async () => {
    const el = document.createElement('bm-secure-chat');
    el.setAttribute('lang', 'de');
    const texts: string[] = [];
    el.addEventListener('bm-ready', () => texts.push(el.shadowRoot?.textContent ?? ''));
    document.body.append(el);
    try {
      await (el as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
      expect(texts).to.have.length(1);
      expect(texts[0]).to.include(de.emptyTitle);
      expect(texts[0]).not.to.include(en.emptyTitle);
    } finally {
      el.remove();
    }
  });

  it('has every key in every table, none empty, and German and Arabic actually translated', () => {
    const keys = Object.keys(en) as Array<keyof Strings>;
    for (const [name, table] of Object.entries({ de, ar })) {
      expect(Object.keys(table).sort(), name).to.deep.equal([...keys].sort());
      for (const key of keys) expect(table[key].trim(), `${name}.${key}`).not.to.equal('');
      const same = keys.filter((key) => table[key] === en[key]);
      expect(same, `${name} keys still in English`).to.deep.equal([]);
    }
  });

  it('picks the table by language, falling back from a region to its language, then to English', async () => {
    expect((await loadStrings('de-AT')).send).to.equal('Senden');
    expect((await loadStrings('AR-eg')).send).to.equal('إرسال');
    expect((await loadStrings('fr')).send).to.equal('Send');
    expect((await loadStrings(undefined)).send).to.equal('Send');
    // Once loaded, the synchronous lookup has it too.
    expect(stringsFor('de-AT').send).to.equal('Senden');
  });

  it('switches language and direction live, in place, with the thread open', async () => {
    const { el, root } = await openChat('en');
    const base = q(root, '[part~="base"]');
    const log = q(root, '[part~="messages"]');
    const input = root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    input.value = 'draft';
    input.dispatchEvent(new InputEvent('input'));
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('Send');
    expect(q(root, '[part~="day-separator"]').textContent!.trim()).to.equal('Today');
    expect(base.getAttribute('dir')).to.equal('ltr');

    el.lang = 'de';
    await el.updateComplete;
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('Senden');
    expect(q(root, '[part~="day-separator"]').textContent!.trim()).to.equal('Heute');
    expect(q(root, '[part~="sender"]').textContent).to.equal('Bob');
    expect(q(root, '[part~="messages"]').getAttribute('aria-label')).to.equal('Nachrichten');
    expect(base.getAttribute('dir')).to.equal('ltr');
    await expect(el).to.be.accessible();

    el.setAttribute('lang', 'ar');
    await el.updateComplete;
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('إرسال');
    expect(q(root, '[part~="day-separator"]').textContent!.trim()).to.equal('اليوم');
    expect(base.getAttribute('dir')).to.equal('rtl');
    // Each message keeps the direction of its own text.
    const direction = (body: Element) => getComputedStyle(body).direction;
    expect([...root.querySelectorAll('[part~="message-body"]')].map(direction)).to.deep.equal(['ltr', 'rtl']);
    // Right to left for real: the composer's send button sits left of the text field.
    const send = q(root, '[part~="send-button"]').getBoundingClientRect();
    expect(send.right).to.be.at.most(input.getBoundingClientRect().left + 1);
    await expect(el).to.be.accessible();

    // The same nodes throughout, and the draft survives: nothing was remounted.
    expect(q(root, '[part~="base"]')).to.equal(base);
    expect(q(root, '[part~="messages"]')).to.equal(log);
    expect(root.querySelector<HTMLTextAreaElement>('[part~="input"]')).to.equal(input);
    expect(input.value).to.equal('draft');

    el.lang = 'en';
    await el.updateComplete;
    expect(base.getAttribute('dir')).to.equal('ltr');
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('Send');
  });

  it('lets the dir attribute override the language and follows the language again without it', async () => {
    const { el, root } = await openChat('ar');
    const base = q(root, '[part~="base"]');
    expect(base.getAttribute('dir')).to.equal('rtl');
    el.setAttribute('dir', 'ltr');
    await el.updateComplete;
    expect(base.getAttribute('dir')).to.equal('ltr');
    el.removeAttribute('dir');
    await el.updateComplete;
    expect(base.getAttribute('dir')).to.equal('rtl');
    el.lang = 'en';
    el.dir = 'rtl';
    await el.updateComplete;
    expect(base.getAttribute('dir')).to.equal('rtl');
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('Send');
  });

  it('speaks German for de-AT and for a page whose lang is German', async () => {
    const regional = await fixture<BmSecureChat>(html`<bm-secure-chat lang="de-AT"></bm-secure-chat>`);
    expect(regional.shadowRoot!.querySelector('[part~="empty"] h2')!.textContent).to.equal(de.emptyTitle);
    const page = await fixture<HTMLElement>(html`<div lang="de"><bm-secure-chat></bm-secure-chat></div>`);
    const inherited = page.querySelector('bm-secure-chat')!;
    await inherited.updateComplete;
    expect(inherited.shadowRoot!.querySelector('[part~="empty"] h2')!.textContent).to.equal(de.emptyTitle);
  });

  it('lets the strings property override any key of the chosen table', async () => {
    const { el, root } = await openChat('de');
    el.strings = { send: 'Los', today: 'Heute, ganz frisch' };
    await el.updateComplete;
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('Los');
    expect(q(root, '[part~="day-separator"]').textContent!.trim()).to.equal('Heute, ganz frisch');
    expect(q(root, '[part~="messages"]').getAttribute('aria-label')).to.equal('Nachrichten');
    el.lang = 'ar';
    await el.updateComplete;
    expect(q(root, '[part~="send-button"]').textContent!.trim()).to.equal('Los');
    expect(q(root, '[part~="messages"]').getAttribute('aria-label')).to.equal(ar.messagesLabel);
  });
});
