import { expect, fixture, html } from '@open-wc/testing';
import { parseMessage } from '../../src/components/secure-chat/format/parse.js';
import { formatMessage, type FormatContext } from '../../src/components/secure-chat/format/render.js';
import { linkAt, safeHref } from '../../src/components/secure-chat/format/links.js';

const names: Record<string, string> = { 'u-ann': 'Ann Lee', 'u-bob': 'Bob' };
const context: FormatContext = { nameOf: (id) => names[id] ?? id, me: 'u-bob' };

/** The message rendered the way a message body renders it, in a plain container. */
async function rendered(text: string, mentions: string[] = [], ctx = context): Promise<HTMLElement> {
  return fixture<HTMLElement>(html`<div>${formatMessage(text, mentions, ctx)}</div>`);
}

const tags = (el: Element) => [...el.querySelectorAll('*')].map((e) => e.localName);
const ALLOWED_TAGS = new Set(['strong', 'em', 's', 'code', 'pre', 'a', 'span']);
const xss = () => (window as unknown as { __bmXss?: number }).__bmXss;

/** Every element the formatter may create, every attribute it may set, and nothing else. */
function expectOnlyFormatterMarkup(el: Element): void {
  for (const child of el.querySelectorAll('*')) {
    expect(ALLOWED_TAGS.has(child.localName), `unexpected <${child.localName}>`).to.equal(true);
    for (const attribute of child.getAttributeNames()) {
      expect(['part', 'href', 'rel', 'target', 'dir'], `unexpected ${attribute}=`).to.include(attribute);
    }
  }
  for (const a of el.querySelectorAll('a')) {
    expect(['https:', 'http:', 'mailto:']).to.include(new URL(a.href).protocol);
  }
}

describe('format: hostile text stays text', () => {
  const payloads = [
    '<img src=x onerror="window.__bmXss=1">',
    '<script>window.__bmXss=2</script>',
    '"><svg onload="window.__bmXss=3">',
    "'><iframe src=javascript:window.__bmXss=4>",
    '<a href="javascript:window.__bmXss=5">click</a>',
    'javascript:window.__bmXss=6',
    'JaVaScRiPt:window.__bmXss=7',
    '[click me](javascript:window.__bmXss=8)',
    '[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19ibVhzcz05PC9zY3JpcHQ+)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>window.__bmXss=10</script>',
    '&lt;img src=x onerror=window.__bmXss=11&gt;',
    '<!-- --><style>*{display:none}</style>',
    '${window.__bmXss=12}',
    '{{constructor.constructor("window.__bmXss=13")()}}',
  ];

  for (const payload of payloads) {
    it(`renders ${JSON.stringify(payload)} as its own text and no element`, async () => {
      const el = await rendered(payload);
      expect(el.textContent).to.equal(payload);
      expect(tags(el)).to.deep.equal([]);
      expect(xss()).to.equal(undefined);
    });
  }

  it('keeps markup inside formatting, code and fences as text', async () => {
    const text =
      '**<img src=x onerror="window.__bmXss=20">** _<script>window.__bmXss=21</script>_ ' +
      '`<svg onload="window.__bmXss=22">`\n```\n<iframe srcdoc="<script>window.__bmXss=23</script>">\n```';
    const el = await rendered(text);
    expectOnlyFormatterMarkup(el);
    expect(tags(el)).to.deep.equal(['strong', 'em', 'code', 'pre', 'code']);
    expect(el.querySelector('strong')!.textContent).to.equal('<img src=x onerror="window.__bmXss=20">');
    expect(el.querySelector('pre')!.textContent).to.equal(
      '<iframe srcdoc="<script>window.__bmXss=23</script>">',
    );
    expect(xss()).to.equal(undefined);
  });

  it('never lets a markdown link choose where a link goes: the visible text is always the URL', async () => {
    const el = await rendered('[your bank](https://evil.example/login) [x](javascript:alert(1))');
    expectOnlyFormatterMarkup(el);
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).to.deep.equal([
      ['https://evil.example/login', 'https://evil.example/login'],
    ]);
    expect(el.textContent).to.equal('[your bank](https://evil.example/login) [x](javascript:alert(1))');
  });

  it('a display name with markup in a mention is text too', async () => {
    const hostile = '<img src=x onerror="window.__bmXss=30">';
    const el = await rendered('hi @u-evil', ['u-evil'], { nameOf: () => hostile, me: null });
    expect(tags(el)).to.deep.equal(['span']);
    expect(el.querySelector('span')!.textContent).to.equal(`@${hostile}`);
    expect(xss()).to.equal(undefined);
  });
});

