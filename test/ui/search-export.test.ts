import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import type { ThreadExport } from '../../src/state/export.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, openFirstThread, post, until } from './helpers.js';

const XSS_TEXT = 'settlement <img src=x onerror="window.__bmXss=1"><script>window.__bmXss=2</script>';
const XSS_NAME = '"><svg onload="window.__bmXss=3">';
const XSS_TITLE = '<a href="javascript:window.__bmXss=4">Matter</a>';

function people(bobsName = 'Bob') {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  const carol = uniqueUserId('carol');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: bobsName });
  hub.addUser({ id: carol, displayName: 'Carol' });
  return { hub, alice, bob, carol };
}

/** Sends through the widget's own composer, as a user would: sealed first when the thread is encrypted. */
async function sendFromWidget(el: BmSecureChat, text: string) {
  const root = el.shadowRoot!;
  const input = root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
  root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
}

async function openSearch(el: BmSecureChat, query: string) {
  const root = el.shadowRoot!;
  root.querySelector<HTMLButtonElement>('[part~="search-toggle"]')!.click();
  // The panel loads on first use: wait until its field is there and has focus.
  await until(() => {
    const input = root.querySelector('[part~="search-input"]');
    return !!input && root.activeElement === input;
  });
  await sendKeys({ type: query });
  await el.updateComplete;
}

const results = (el: BmSecureChat) => [...el.shadowRoot!.querySelectorAll('[part~="search-result"]')];

/** Catches the widget's `<a download>` click instead of letting the browser save the file. */
function catchDownload(el: BmSecureChat): Promise<{ name: string; type: string; text: string }> {
  return new Promise((resolve) => {
    const root = el.shadowRoot!;
    const onClick = async (event: Event) => {
      const link = event.target as HTMLAnchorElement;
      if (!(link instanceof HTMLAnchorElement) || !link.download) return;
      event.preventDefault();
      root.removeEventListener('click', onClick, true);
      const blob = await (await fetch(link.href)).blob();
      resolve({ name: link.download, type: blob.type, text: await blob.text() });
    };
    root.addEventListener('click', onClick, true);
  });
}

describe('<bm-secure-chat> local search', () => {
  afterEach(cleanUpVaults);

  it('finds a message this device decrypted in an encrypted thread, and says the server cannot search', async () => {
    const { hub, alice, bob, carol } = people();
    const matter = await hub
      .adapterFor(alice)
      .createThread({ title: 'Matter 42', participantIds: [bob], encrypted: true });
    // Carol, on the same page, has a thread of her own with the same word in it.
    await hub.adapterFor(carol).createThread({ title: 'Carol’s', participantIds: [], encrypted: false });
    const carolThread = (await hub.adapterFor(carol).listThreads()).items[0]!;
    await post(hub, carol, carolThread.id, { type: 'text', text: 'settlement draft of Carol' });
    // And Alice has another thread, not open, that mentions it too.
    const other = await hub
      .adapterFor(alice)
      .createThread({ title: 'Other', participantIds: [bob], encrypted: false });
    await post(hub, bob, other.id, { type: 'text', text: 'settlement in the other thread' });

    // Alice's widget starts first: it publishes her device keys, so Bob's first message is sealed to her.
    const el = await chatWith(hub.adapterFor(alice), alice);
    const bobsWidget = await chatWith(hub.adapterFor(bob), bob);
    bobsWidget.shadowRoot!.querySelector<HTMLButtonElement>('[data-thread-id="' + matter.id + '"]')!.click();
    await until(() => !!bobsWidget.shadowRoot!.querySelector('[part~="input"]'));
    await sendFromWidget(bobsWidget, 'The settlement offer is 40,000.');
    let stored = await hub.adapterFor(bob).listMessages(matter.id);
    for (let tries = 0; stored.items.length === 0 && tries < 250; tries++) {
      await new Promise((r) => setTimeout(r, 20));
      stored = await hub.adapterFor(bob).listMessages(matter.id);
    }
    expect(stored.items[0]!.body.kind).to.equal('envelope');

    const carolsWidget = await chatWith(hub.adapterFor(carol), carol);
    await openFirstThread(carolsWidget);
    el.shadowRoot!.querySelector<HTMLButtonElement>(`[data-thread-id="${matter.id}"]`)!.click();
    await until(() =>
      [...el.shadowRoot!.querySelectorAll('[part~="message-body"]')].some((b) =>
        b.textContent!.includes('40,000'),
      ),
    );

    await openSearch(el, 'SETTLE');
    const panel = el.shadowRoot!.querySelector('[part~="search"]')!;
    expect(panel.textContent).to.contain(
      'Searches only messages decrypted on this device; the server cannot search encrypted conversations.',
    );
    expect(results(el)).to.have.length(1);
    const [hit] = results(el);
    expect(hit!.querySelector('.search-meta bdi')!.textContent).to.equal('Bob');
    expect(hit!.querySelector('time')).to.exist;
    expect(hit!.querySelector('[part~="search-match"]')!.textContent).to.equal('settle');
    expect(hit!.querySelector('.search-snippet')!.textContent).to.equal('The settlement offer is 40,000.');
    expect(panel.querySelector('[role="status"]')!.textContent!.trim()).to.equal('Results: 1');
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.theme = 'light';

    (hit as HTMLButtonElement).click();
    const message = el.shadowRoot!.activeElement as HTMLElement;
    expect(message.getAttribute('part')).to.equal('message');
    expect(message.textContent).to.contain('40,000');

    const input = el.shadowRoot!.querySelector<HTMLInputElement>('[part~="search-input"]')!;
    input.focus();
    await sendKeys({ type: 'zzz' });
    await el.updateComplete;
    expect(results(el)).to.have.length(0);
    expect(panel.querySelector('[role="status"]')!.textContent!.trim()).to.equal('No messages match.');
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="search"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(el.shadowRoot!.querySelector('[part~="search-toggle"]'));
  });

  it('marks the match in a message full of markup as text, injecting nothing', async () => {
    const { hub, alice, bob } = people();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Plain', participantIds: [bob], encrypted: false });
    await post(hub, bob, thread.id, { type: 'text', text: XSS_TEXT });
    const el = await chatWith(hub.adapterFor(alice), alice);
    await openFirstThread(el);
    await openSearch(el, 'onerror');
    expect(el.shadowRoot!.querySelector('[part~="search"]')!.textContent).to.contain(
      'Searches only messages loaded on this device.',
    );
    const [hit] = results(el);
    expect(hit!.querySelector('[part~="search-match"]')!.textContent).to.equal('onerror');
    expect(hit!.querySelector('.search-snippet')!.textContent).to.contain(
      'settlement <img src=x onerror="window.__bmXss=1"><script>',
    );
    expect(el.shadowRoot!.querySelectorAll('img, script')).to.have.length(0);
    expect(el.shadowRoot!.querySelectorAll('[part~="search"] svg:not(.icon)')).to.have.length(0);
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
  });
});

