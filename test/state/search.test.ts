import { expect } from '@open-wc/testing';
import type { Thread } from '../../src/adapter/types.js';
import { filterThreads, findMatch, searchMessages } from '../../src/state/search.js';
import type { MessageView } from '../../src/state/timeline.js';

function thread(id: string, title: string, names: Record<string, string>): Thread {
  return {
    id,
    title,
    participants: Object.entries(names).map(([userId, displayName]) => ({
      userId,
      displayName,
      joinedAt: '2026-01-01T00:00:00Z',
      readUpTo: 0,
    })),
    encrypted: true,
    encryptedAt: null,
    createdBy: 'me',
    createdAt: '2026-01-01T00:00:00Z',
    lastActivityAt: '2026-01-01T00:00:00Z',
    lastSeq: 0,
    unreadCount: 0,
  };
}

function message(clientId: string, text: string, extra: Partial<MessageView> = {}): MessageView {
  return {
    threadId: 't1',
    clientId,
    senderId: 'dana',
    seq: 1,
    createdAt: '2026-01-01T00:00:00Z',
    status: 'sent',
    kind: 'text',
    text,
    mentions: [],
    replyTo: null,
    attachment: null,
    edited: false,
    deleted: false,
    reactions: [],
    failure: null,
    ...extra,
  };
}

describe('local search', () => {
  it('finds a match regardless of case and diacritics, with the original text’s indices', () => {
    const text = 'Termin bei Frau MÜLLER am Montag';
    const range = findMatch(text, 'muller')!;
    expect(text.slice(...range)).to.equal('MÜLLER');
    const decomposed = 'Cafe\u0301 au lait';
    expect(decomposed.slice(...findMatch(decomposed, 'CAFÉ')!)).to.equal('Cafe\u0301');
    expect(findMatch('ΟΔΟΣ', 'οδοσ')).to.deep.equal([0, 4]);
    expect(findMatch('anything', '   ')).to.equal(null);
    expect(findMatch('abc', 'abd')).to.equal(null);
  });

  it('filters threads by title and by the other participants’ names, not the reader’s', () => {
    const threads = [
      thread('a', 'Matter 42', { me: 'Alice', dana: 'Dana Šćepanović' }),
      thread('b', 'Lunch', { me: 'Alice', chris: 'Chris' }),
    ];
    expect(filterThreads(threads, 'matter', 'me').map((t) => t.id)).to.deep.equal(['a']);
    expect(filterThreads(threads, 'scep', 'me').map((t) => t.id)).to.deep.equal(['a']);
    expect(filterThreads(threads, 'alice', 'me')).to.deep.equal([]);
    expect(filterThreads(threads, '', 'me').map((t) => t.id)).to.deep.equal(['a', 'b']);
  });

  it('returns hits newest first, cut around the match, skipping deleted and undecryptable messages', () => {
    const long = `${'x'.repeat(100)} the settlement offer ${'y'.repeat(100)}`;
    const hits = searchMessages(
      [
        message('m1', 'first settlement'),
        message('m2', long),
        message('m3', '', { deleted: true }),
        message('m4', '', { kind: 'undecryptable', failure: { reason: 'x', expected: false } }),
        message('m5', '', {
          kind: 'attachment',
          attachment: { type: 'attachment', blobId: 'b', name: 'Settlement.pdf', mime: 'x', size: 1 },
        }),
      ],
      'SETTLEMENT',
      { context: 10 },
    );
    expect(hits.map((h) => [h.message.clientId, h.field])).to.deep.equal([
      ['m5', 'file-name'],
      ['m2', 'text'],
      ['m1', 'text'],
    ]);
    expect(hits[1]).to.include({ before: '…xxxxx the ', match: 'settlement', after: ' offer yyy…' });
    expect(hits[2]).to.include({ before: 'first ', match: 'settlement', after: '' });
    expect(searchMessages([message('m1', 'a'), message('m2', 'a')], 'a', { limit: 1 })).to.have.length(1);
  });
});
