import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, openFirstThread } from './helpers.js';

/**
 * Global CSS of the kind CMS themes ship (demo/hostile-cms.css has the same): resets that unset everything on
 * common elements, !important rules on buttons, fields, paragraphs and divs, huge type on the page, content-box
 * sizing for every element, selectors for [part] attributes, and inherited text styles on the body.
 */
const HOSTILE = `
  *, *::before, *::after { box-sizing: content-box !important; }
  body { font: 24px/2.2 Georgia, serif; letter-spacing: 0.2em; word-spacing: 0.5em; text-transform: uppercase;
    font-weight: 700; font-style: italic; text-align: justify; color: #7a1f1f; }
  button, input, textarea, select, ul, li, time { all: unset; }
  button { background: #d6336c !important; color: #fffb00 !important; font-size: 30px !important;
    padding: 24px 48px !important; border: 5px dashed #00c853 !important; }
  input, textarea { border: 8px double #ff6f00 !important; padding: 28px !important; font-size: 34px !important; }
  p { font-size: 28px !important; line-height: 3 !important; }
  div { padding: 12px !important; margin: 6px !important; border: 1px dotted #b08968 !important; }
  [part], [part~='send-button'], [part='message-body'] { display: none !important; visibility: hidden !important; }
  [role='region'], section { font-size: 40px !important; }
`;

/** The computed styles that make the widget look like itself, of a few of its parts. */
function snapshot(root: ShadowRoot): Record<string, string> {
  const body = getComputedStyle(root.querySelector('[part~="message-body"]')!);
  const input = getComputedStyle(root.querySelector('[part~="input"]')!);
  const send = getComputedStyle(root.querySelector('[part~="send-button"]')!);
  return {
    'message-body font-size': body.fontSize,
    'message-body font-family': body.fontFamily,
    'message-body line-height': body.lineHeight,
    'message-body letter-spacing': body.letterSpacing,
    'message-body text-transform': body.textTransform,
    'message-body font-weight': body.fontWeight,
    'message-body font-style': body.fontStyle,
    'message-body word-spacing': body.wordSpacing,
    'message-body text-align': body.textAlign,
    'message-body color': body.color,
    'message-body display': body.display,
    'input border': `${input.borderBlockStartWidth} ${input.borderBlockStartStyle} ${input.borderBlockStartColor}`,
    'input padding': `${input.paddingBlockStart} ${input.paddingInlineStart}`,
    'input font-size': input.fontSize,
    'input box-sizing': input.boxSizing,
    'send-button visibility': send.visibility,
    'send-button display': send.display,
    'send-button font-size': send.fontSize,
    'send-button background': send.backgroundColor,
  };
}

describe('<bm-secure-chat> under a hostile page stylesheet', () => {
  let style: HTMLStyleElement | null = null;
  afterEach(async () => {
    style?.remove();
    style = null;
    await cleanUpVaults();
  });

  async function chatWithMessage(): Promise<{ el: BmSecureChat; root: ShadowRoot }> {
    const hub = new MemoryHub();
    const me = uniqueUserId('reader');
    const editor = uniqueUserId('editor');
    hub.addUser({ id: me, displayName: 'Tom Reader' });
    hub.addUser({ id: editor, displayName: 'Mara Editor' });
    const thread = await hub.adapterFor(editor).createThread({
      title: 'Letters',
      participantIds: [me],
      encrypted: false,
    });
    await hub.adapterFor(editor).sendMessage(thread.id, {
      clientId: 'hello',
      body: { kind: 'plain', content: { type: 'text', text: 'Our theme shouts; this chat does not.' } },
    });
    const el = await chatWith(hub.adapterFor(me), me);
    return { el, root: await openFirstThread(el) };
  }

  it('keeps the computed styles of its message text, text field and send button', async () => {
    const { root } = await chatWithMessage();
    const before = snapshot(root);
    style = document.createElement('style');
    style.textContent = HOSTILE;
    document.head.append(style);
    expect(snapshot(root)).to.deep.equal(before);
    // The page's rules did apply to the page: the comparison is not vacuous.
    expect(getComputedStyle(document.body).textTransform).to.equal('uppercase');
  });

  it('stays accessible under it', async () => {
    style = document.createElement('style');
    style.textContent = HOSTILE;
    document.head.append(style);
    const { el } = await chatWithMessage();
    await expect(el).to.be.accessible();
  });
});
