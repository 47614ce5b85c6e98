import { expect } from '@open-wc/testing';
import { MemoryHub } from '../../src/adapter/memory.js';
import { AdapterError, type ChatAdapter, type TransferOptions } from '../../src/adapter/types.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, post, until } from './helpers.js';

const XSS_NAME = '<img src=x onerror="window.__bmXss=1">.txt';

declare global {
  interface Window {
    __bmXss?: number;
  }
}

/** A backend whose uploads stop halfway until cancelled, as on a slow network. */
function slowUploads(adapter: ChatAdapter): ChatAdapter {
  return Object.assign(Object.create(adapter) as ChatAdapter, {
    uploadBlob: (_threadId: string, data: Blob, options: TransferOptions = {}) =>
      new Promise((_resolve, reject) => {
        options.onProgress?.(Math.floor(data.size / 2), data.size);
        options.signal?.addEventListener('abort', () =>
          reject(new AdapterError('aborted', 'Upload cancelled')),
        );
      }),
  });
}

async function world(
  options: { encrypted?: boolean; maxUploadBytes?: number; wrap?: (a: ChatAdapter) => ChatAdapter } = {},
) {
  const hub = new MemoryHub(
    options.maxUploadBytes ? { capabilities: { maxUploadBytes: options.maxUploadBytes } } : {},
  );
  const alice = uniqueUserId('alice');
  const bob = uniqueUserId('bob');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: bob, displayName: 'Bob' });
  const thread = await hub
    .adapterFor(alice)
    .createThread({ title: 'Files', participantIds: [bob], encrypted: options.encrypted ?? true });
  const adapter = hub.adapterFor(alice);
  const el = await chatWith(options.wrap ? options.wrap(adapter) : adapter, alice);
  const root = el.shadowRoot!;
  root.querySelector<HTMLButtonElement>('[part~="thread-item"]')!.click();
  await until(() => !!root.querySelector('[part~="input"]'));
  await el.updateComplete;
  return { hub, alice, bob, thread, el, root };
}

function transferOf(files: File[]): DataTransfer {
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  return data;
}

