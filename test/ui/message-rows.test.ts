import { expect } from '@open-wc/testing';
import { messageRows, type MessageRow } from '../../src/components/secure-chat/message-rows.js';
import {
  calendarDaysBetween,
  dayLabel,
  fileSizeLabel,
  localDateKey,
  timeLabel,
} from '../../src/i18n/intl.js';
import { de } from '../../src/i18n/de.js';
import { en } from '../../src/i18n/strings.js';
import type { MessageView } from '../../src/state/timeline.js';
import { completeEnglish } from '../../src/i18n/en-more.js';

// The whole English table, as the lazily loaded parts complete it (en-more.ts).
completeEnglish();

function message(clientId: string, senderId: string, createdAt: Date | string): MessageView {
  return {
    threadId: 't',
    clientId,
    senderId,
    seq: null,
    createdAt: typeof createdAt === 'string' ? createdAt : createdAt.toISOString(),
    status: 'sent',
    kind: 'text',
    text: clientId,
    mentions: [],
    replyTo: null,
    attachment: null,
    edited: false,
    deleted: false,
    reactions: [],
    failure: null,
  };
}

/** The rows in short: `day YYYY-MM-DD`, `id` for a message with a sender line, `+id` for a grouped one. */
function shape(rows: MessageRow[]): string[] {
  return rows.map((row) =>
    row.kind === 'day'
      ? `day ${localDateKey(row.day)}`
      : `${row.continued ? '+' : ''}${row.message.clientId}`,
  );
}

const at = (day: number, hours: number, minutes: number, seconds = 0) =>
  new Date(2024, 4, day, hours, minutes, seconds);

describe('message rows: days and groups', () => {
  it('puts a day separator before the first message and wherever the local day changes', () => {
    const rows = messageRows([
      message('a', 'ann', at(6, 9, 0)),
      message('b', 'bob', at(6, 17, 0)),
      message('c', 'bob', at(7, 8, 0)),
      message('d', 'ann', at(9, 8, 0)),
    ]);
    expect(shape(rows)).to.deep.equal([
      'day 2024-05-06',
      'a',
      'b',
      'day 2024-05-07',
      'c',
      'day 2024-05-09',
      'd',
    ]);
  });

  it('groups one sender within five minutes of their previous message, and no longer', () => {
    const rows = messageRows([
      message('a', 'ann', at(6, 9, 0)),
      message('b', 'ann', at(6, 9, 4, 59)),
      message('c', 'ann', at(6, 9, 9, 59)),
      message('d', 'ann', at(6, 9, 15, 0)),
      message('e', 'bob', at(6, 9, 15, 30)),
      message('f', 'ann', at(6, 9, 16, 0)),
    ]);
    // c is exactly five minutes after b; d is 5:01 after c; e is another sender; f follows e, not d.
    expect(shape(rows)).to.deep.equal(['day 2024-05-06', 'a', '+b', '+c', 'd', 'e', 'f']);
  });

  it('starts a new group at midnight even within five minutes', () => {
    const rows = messageRows([message('a', 'ann', at(6, 23, 58)), message('b', 'ann', at(7, 0, 1))]);
    expect(shape(rows)).to.deep.equal(['day 2024-05-06', 'a', 'day 2024-05-07', 'b']);
  });

  it('does not group a message that is older than the one before it', () => {
    const rows = messageRows([message('a', 'ann', at(6, 9, 5)), message('b', 'ann', at(6, 9, 1))]);
    expect(shape(rows)).to.deep.equal(['day 2024-05-06', 'a', 'b']);
  });

  it('keeps day keys unique when clocks disagree and a day comes round twice', () => {
    const rows = messageRows([
      message('a', 'ann', at(6, 9, 0)),
      message('b', 'bob', at(7, 9, 0)),
      message('c', 'ann', at(6, 9, 30)),
    ]);
    expect(shape(rows)).to.deep.equal(['day 2024-05-06', 'a', 'day 2024-05-07', 'b', 'day 2024-05-06', 'c']);
    const keys = rows.map((row) => (row.kind === 'day' ? row.key : row.message.clientId));
    expect(new Set(keys).size).to.equal(keys.length);
  });

  it('survives a server time that does not parse: no time, no separator, no group', () => {
    const rows = messageRows([message('a', 'ann', at(6, 9, 0)), message('b', 'ann', 'not a date')]);
    expect(shape(rows)).to.deep.equal(['day 2024-05-06', 'a', 'b']);
    expect((rows[2] as Extract<MessageRow, { kind: 'message' }>).time).to.equal(null);
  });
});

describe('Intl labels', () => {
  const now = new Date(2024, 4, 9, 10, 0);

  it('says Today and Yesterday from the strings table, and a date before that', () => {
    expect(dayLabel(new Date(2024, 4, 9), now, 'en', en)).to.equal('Today');
    expect(dayLabel(new Date(2024, 4, 8), now, 'de', de)).to.equal('Gestern');
    expect(dayLabel(new Date(2024, 4, 6), now, 'en', en)).to.equal('Monday, May 6');
    expect(dayLabel(new Date(2024, 4, 6), now, 'de', de)).to.equal('Montag, 6. Mai');
    expect(dayLabel(new Date(2023, 11, 24), now, 'de', de)).to.equal('24. Dezember 2023');
  });

  it('formats times and sizes in the language, and survives a malformed lang', () => {
    expect(timeLabel(new Date(2024, 4, 9, 14, 5), 'de')).to.equal('14:05');
    expect(timeLabel(new Date(2024, 4, 9, 14, 5), 'en')).to.match(/^2:05\sPM$/u);
    expect(timeLabel(new Date(2024, 4, 9, 14, 5), 'not a tag!')).to.match(/^2:05\sPM$/u);
    expect(fileSizeLabel(1_234_567, 'de')).to.equal('1,2 MB');
    expect(fileSizeLabel(512, 'en')).to.equal('512 bytes');
  });

  it('counts calendar days, not 24-hour spans', () => {
    expect(calendarDaysBetween(new Date(2024, 4, 8, 23, 59), new Date(2024, 4, 9, 0, 1))).to.equal(1);
    // Across the spring and autumn clock changes in Europe and North America.
    expect(calendarDaysBetween(new Date(2024, 2, 30, 12), new Date(2024, 2, 31, 12))).to.equal(1);
    expect(calendarDaysBetween(new Date(2024, 9, 26, 12), new Date(2024, 10, 4, 12))).to.equal(9);
  });
});