describe('format: links', () => {
  it('links https, http and mailto with rel="noopener noreferrer nofollow ugc" and a new tab', async () => {
    const el = await rendered(
      'docs: https://example.org/a?b=1&c=2#d, old http://example.com/x and mail mailto:ann@example.org.',
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).to.deep.equal([
      'https://example.org/a?b=1&c=2#d',
      'http://example.com/x',
      'mailto:ann@example.org',
    ]);
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      'https://example.org/a?b=1&c=2#d',
      'http://example.com/x',
      'mailto:ann@example.org',
    ]);
    for (const a of links) {
      expect(a.getAttribute('rel')).to.equal('noopener noreferrer nofollow ugc');
      expect(a.getAttribute('target')).to.equal('_blank');
      expect(a.getAttribute('part')).to.equal('link');
    }
    expect(el.textContent).to.equal(
      'docs: https://example.org/a?b=1&c=2#d, old http://example.com/x and mail mailto:ann@example.org.',
    );
  });

  it('leaves sentence punctuation and unbalanced brackets outside, keeps balanced ones inside', async () => {
    const el = await rendered('(see https://en.wikipedia.org/wiki/Tree_(graph_theory)). Or https://x.org/a!');
    expect([...el.querySelectorAll('a')].map((a) => a.textContent)).to.deep.equal([
      'https://en.wikipedia.org/wiki/Tree_(graph_theory)',
      'https://x.org/a',
    ]);
  });

  it('links nothing but http, https and mailto', async () => {
    const el = await rendered(
      [
        'javascript:alert(1)',
        'JAVASCRIPT://%0aalert(1)',
        'data:text/html,hi',
        'vbscript:x',
        'file:///etc/passwd',
        'ftp://example.org',
        'https://',
        'mailto:',
        'http://javascript:alert(1)',
        'xhttps://example.org',
        'https:example.org',
      ].join(' '),
    );
    expect(el.querySelectorAll('a')).to.have.length(0);
  });

  it('safeHref accepts only http(s) with a host and mailto with an address, as the browser parses them', () => {
    expect(safeHref('https://example.org')).to.equal('https://example.org/');
    expect(safeHref('HTTP://EXAMPLE.ORG/A')).to.equal('http://example.org/A');
    expect(safeHref('mailto:a@example.org')).to.equal('mailto:a@example.org');
    for (const bad of [
      'javascript:alert(1)',
      ' javascript:alert(1)',
      '\u0000javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:,x',
      'vbscript:x',
      'https://',
      'https:/\\evil.example',
      'mailto:',
      'mailto:?subject=x',
      '//example.org',
      'example.org',
    ]) {
      expect(safeHref(bad), bad).to.equal(null);
    }
  });

  it('linkAt finds a link only where one starts', () => {
    expect(linkAt('go https://a.example/b.', 3, 23)).to.deep.equal({
      text: 'https://a.example/b',
      href: 'https://a.example/b',
    });
    expect(linkAt('go https://a.example/b.', 0, 23)).to.equal(null);
  });
});