/** Waits for `count` attachments, sent and echoed back, so no engine work outlives the test's vaults. */
async function attachments(el: BmSecureChat, count: number): Promise<Element[]> {
  const root = el.shadowRoot!;
  await until(() => root.querySelectorAll('[part~="attachment"]').length >= count);
  await until(() => !root.querySelector('[part~="messages"]')!.textContent!.includes('Sending…'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await el.updateComplete;
  return [...root.querySelectorAll('[part~="attachment"]')];
}

async function pngBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = document.createElement('canvas');
  canvas.width = 12;
  canvas.height = 8;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#0080ff';
  ctx.fillRect(0, 0, 12, 8);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new Uint8Array(await blob.arrayBuffer());
}

describe('<bm-secure-chat> attachments', () => {
  afterEach(cleanUpVaults);

  it('attaches files picked through the attach button and its file input, encrypted on the way', async () => {
    const { hub, el, root } = await world();
    const button = root.querySelector<HTMLButtonElement>('[part~="attach-button"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Attach files');
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.hidden).to.equal(true);
    expect(input.multiple).to.equal(true);
    let opened = 0;
    input.click = () => void opened++;
    button.click();
    expect(opened).to.equal(1);

    input.files = transferOf([
      new File(['first contract'], 'one.txt', { type: 'text/plain' }),
      new File(['second contract'], 'two.txt', { type: 'text/plain' }),
    ]).files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(input.value).to.equal('');

    const files = await attachments(el, 2);
    expect(files.map((f) => f.querySelector('.file-name')!.textContent)).to.deep.equal([
      'one.txt',
      'two.txt',
    ]);
    const stored = await Promise.all([...hub.keys.blobs.values()].map((b) => b.data.text()));
    expect(stored).to.have.length(2);
    for (const text of stored) expect(text).not.to.contain('contract');
  });

  it('attaches files dropped on the conversation', async () => {
    const { el, root } = await world();
    const log = root.querySelector('[part~="messages"]')!;
    const data = transferOf([new File(['dropped'], 'dropped.txt', { type: 'text/plain' })]);
    const over = new DragEvent('dragover', {
      dataTransfer: data,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    log.dispatchEvent(over);
    expect(over.defaultPrevented, 'dragover accepted').to.equal(true);
    const drop = new DragEvent('drop', {
      dataTransfer: data,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    log.dispatchEvent(drop);
    expect(drop.defaultPrevented, 'the browser does not open the file').to.equal(true);
    const [file] = await attachments(el, 1);
    expect(file!.querySelector('.file-name')!.textContent).to.equal('dropped.txt');
  });

  it('attaches files pasted into the text field and leaves the draft as it was', async () => {
    const { el, root } = await world();
    const input = root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    input.value = 'see the scan';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    const data = transferOf([new File(['pasted'], 'scan.txt', { type: 'text/plain' })]);
    const paste = new ClipboardEvent('paste', {
      clipboardData: data,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    // Firefox's constructor does not carry the files over; a real paste does.
    if (!paste.clipboardData?.files.length) Object.defineProperty(paste, 'clipboardData', { value: data });
    input.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    const [file] = await attachments(el, 1);
    expect(file!.querySelector('.file-name')!.textContent).to.equal('scan.txt');
    expect(input.value).to.equal('see the scan');
  });

  it('shows an upload in progress with a cancel button (accessible), and cancelling sends nothing', async () => {
    const { hub, bob, thread, el, root } = await world({ encrypted: false, wrap: slowUploads });
    // An attachment already in the thread, from Bob.
    const bobs = hub.adapterFor(bob);
    const { blobId } = await bobs.uploadBlob(thread.id, new Blob(['agenda']));
    await post(hub, bob, thread.id, {
      type: 'attachment',
      blobId,
      name: 'agenda.txt',
      mime: 'text/plain',
      size: 6,
    });
    await attachments(el, 1);
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = transferOf([new File(['x'.repeat(1000)], XSS_NAME, { type: 'text/plain' })]).files;
    input.dispatchEvent(new Event('change'));

    await until(() => !!root.querySelector('[part~="transfer"] progress'));
    await el.updateComplete;
    const row = root.querySelector('[part~="transfer"]')!;
    expect(row.querySelector('.file-name')!.textContent).to.equal(XSS_NAME);
    const progress = row.querySelector('progress')!;
    expect([progress.value, progress.max]).to.deep.equal([500, 1000]);
    expect(progress.getAttribute('aria-label')).to.equal(`Uploading ${XSS_NAME}`);
    const cancel = row.querySelector<HTMLButtonElement>('[part~="transfer-cancel"]')!;
    expect(cancel.textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Cancel ${XSS_NAME}`);
    expect(root.querySelector('img')).to.equal(null);
    expect(window.__bmXss).to.equal(undefined);
    await expect(el).to.be.accessible();

    cancel.click();
    await until(() => !root.querySelector('[part~="transfer"]'));
    expect((await bobs.listMessages(thread.id)).items).to.have.length(1);
    expect(root.querySelectorAll('[part~="attachment"]')).to.have.length(1);
  });

  it('shows a file name with an XSS payload as text in the message list', async () => {
    const { el, root } = await world();
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = transferOf([new File(['hello'], XSS_NAME, { type: 'text/plain' })]).files;
    input.dispatchEvent(new Event('change'));
    const [file] = await attachments(el, 1);
    expect(file!.querySelector('.file-name')!.textContent).to.equal(XSS_NAME);
    const download = file!.querySelector('[part~="download-button"]')!;
    expect(download.textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Download ${XSS_NAME}`);
    expect(root.querySelector('img')).to.equal(null);
    expect(window.__bmXss).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('refuses a file over the upload limit with the reason and keeps the draft', async () => {
    const { hub, el, root } = await world({ maxUploadBytes: 1000 });
    const errors: string[] = [];
    el.addEventListener('bm-error', (event) => errors.push(event.reason));
    const text = root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    text.value = 'the draft';
    text.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = transferOf([new File([new Uint8Array(2000)], 'big.bin')]).files;
    input.dispatchEvent(new Event('change'));

    await until(() => !!root.querySelector('[part~="transfer"].failed'));
    await el.updateComplete;
    const row = root.querySelector('[part~="transfer"].failed')!;
    expect(row.querySelector('[role="alert"]')!.textContent).to.equal(
      'Too large to send: this site accepts files up to 1 kB.',
    );
    expect(errors).to.deep.equal(['too-large']);
    expect(hub.keys.blobs.size).to.equal(0);
    expect(text.value).to.equal('the draft');
    await expect(el).to.be.accessible();
    row.querySelector<HTMLButtonElement>('[part~="transfer-cancel"]')!.click();
    await until(() => !root.querySelector('[part~="transfer"]'));
  });

  it('downloads an attachment decrypted in the browser through an <a download> on an object URL', async () => {
    const { el, root } = await world();
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = transferOf([
      new File(['the signed contract'], 'contract.txt', { type: 'text/plain' }),
    ]).files;
    input.dispatchEvent(new Event('change'));
    const [file] = await attachments(el, 1);

    const clicked: Array<{ href: string; download: string; text: Promise<string> }> = [];
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({
        href: this.href,
        download: this.download,
        text: fetch(this.href).then((r) => r.text()),
      });
    };
    try {
      file!.querySelector<HTMLButtonElement>('[part~="download-button"]')!.click();
      await until(() => clicked.length === 1);
    } finally {
      HTMLAnchorElement.prototype.click = realClick;
    }
    expect(clicked[0]!.download).to.equal('contract.txt');
    expect(clicked[0]!.href).to.match(/^blob:/);
    expect(await clicked[0]!.text).to.equal('the signed contract');
    expect(root.querySelector('a[download]'), 'the link is removed again').to.equal(null);
  });

  it('previews an attached image on a canvas, never through an <img>', async () => {
    const { el, root } = await world();
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    input.files = transferOf([new File([await pngBytes()], 'blue.png', { type: 'image/png' })]).files;
    input.dispatchEvent(new Event('change'));
    await attachments(el, 1);
    await until(() => root.querySelector<HTMLCanvasElement>('[part~="preview"]')?.width === 12);
    const canvas = root.querySelector<HTMLCanvasElement>('[part~="preview"]')!;
    expect([canvas.width, canvas.height]).to.deep.equal([12, 8]);
    expect(canvas.getAttribute('role')).to.equal('img');
    expect(canvas.getAttribute('aria-label')).to.equal('blue.png');
    const pixel = canvas.getContext('2d')!.getImageData(6, 4, 1, 1).data;
    expect([...pixel]).to.deep.equal([0, 128, 255, 255]);
    expect(root.querySelector('img')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});
