import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, localDay, openFirstThread, post, withServerTimes } from './helpers.js';

const IMG = '<img src=x onerror="window.__bmXss=1">';
const SVG = '"><svg onload="window.__bmXss=2">';
const PAYLOADS = [
  IMG,
  '<script>window.__bmXss=3</script>',
  SVG,
  'javascript:window.__bmXss=4',
  '[click](javascript:window.__bmXss=5)',
  '<a href="javascript:window.__bmXss=6">x</a>',
  '**<img src=y onerror="window.__bmXss=7">** `<script>x</script>`',
];

/** The elements the widget itself draws inside the message log; a message may add none but formatting. */
const LOG_TAGS = new Set([
  'div',
  'span',
  'bdi',
  'time',
  'h3',
  'button',
  'strong',
  'em',
  's',
  'code',
  'pre',
  'a',
]);

function people() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  return { hub, alice, bob };
}

describe('<bm-secure-chat> rich messages', () => {
  afterEach(cleanUpVaults);

  it('renders XSS in message text, a thread title, a display name and a file name as inert text', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const mallory = uniqueUserId('mallory');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: mallory, displayName: SVG });
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: IMG, participantIds: [mallory], encrypted: false });
    for (const text of PAYLOADS) await post(hub, mallory, thread.id, { type: 'text', text });
    await post(hub, mallory, thread.id, {
      type: 'attachment',
      blobId: 'b1',
      name: `${IMG}.pdf`,
      mime: 'application/pdf',
      size: 2048,
      caption: SVG,
    });

    const el = await chatWith(hub.adapterFor(alice), alice);
    const root = await openFirstThread(el, PAYLOADS.length + 1);

    expect(root.querySelector('[part~="thread-item"] .title')!.textContent).to.equal(IMG);
    expect(root.querySelector('[part~="title"]')!.textContent).to.equal(IMG);
    expect(root.querySelector('[part~="sender"]')!.textContent).to.equal(SVG);
    expect(root.querySelector('[part~="attachment"] .file-name')!.textContent).to.equal(`${IMG}.pdf`);
    const bodies = [...root.querySelectorAll('[part~="message-body"]')].map((b) => b.textContent);
    expect(bodies.slice(0, 6)).to.deep.equal(PAYLOADS.slice(0, 6));
    expect(bodies[6]).to.equal('<img src=y onerror="window.__bmXss=7"> <script>x</script>');
    expect(bodies[7]).to.equal(SVG);

    const log = root.querySelector('[part~="messages"]')!;
    for (const element of log.querySelectorAll('*')) {
      expect(LOG_TAGS.has(element.localName), `<${element.localName}> in the log`).to.equal(true);
    }
    for (const element of root.querySelectorAll('*')) {
      const handlers = element.getAttributeNames().filter((name) => name.startsWith('on'));
      expect(handlers, `<${element.localName} ${handlers.join(' ')}>`).to.deep.equal([]);
    }
    // The only svgs are the widget's own padlocks and icons; no img, script or iframe anywhere.
    const ownSvg = (svg: Element) => svg.classList.contains('lock') || svg.classList.contains('icon');
    expect([...root.querySelectorAll('svg')].every(ownSvg)).to.equal(true);
    expect(root.querySelectorAll('img, script, iframe, object, embed')).to.have.length(0);
    expect(root.querySelectorAll('a')).to.have.length(0);
    for (const element of root.querySelectorAll('[href], [src], [srcdoc], [action], [formaction]')) {
      expect(element.localName, 'an element that loads or links').to.equal('a');
    }
    expect((window as unknown as { __bmXss?: number }).__bmXss).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('links URLs safely, formats text, highlights mentions and marks the reader', async () => {
    const { hub, alice, bob } = people();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Links', participantIds: [bob], encrypted: false });
    await post(hub, bob, thread.id, {
      type: 'text',
      text: `@${alice} **see** https://example.org/case?id=4. or mailto:bob@example.org, not javascript:alert(1)`,
      mentions: [alice],
    });
    await post(hub, alice, thread.id, { type: 'text', text: `thanks @${bob}`, mentions: [bob] });

    const el = await chatWith(hub.adapterFor(alice), alice);
    const root = await openFirstThread(el, 2);
    const [first, second] = [...root.querySelectorAll('[part~="message-body"]')];

    const links = [...first!.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).to.deep.equal([
      ['https://example.org/case?id=4', 'https://example.org/case?id=4'],
      ['mailto:bob@example.org', 'mailto:bob@example.org'],
    ]);
    for (const a of links) {
      expect(a.rel).to.equal('noopener noreferrer nofollow ugc');
      expect(a.target).to.equal('_blank');
    }
    expect(first!.querySelector('strong')!.textContent).to.equal('see');
    expect(first!.querySelector('[part~="mention"]')!.getAttribute('part')).to.equal('mention mention-self');
    expect(first!.querySelector('[part~="mention"]')!.textContent).to.equal('@Alice');
    expect(second!.querySelector('[part~="mention"]')!.getAttribute('part')).to.equal('mention');
    expect(second!.querySelector('[part~="mention"]')!.textContent).to.equal('@Bob');

    // The reader's mention stands out from others.
    const self = getComputedStyle(first!.querySelector('[part~="mention"]')!).backgroundColor;
    const other = getComputedStyle(second!.querySelector('[part~="mention"]')!).backgroundColor;
    expect(self).not.to.equal(other);
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('shows line breaks as typed', async () => {
    const { hub, alice, bob } = people();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Lines', participantIds: [bob], encrypted: false });
    await post(hub, bob, thread.id, { type: 'text', text: 'one' });
    await post(hub, bob, thread.id, { type: 'text', text: 'one\ntwo\nthree' });
    const el = await chatWith(hub.adapterFor(alice), alice);
    const root = await openFirstThread(el, 2);
    const [single, three] = [...root.querySelectorAll('[part~="message-body"]')];
    expect(three!.textContent).to.equal('one\ntwo\nthree');
    const height = (element: Element) => element.getBoundingClientRect().height;
    expect(height(three!)).to.be.closeTo(3 * height(single!), 2);
  });

  it('separates days, groups one sender within five minutes and gives every message its time', async () => {
    const { hub, alice, bob } = people();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Days', participantIds: [bob], encrypted: false });
    const times: Record<string, Date> = {};
    const send = async (from: string, time: Date, text: string) => {
      times[await post(hub, from, thread.id, { type: 'text', text })] = time;
    };
    await send(bob, localDay(3, 10, 0), 'three days ago');
    await send(bob, localDay(1, 9, 0), 'yesterday 1');
    await send(bob, localDay(1, 9, 3), 'yesterday 2');
    await send(alice, localDay(1, 9, 4), 'my answer');
    await send(bob, localDay(0, 0, 1), 'today 1');
    await send(bob, localDay(0, 0, 9), 'today 2');

    const el = await chatWith(withServerTimes(hub.adapterFor(alice), times), alice);
    const root = await openFirstThread(el, 6);
    const log = root.querySelector('[part~="messages"]')!;
    const rows = [...log.querySelectorAll('[part~="day-separator"], [part~="message"]')].map((row) =>
      row.matches('[part~="day-separator"]')
        ? `day ${row.textContent!.trim()}`
        : `${row.classList.contains('continued') ? '+' : ''}${row.querySelector('[part~="message-body"]')!.textContent}`,
    );
    const older = log.querySelector('[part~="day-separator"]')!.textContent!.trim();
    expect(older).not.to.be.oneOf(['Today', 'Yesterday']);
    expect(rows).to.deep.equal([
      `day ${older}`,
      'three days ago',
      'day Yesterday',
      'yesterday 1',
      '+yesterday 2',
      'my answer',
      'day Today',
      'today 1',
      'today 2',
    ]);
    const separatorDates = [...log.querySelectorAll('[part~="day-separator"] time')].map((t) =>
      t.getAttribute('datetime'),
    );
    const ymd = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(separatorDates).to.deep.equal([ymd(localDay(3)), ymd(localDay(1)), ymd(localDay(0))]);

    // The sender's name is shown once per group; a grouped message keeps it for screen readers only.
    const visibleSenders = [...log.querySelectorAll('[part~="sender"]')]
      .filter((s) => s.getBoundingClientRect().width > 1)
      .map((s) => s.textContent);
    expect(visibleSenders).to.deep.equal(['Bob', 'Bob', 'You', 'Bob', 'Bob']);
    expect(log.querySelectorAll('[part~="sender"]')).to.have.length(6);

    const stamps = [...log.querySelectorAll('[part~="message"] time[part~="time"]')];
    expect(stamps.map((t) => t.getAttribute('datetime'))).to.deep.equal(
      Object.values(times).map((t) => t.toISOString()),
    );
    expect(stamps[1]!.textContent).to.match(/^9:00\sAM$/u);
    await expect(el).to.be.accessible();
  });

  it('shows an attachment with its name and size', async () => {
    const { hub, alice, bob } = people();
    const thread = await hub
      .adapterFor(alice)
      .createThread({ title: 'Files', participantIds: [bob], encrypted: false });
    await post(hub, bob, thread.id, {
      type: 'attachment',
      blobId: 'b2',
      // A right-to-left override would show this as "contract‮fdp.exe" → "contractexe.pdf".
      name: 'contract\u202Efdp.exe',
      mime: 'application/octet-stream',
      size: 1_500_000,
    });
    const el = await chatWith(hub.adapterFor(alice), alice);
    const root = await openFirstThread(el, 1);
    const file = root.querySelector('[part~="attachment"]')!;
    expect(file.getAttribute('aria-label')).to.equal('Attachment');
    expect(file.querySelector('.file-name')!.textContent).to.equal('contractfdp.exe');
    expect(file.querySelector('.file-size')!.textContent).to.equal('1.5 MB');
    expect(root.querySelector('[part~="message-body"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});