describe('format: formatting', () => {
  it('renders bold, italic, strike, code and a fenced block', async () => {
    const el = await rendered('**b** _i_ ~~s~~ `c`\n```js\nlet a = 1;\n```\nafter');
    expect(tags(el)).to.deep.equal(['strong', 'em', 's', 'code', 'pre', 'code']);
    expect(el.querySelector('strong')!.textContent).to.equal('b');
    expect(el.querySelector('em')!.textContent).to.equal('i');
    expect(el.querySelector('s')!.textContent).to.equal('s');
    expect(el.querySelector('code[part="code"]')!.textContent).to.equal('c');
    expect(el.querySelector('pre[part="code-block"] > code')!.textContent).to.equal('let a = 1;');
    // The fence's own line breaks and its language word are gone; the text around it is not.
    expect(el.textContent).to.equal('b i s clet a = 1;after');
  });

  it('nests formatting and links inside formatting', async () => {
    const el = await rendered('**bold _both ~~all~~_** and _it **bold https://example.org**_');
    expect(el.querySelector('strong > em > s')!.textContent).to.equal('all');
    expect(el.querySelector('em > strong > a')!.textContent).to.equal('https://example.org');
    expect(el.textContent).to.equal('bold both all and it bold https://example.org');
  });

  it('keeps code spans and fences literal: no formatting, links or mentions inside', async () => {
    const el = await rendered('`**x** _y_ https://example.org @u-ann`\n```\n**z** https://example.org\n```', [
      'u-ann',
    ]);
    expect(tags(el)).to.deep.equal(['code', 'pre', 'code']);
    expect(el.querySelector('code')!.textContent).to.equal('**x** _y_ https://example.org @u-ann');
    expect(el.querySelector('pre')!.textContent).to.equal('**z** https://example.org');
  });

  const literal = [
    '**not closed',
    'not opened**',
    '_half',
    'snake_case_names stay_as_typed',
    'my_var_',
    '_a_b',
    '2 * 3 ** 4',
    'a ** b ** c',
    '_ spaced _',
    '~~ spaced ~~',
    '~single~ *single*',
    'a lone ` backtick',
    '``',
    '````',
    '```\nnever closed',
    'me@example.org',
  ];
  for (const text of literal) {
    it(`leaves ${JSON.stringify(text)} literal`, async () => {
      const el = await rendered(text);
      expect(tags(el)).to.deep.equal([]);
      expect(el.textContent).to.equal(text);
    });
  }

  it('pairs crossed markers with the first closer and leaves the rest literal', async () => {
    const el = await rendered('**a _b** c_');
    expect(tags(el)).to.deep.equal(['strong']);
    expect(el.querySelector('strong')!.textContent).to.equal('a _b');
    expect(el.textContent).to.equal('a _b c_');
  });

  it('closes a code span with a run of as many backticks as opened it', async () => {
    const el = await rendered('``a ` b`` and ```mid-line```');
    expect([...el.querySelectorAll('code')].map((c) => c.textContent)).to.deep.equal(['a ` b', 'mid-line']);
    expect(tags(el)).to.deep.equal(['code', 'code']);
  });

  it('accepts a fence on one line', async () => {
    const el = await rendered('```a **b** c```');
    expect(tags(el)).to.deep.equal(['pre', 'code']);
    expect(el.textContent).to.equal('a **b** c');
  });

  it('keeps line breaks as typed', () => {
    expect(parseMessage('one\ntwo\n\nthree')).to.deep.equal([{ type: 'text', text: 'one\ntwo\n\nthree' }]);
    expect(parseMessage('**one\ntwo**')).to.deep.equal([
      { type: 'strong', children: [{ type: 'text', text: 'one\ntwo' }] },
    ]);
  });

  // 90,000 characters of unclosed markers each: a parser that backtracks would not finish within the test's
  // timeout. How fast it is belongs in a benchmark, not in an assertion here.
  it('parses long hostile input of unclosed markers as the plain text it is', () => {
    const inputs = ['_a '.repeat(30000), '**a '.repeat(30000), '~~a '.repeat(30000), '@x '.repeat(30000)];
    const mentions = new Map([['x-never-matches-this-long-id', 'u']]);
    for (const text of inputs) {
      expect(parseMessage(text, mentions)).to.deep.equal([{ type: 'text', text }]);
    }
  });
});

describe('format: mentions', () => {
  it('shows a mention by id or by name as @Display Name, and marks the reader', async () => {
    const el = await rendered('hi @u-ann and @Bob, see you', ['u-ann', 'u-bob']);
    const mentions = [...el.querySelectorAll('span')];
    expect(mentions.map((m) => [m.getAttribute('part'), m.textContent])).to.deep.equal([
      ['mention', '@Ann Lee'],
      ['mention mention-self', '@Bob'],
    ]);
    expect(el.textContent).to.equal('hi @Ann Lee and @Bob, see you');
  });

  it('highlights only users the message lists, and only at word edges', async () => {
    const el = await rendered('@u-ann @u-bob mail u-ann@u-bob.org @u-bobby @Bobby', ['u-bob']);
    expect([...el.querySelectorAll('[part~="mention"]')].map((m) => m.textContent)).to.deep.equal(['@Bob']);
    expect(el.textContent).to.equal('@u-ann @Bob mail u-ann@u-bob.org @u-bobby @Bobby');
  });

  it('reads a message again when the names it could mention change', async () => {
    const before = await rendered('hi @Ann', ['u-ann'], { nameOf: () => 'Ann', me: null });
    expect(before.querySelectorAll('[part~="mention"]')).to.have.length(1);
    const renamed = await rendered('hi @Ann', ['u-ann'], { nameOf: () => 'Annie', me: null });
    expect(renamed.querySelectorAll('[part~="mention"]')).to.have.length(0);
    expect(renamed.textContent).to.equal('hi @Ann');
  });

  it('finds a mention inside formatting', async () => {
    const el = await rendered('**ask @u-ann**', ['u-ann']);
    expect(el.querySelector('strong > [part="mention"]')!.textContent).to.equal('@Ann Lee');
  });
});
