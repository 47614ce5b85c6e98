import { expect } from '@open-wc/testing';
import type { Thread } from '../../src/adapter/types.js';
import { createChatState } from '../../src/state/chat-state.js';

function thread(id: string, lastActivityAt: string, unreadCount: number): Thread {
  return {
    id,
    title: id,
    participants: [],
    encrypted: false,
    encryptedAt: null,
    createdBy: 'alice',
    createdAt: lastActivityAt,
    lastActivityAt,
    lastSeq: 0,
    unreadCount,
  };
}

describe('createChatState', () => {
  it('lists threads by last activity and adds up unread counts', () => {
    const state = createChatState();
    state.putThread(thread('old', '2026-01-01T00:00:00Z', 2));
    state.putThread(thread('new', '2026-02-01T00:00:00Z', 3));
    expect(state.$threadList.get().map((t) => t.id)).to.deep.equal(['new', 'old']);
    expect(state.$totalUnread.get()).to.equal(5);
  });

  it('keeps two instances apart (two users on one page)', () => {
    const a = createChatState();
    const b = createChatState();
    a.putThread(thread('secret', '2026-01-01T00:00:00Z', 1));
    expect(b.$threads.get()).to.deep.equal({});
  });

  it('replaces a pending send by its stored copy, by client id', () => {
    const state = createChatState();
    state.$openThreadId.set('t1');
    const base = { threadId: 't1', clientId: 'c1', senderId: 'alice', createdAt: '2026-01-01T00:00:00Z' };
    state.putEvents('t1', [{ ...base, seq: null, status: 'pending', content: { type: 'text', text: 'hi' } }]);
    state.putEvents('t1', [{ ...base, seq: 7, status: 'sent', content: { type: 'text', text: 'hi' } }]);
    const messages = state.$openThreadMessages.get();
    expect(messages).to.have.length(1);
    expect(messages[0]!.status).to.equal('sent');
    expect(messages[0]!.seq).to.equal(7);
  });

  it('closes the open thread when it is removed', () => {
    const state = createChatState();
    state.putThread(thread('t1', '2026-01-01T00:00:00Z', 0));
    state.$openThreadId.set('t1');
    state.removeThread('t1');
    expect(state.$openThreadId.get()).to.equal(null);
  });
});
