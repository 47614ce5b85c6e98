import { expect } from '@open-wc/testing';
import type { MessageContent, Thread } from '../../src/adapter/types.js';
import {
  EXPORT_STYLE,
  EXPORT_STYLE_HASH,
  escapeHtml,
  exportFileName,
  exportHtml,
  exportJson,
  exportRecord,
  type HtmlExportFormat,
} from '../../src/state/export.js';
import { foldTimeline, type TimelineEvent } from '../../src/state/timeline.js';

const XSS_TEXT = '<img src=x onerror="window.__bmExportXss=1"><script>window.__bmExportXss=2</script>';
const XSS_TITLE = '</title><script>window.__bmExportXss=3</script><a href="javascript:alert(1)">x</a>';
const XSS_NAME = '"><svg onload="window.__bmExportXss=4"><a href=javascript:alert(1)>';
const XSS_FILE = '<iframe src="javascript:alert(1)"></iframe>\u202Efdp.exe';

function thread(title = 'Matter 42'): Thread {
  return {
    id: 't1',
    title,
    participants: [
      { userId: 'alice', displayName: 'Alice', joinedAt: '2026-01-01T00:00:00Z', readUpTo: 0 },
      { userId: 'bob', displayName: XSS_NAME, joinedAt: '2026-01-01T00:00:00Z', readUpTo: 0 },
    ],
    encrypted: true,
    encryptedAt: '2026-01-01T00:00:00Z',
    createdBy: 'alice',
    createdAt: '2026-01-01T00:00:00Z',
    lastActivityAt: '2026-01-02T00:00:00Z',
    lastSeq: 6,
    unreadCount: 0,
  };
}

let seq = 0;
function event(
  senderId: string,
  clientId: string,
  content: MessageContent | null,
  extra = {},
): TimelineEvent {
  seq++;
  return {
    threadId: 't1',
    clientId,
    senderId,
    seq,
    createdAt: new Date(Date.UTC(2026, 0, 2, 9, seq)).toISOString(),
    status: 'sent',
    content,
    ...extra,
  };
}

function messages() {
  seq = 0;
  return foldTimeline([
    event('alice', 'm1', { type: 'text', text: 'helo\nsecond line' }),
    event('alice', 'm2', { type: 'edit', target: 'm1', text: 'hello\nsecond line' }),
    event('bob', 'm3', { type: 'text', text: XSS_TEXT }),
    event('bob', 'm4', {
      type: 'attachment',
      blobId: 'blob-secret-id',
      key: 'file-key-secret',
      name: XSS_FILE,
      mime: 'application/pdf',
      size: 12_345,
      caption: 'the contract',
    }),
    event('alice', 'm5', { type: 'text', text: 'to be deleted' }),
    event('alice', 'm6', { type: 'delete', target: 'm5' }),
    event('bob', 'm7', null, { failure: { reason: 'signature-invalid', expected: false } }),
    event('bob', 'm8', { type: 'reaction', target: 'm1', emoji: '👍' }),
  ]);
}

const format: HtmlExportFormat = {
  lang: 'en',
  dir: 'ltr',
  labels: {
    encrypted: 'End-to-end encrypted',
    plain: 'Not encrypted',
    participants: 'Participants',
    exportedAt: 'Exported on 3 January 2026',
    edited: 'edited',
    deleted: 'This message was deleted.',
    attachment: 'Attachment',
  },
  time: (date) => date.toISOString(),
  size: (bytes) => `${bytes} bytes`,
  undecryptable: ({ reason }) => `Could not decrypt (${reason}).`,
};

const exportedAt = new Date(2026, 0, 3, 10, 0);

