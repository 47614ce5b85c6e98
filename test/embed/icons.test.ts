import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { until } from '../until.js';

/**
 * The built one-tag entry (dist/bm-secure-chat.js, minified markup) in a page of its own, given an in-memory
 * backend from this window and a thread to open.
 */
async function builtWidgetWithThread(): Promise<ShadowRoot> {
  const hub = new MemoryHub();
  hub.addUser({ id: 'ines', displayName: 'Ines' });
  hub.addUser({ id: 'omar', displayName: 'Omar' });
  const adapter = hub.adapterFor('ines');
  const thread = await adapter.createThread({ title: 'Icons', participantIds: ['omar'], encrypted: false });
  const frame = document.createElement('iframe');
  frame.src = '/test/embed/fixtures/one-tag.html';
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow!;
  await win.customElements.whenDefined('bm-secure-chat');
  const el = win.document.querySelector('bm-secure-chat') as HTMLElement & {
    adapter: unknown;
    thread: string;
  };
  el.adapter = adapter;
  el.thread = thread.id;
  return el.shadowRoot!;
}

describe('icons of the built entry', () => {
  it("draws every shape of an icon of several shapes (the search icon's circle and its handle)", async () => {
    const shadow = await builtWidgetWithThread();
    await until(
      () => shadow.querySelector('[part~="search-toggle"] svg') !== null,
      10_000,
      'the search button',
    );
    const svg = shadow.querySelector('[part~="search-toggle"] svg')!;
    // An SVG shape drawn inside another shape is never painted: each must be a child of the <svg> itself.
    expect([...svg.children].map((child) => child.localName)).to.deep.equal(['circle', 'path']);
    expect(svg.querySelectorAll('circle > *, path > *, rect > *').length).to.equal(0);
  });
});
