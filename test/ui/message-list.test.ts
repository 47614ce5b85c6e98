import { expect, fixture, html } from '@open-wc/testing';
import type { Thread } from '../../src/adapter/types.js';
import { messageList } from '../../src/components/secure-chat/message-list.js';
import { en } from '../../src/i18n/strings.js';
import type { MessageView } from '../../src/state/timeline.js';
import { completeEnglish } from '../../src/i18n/en-more.js';

// The whole English table, as the lazily loaded parts complete it (en-more.ts).
completeEnglish();

const thread: Thread = {
  id: 't1',
  title: 'T',
  encrypted: true,
  participants: [
    { userId: 'ann', displayName: 'Ann', joinedAt: '2024-05-01T00:00:00Z', readUpTo: 0 },
    { userId: 'bob', displayName: 'Bob', joinedAt: '2024-05-01T00:00:00Z', readUpTo: 0 },
  ],
  encryptedAt: '2024-05-01T00:00:00Z',
  createdBy: 'ann',
  createdAt: '2024-05-01T00:00:00Z',
  lastActivityAt: '2024-05-06T09:00:00Z',
  lastSeq: 2,
  unreadCount: 0,
};

function view(clientId: string, changes: Partial<MessageView>): MessageView {
  return {
    threadId: 't1',
    clientId,
    senderId: 'bob',
    seq: 1,
    createdAt: '2024-05-06T09:00:00Z',
    status: 'sent',
    kind: 'text',
    text: '',
    mentions: [],
    replyTo: null,
    attachment: null,
    edited: false,
    deleted: false,
    reactions: [],
    failure: null,
    ...changes,
  };
}

async function list(messages: MessageView[]): Promise<HTMLElement> {
  const model = { t: en, lang: 'en', now: new Date(2024, 4, 6, 12), me: 'ann', thread, messages };
  return fixture<HTMLElement>(html`<div>${messageList(model, { retry: () => {} })}</div>`);
}

describe('message list bodies', () => {
  it('shows why a message cannot be read, exactly, and tells expected failures from real ones', async () => {
    const el = await list([
      view('a', { kind: 'undecryptable', failure: { reason: 'before-join', expected: true } }),
      view('b', { kind: 'undecryptable', failure: { reason: 'signature-invalid', expected: false } }),
      view('c', { deleted: true }),
    ]);
    const bodies = [...el.querySelectorAll('[part~="message-body"]')];
    // Exact text: the body keeps white space as typed, so template indentation would show.
    expect(bodies.map((b) => [b.className, b.textContent])).to.deep.equal([
      ['info', en.beforeJoin],
      ['warning', `${en.undecryptable} (signature-invalid).`],
      ['info', en.deleted],
    ]);
  });

  it('marks edits and offers a retry for a message that was not sent', async () => {
    let retried = '';
    const model = {
      t: en,
      lang: 'en',
      now: new Date(2024, 4, 6, 12),
      me: 'ann',
      thread,
      messages: [
        view('e', { text: 'fixed', edited: true }),
        view('f', { senderId: 'ann', text: 'hi', status: 'failed' }),
      ],
    };
    const el = await fixture<HTMLElement>(
      html`<div>${messageList(model, { retry: (clientId) => (retried = clientId) })}</div>`,
    );
    expect([...el.querySelectorAll('.meta')].map((m) => m.textContent)).to.deep.equal([en.edited, en.failed]);
    el.querySelector<HTMLButtonElement>('[part~="message"].own button')!.click();
    expect(retried).to.equal('f');
  });
});