describe('export builders', () => {
  it('JSON round-trips to the same record, with edits folded and no key or blob id', () => {
    const input = { thread: thread(), messages: messages(), exportedAt };
    const json = exportJson(input);
    const parsed = JSON.parse(json) as ReturnType<typeof exportRecord>;
    expect(parsed).to.deep.equal(exportRecord(input));
    expect(parsed.format).to.equal('bm-secure-chat-export');
    expect(parsed.exportedAt).to.equal(exportedAt.toISOString());
    expect(parsed.messages.map((m) => m.id)).to.deep.equal(['m1', 'm3', 'm4', 'm5', 'm7']);
    const [first, xss, file, deleted, broken] = parsed.messages;
    expect(first).to.include({ sender: 'Alice', text: 'hello\nsecond line', edited: true });
    expect(first!.reactions).to.deep.equal([{ emoji: '👍', userIds: ['bob'] }]);
    expect(xss).to.include({ sender: XSS_NAME, text: XSS_TEXT });
    // The bidi override that would disguise the extension is gone; the name is otherwise kept.
    expect(file!.attachment).to.deep.equal({
      name: '<iframe src="javascript:alert(1)"></iframe>fdp.exe',
      mime: 'application/pdf',
      size: 12_345,
    });
    expect(file!.text).to.equal('the contract');
    expect(deleted).to.include({ deleted: true, text: '' });
    expect(broken!.undecryptable).to.deep.equal({ reason: 'signature-invalid', expected: false });
    expect(json).not.to.contain('blob-secret-id');
    expect(json).not.to.contain('file-key-secret');
  });

  it('HTML holds every message as text and no live markup from XSS payloads', () => {
    const html = exportHtml({ thread: thread(XSS_TITLE), messages: messages(), exportedAt }, format);
    const doc = new DOMParser().parseFromString(html, 'text/html');

    expect(doc.querySelectorAll('script, img, svg, iframe, object, embed, link, base, form')).to.have.length(
      0,
    );
    expect(doc.querySelectorAll('a')).to.have.length(0);
    for (const element of doc.querySelectorAll('*')) {
      for (const attribute of element.attributes) {
        expect(attribute.name, `${element.localName}[${attribute.name}]`).not.to.match(/^on/i);
        expect(attribute.value, `${element.localName}[${attribute.name}]`).not.to.match(/javascript:/i);
      }
    }

    expect(doc.title).to.equal(XSS_TITLE);
    expect(doc.querySelector('h1')!.textContent).to.equal(XSS_TITLE);
    const articles = [...doc.querySelectorAll('article')];
    expect(articles).to.have.length(5);
    expect(articles[0]!.querySelector('.text')!.textContent).to.equal('hello\nsecond line');
    expect(articles[0]!.textContent).to.contain('edited');
    expect(articles[1]!.querySelector('.text')!.textContent).to.equal(XSS_TEXT);
    expect(articles[1]!.querySelector('strong')!.textContent).to.equal(XSS_NAME);
    expect(articles[2]!.textContent).to.contain('<iframe src="javascript:alert(1)"></iframe>fdp.exe');
    expect(articles[2]!.textContent).to.contain('12345 bytes');
    expect(articles[3]!.textContent).to.contain('This message was deleted.');
    expect(articles[3]!.textContent).not.to.contain('to be deleted');
    expect(articles[4]!.textContent).to.contain('Could not decrypt (signature-invalid).');
    expect(doc.body.textContent).to.contain(`Participants: Alice, ${XSS_NAME}`);
    expect(html).not.to.contain('blob-secret-id');
    expect(html).not.to.contain('file-key-secret');
  });

  it('HTML carries a CSP that allows no script and only its own style sheet, by hash', async () => {
    const html = exportHtml({ thread: thread(), messages: messages(), exportedAt }, format);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    expect(csp).to.contain("default-src 'none'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).not.to.contain('script-src');
    // The policy comes before the only style sheet, which it must allow.
    expect(doc.head.firstElementChild!.getAttribute('charset')).to.equal('utf-8');
    expect(doc.head.children[1]!.getAttribute('http-equiv')).to.equal('Content-Security-Policy');
    const styles = doc.querySelectorAll('style');
    expect(styles).to.have.length(1);
    expect(styles[0]!.textContent).to.equal(EXPORT_STYLE);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(EXPORT_STYLE));
    const hash = `sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
    expect(EXPORT_STYLE_HASH).to.equal(hash);
    expect(csp).to.contain(`style-src '${hash}'`);
  });

  it('HTML takes the language and direction it is given, escaped', () => {
    const html = exportHtml(
      { thread: thread(), messages: [], exportedAt },
      { ...format, lang: 'ar"><script>x</script>', dir: 'rtl' },
    );
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.documentElement.getAttribute('lang')).to.equal('ar"><script>x</script>');
    expect(doc.documentElement.getAttribute('dir')).to.equal('rtl');
    expect(doc.querySelectorAll('script')).to.have.length(0);
    expect(doc.querySelectorAll('article')).to.have.length(0);
  });

  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a> é 👍`)).to.equal(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt; é 👍',
    );
  });

  it('names the file after the title letters and the local date', () => {
    expect(exportFileName('Matter 42: <Smith> v. Jones', exportedAt, 'html')).to.equal(
      'Matter-42-Smith-v-Jones-2026-01-03.html',
    );
    expect(exportFileName('../../etc/passwd', exportedAt, 'json')).to.equal('etc-passwd-2026-01-03.json');
    expect(exportFileName('قضية ٤٢', exportedAt, 'json')).to.equal('قضية-٤٢-2026-01-03.json');
    expect(exportFileName('<>', exportedAt, 'json')).to.equal('conversation-2026-01-03.json');
    expect(exportFileName('𝒜'.repeat(100), exportedAt, 'json')).to.equal(`${'A'.repeat(60)}-2026-01-03.json`);
  });
});
