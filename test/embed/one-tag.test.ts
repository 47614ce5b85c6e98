import { expect } from '@open-wc/testing';

/** Loads a plain HTML page from test/embed/fixtures in an iframe; the page's only integration is a script tag. */
async function loadPage(path: string): Promise<Window> {
  const frame = document.createElement('iframe');
  frame.src = path;
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  return frame.contentWindow!;
}

async function renderedShadow(win: Window): Promise<ShadowRoot> {
  await win.customElements.whenDefined('bm-secure-chat');
  const el = win.document.querySelector('bm-secure-chat') as HTMLElement & {
    updateComplete: Promise<boolean>;
  };
  await el.updateComplete;
  return el.shadowRoot!;
}

describe('the built one-tag entry (dist/bm-secure-chat.js)', () => {
  it('defines and renders <bm-secure-chat> from one script tag in a page served from another folder', async () => {
    const win = await loadPage('/test/embed/fixtures/one-tag.html');
    const shadow = await renderedShadow(win);
    expect(win.customElements.get('bm-secure-chat')).to.be.a('function');
    expect(shadow.querySelector('[part~="base"]')).to.exist;
    expect(shadow.textContent).to.contain('No conversations yet');
  });

  it('survives being loaded twice on one page (two plugins bundling it) with a warning, not an error', async () => {
    const errors: string[] = [];
    const frame = document.createElement('iframe');
    frame.src = '/test/embed/fixtures/twice.html';
    document.body.append(frame);
    frame.contentWindow!.addEventListener('error', (e) => errors.push(String(e.message)));
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const shadow = await renderedShadow(frame.contentWindow!);
    expect(shadow.querySelector('[part~="base"]')).to.exist;
    expect(errors).to.deep.equal([]);
  });
});

describe('under a strict Content-Security-Policy', () => {
  it("renders with no violation of default-src 'self', style-src 'self' and required Trusted Types", async () => {
    const win = await loadPage('/test/embed/fixtures/strict-csp.html');
    const shadow = await renderedShadow(win);
    expect(shadow.querySelector('[part~="base"]')).to.exist;
    // Styles arrive as adopted stylesheets, which the CSP allows; nothing was blocked.
    const host = win.document.querySelector('bm-secure-chat')!;
    expect(win.getComputedStyle(host).colorScheme).to.equal('dark');
    expect((win as unknown as { cspViolations: string[] }).cspViolations).to.deep.equal([]);
  });
});

describe('the crypto chunk', () => {
  it('is not downloaded by a page that never opens an encrypted thread', async () => {
    const win = await loadPage('/test/embed/fixtures/one-tag.html');
    await renderedShadow(win);
    const scripts = win.performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => name.includes('/dist/'));
    expect(scripts.some((name) => name.endsWith('/dist/bm-secure-chat.js'))).to.equal(true);
    expect(scripts.filter((name) => name.includes('/chunks/'))).to.deep.equal([]);
  });

  it('sits beside the entry as its own file, found relative to it', async () => {
    const entry = await (await fetch('/dist/bm-secure-chat.js')).text();
    const match = entry.match(/import\(["'`](\.\/chunks\/thread-security-[\w-]+\.js)["'`]\)/);
    expect(match, 'a relative dynamic import of the crypto chunk').to.not.equal(null);
    const chunk = await fetch(new URL(match![1]!, new URL('/dist/bm-secure-chat.js', location.href)));
    expect(chunk.ok).to.equal(true);
    expect(await chunk.text()).to.contain('bm-secure-chat/v1 envelope');
  });
});
