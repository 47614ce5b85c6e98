import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/bm-secure-chat.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';

describe('<bm-secure-chat>', () => {
  it('renders an accessible empty state in its shadow root', async () => {
    const el = await fixture<BmSecureChat>(html`<bm-secure-chat></bm-secure-chat>`);
    const base = el.shadowRoot!.querySelector('[part~="base"]');
    expect(base).to.exist;
    expect(base!.getAttribute('aria-label')).to.equal('Secure chat');
    expect(el.shadowRoot!.querySelector('[part~="empty"] h2')!.textContent).to.equal('No conversations yet');
    await expect(el).to.be.accessible();
  });

  it('fires bm-ready once, bubbling and composed', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const ready = oneEvent(host, 'bm-ready');
    host.append(document.createElement('bm-secure-chat'));
    const event = await ready;
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(true);
    host.remove();
  });

  it('switches between light and dark without a remount', async () => {
    const el = await fixture<BmSecureChat>(html`<bm-secure-chat theme="light"></bm-secure-chat>`);
    const base = el.shadowRoot!.querySelector('[part~="base"]')!;
    const light = getComputedStyle(el).backgroundColor;
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="base"]')).to.equal(base);
    expect(getComputedStyle(el).backgroundColor).not.to.equal(light);
    expect(getComputedStyle(el).colorScheme).to.equal('dark');
  });

  it('speaks the language of its lang attribute and lays out right to left for Arabic', async () => {
    const el = await fixture<BmSecureChat>(html`<bm-secure-chat lang="ar"></bm-secure-chat>`);
    const base = el.shadowRoot!.querySelector('[part~="base"]')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    expect(base.getAttribute('aria-label')).to.equal('محادثة آمنة');
    el.lang = 'de';
    await el.updateComplete;
    expect(base.getAttribute('aria-label')).to.equal('Sicherer Chat');
    expect(base.getAttribute('dir')).to.equal('ltr');
  });

  it('renders a string override as text, never as markup', async () => {
    const el = await fixture<BmSecureChat>(html`<bm-secure-chat></bm-secure-chat>`);
    el.strings = { emptyTitle: '<img src=x onerror="window.__bmXss=1">' };
    await el.updateComplete;
    const title = el.shadowRoot!.querySelector('[part~="empty"] h2')!;
    expect(title.textContent).to.equal('<img src=x onerror="window.__bmXss=1">');
    expect(title.querySelector('img')).to.equal(null);
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
  });

  it('injects no global styles into the host document', async () => {
    const before = document.querySelectorAll('style, link[rel="stylesheet"]').length;
    const adoptedBefore = document.adoptedStyleSheets.length;
    await fixture(html`<bm-secure-chat></bm-secure-chat>`);
    expect(document.querySelectorAll('style, link[rel="stylesheet"]').length).to.equal(before);
    expect(document.adoptedStyleSheets.length).to.equal(adoptedBefore);
  });
});