describe('<bm-secure-chat> export', () => {
  afterEach(cleanUpVaults);

  async function threadWithHistory() {
    const { hub, alice, bob } = people(XSS_NAME);
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: XSS_TITLE, participantIds: [bob], encrypted: false });
    // More than one history page (50), so the export has to fetch the rest.
    for (let i = 1; i <= 60; i++) await post(hub, bob, thread.id, { type: 'text', text: `message ${i}` });
    await post(hub, bob, thread.id, { type: 'text', text: XSS_TEXT });
    await post(hub, bob, thread.id, {
      type: 'attachment',
      blobId: 'blob-1',
      name: '<img src=x onerror=alert(1)>.pdf',
      mime: 'application/pdf',
      size: 2048,
    });
    const el = await chatWith(hub.adapterFor(alice), alice);
    await openFirstThread(el);
    return { el, hub, alice, bob };
  }

  async function openExport(el: BmSecureChat) {
    const root = el.shadowRoot!;
    root.querySelector<HTMLButtonElement>('[part~="export-button"]')!.click();
    // The dialog loads on first use.
    await until(() => !!root.querySelector<HTMLDialogElement>('[part~="export-dialog"]')?.open);
    return root.querySelector<HTMLDialogElement>('[part~="export-dialog"]')!;
  }

  it('downloads a standalone HTML page with every message and no live markup from the payloads', async () => {
    const { el } = await threadWithHistory();
    const dialog = await openExport(el);
    expect(dialog.textContent).to.contain('anyone who gets it can read them');
    await expect(el).to.be.accessible();

    const download = catchDownload(el);
    dialog.querySelector<HTMLButtonElement>('.export-html')!.click();
    const file = await download;
    expect(file.type).to.equal('text/html');
    expect(file.name).to.match(/^a-href-javascript-window-bmXss-4-Matter-a-\d{4}-\d\d-\d\d\.html$/);

    const doc = new DOMParser().parseFromString(file.text, 'text/html');
    expect(doc.querySelectorAll('script, img, svg, iframe, a, link, form, base')).to.have.length(0);
    for (const element of doc.querySelectorAll('*'))
      for (const attribute of element.attributes) {
        expect(attribute.name).not.to.match(/^on/i);
        expect(attribute.value).not.to.match(/javascript:/i);
      }
    const texts = [...doc.querySelectorAll('.text')].map((p) => p.textContent);
    expect(texts).to.have.length(61);
    for (let i = 1; i <= 60; i++) expect(texts).to.include(`message ${i}`);
    expect(texts).to.include(XSS_TEXT);
    expect(doc.querySelector('h1')!.textContent).to.equal(XSS_TITLE);
    expect(doc.body.textContent).to.contain(XSS_NAME);
    expect(doc.body.textContent).to.contain('<img src=x onerror=alert(1)>.pdf');
    expect(
      doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content'),
    ).to.contain("default-src 'none'");

    await until(() => !dialog.open);
    expect(el.shadowRoot!.activeElement).to.equal(el.shadowRoot!.querySelector('[part~="export-button"]'));
  });

  it('downloads JSON that parses back to the thread’s messages', async () => {
    const { el, bob } = await threadWithHistory();
    const dialog = await openExport(el);
    const download = catchDownload(el);
    dialog.querySelector<HTMLButtonElement>('.export-json')!.click();
    const file = await download;
    expect(file.type).to.equal('application/json');
    expect(file.name).to.match(/\.json$/);
    const data = JSON.parse(file.text) as ThreadExport;
    expect(data.thread.title).to.equal(XSS_TITLE);
    expect(data.messages).to.have.length(62);
    expect(data.messages.slice(0, 60).map((m) => m.text)).to.deep.equal(
      Array.from({ length: 60 }, (_, i) => `message ${i + 1}`),
    );
    expect(data.messages[60]).to.include({ senderId: bob, sender: XSS_NAME, text: XSS_TEXT });
    expect(data.messages[61]!.attachment).to.deep.equal({
      name: '<img src=x onerror=alert(1)>.pdf',
      mime: 'application/pdf',
      size: 2048,
    });
    expect(file.text).not.to.contain('blob-1');
  });

  it('closes with Escape and gives focus back to the export button', async () => {
    const { el } = await threadWithHistory();
    const dialog = await openExport(el);
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open);
    expect(el.shadowRoot!.activeElement).to.equal(el.shadowRoot!.querySelector('[part~="export-button"]'));
  });
});
