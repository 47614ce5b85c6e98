import type { MessageView } from '../../state/timeline.js';
import { calendarDaysBetween, startOfDay } from '../../i18n/intl.js';

/** Consecutive messages of one sender this close together share one sender line. */
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

export type MessageRow =
  /** `key` is unique in the list even when clocks disagree and a day comes round twice. */
  | { kind: 'day'; day: Date; key: string }
  | {
      kind: 'message';
      message: MessageView;
      /** Null when the server sent a time that does not parse. */
      time: Date | null;
      /** Follows a message of the same sender within the group window: no sender line of its own. */
      continued: boolean;
    };

function timeOf(message: MessageView): Date | null {
  const time = new Date(message.createdAt);
  return Number.isNaN(time.getTime()) ? null : time;
}

/**
 * What one message contributed, with what it depended on: the message before it and the day being shown. When
 * both are the same next time, its rows are reused as they were (same objects), so an older page of history
 * computes only its own rows and the row after it, not every row again.
 */
interface Contribution {
  previous: MessageView | null;
  dayMs: number | null;
  rows: MessageRow[];
  day: Date | null;
}
const contributions = new WeakMap<MessageView, Contribution>();

/** The message list as rows: a day row wherever the local day changes, and each message marked as grouped or not. */
export function messageRows(messages: readonly MessageView[]): MessageRow[] {
  const rows: MessageRow[] = [];
  let previous: MessageView | null = null;
  let previousTime: Date | null = null;
  let currentDay = null as Date | null;
  for (const message of messages) {
    const dayMs: number | null = currentDay?.getTime() ?? null;
    let made = contributions.get(message);
    if (!made || made.previous !== previous || made.dayMs !== dayMs) {
      const mine: MessageRow[] = [];
      const time = timeOf(message);
      let day: Date | null = currentDay;
      const newDay = time !== null && (day === null || calendarDaysBetween(day, time) !== 0);
      if (newDay) {
        day = startOfDay(time);
        mine.push({ kind: 'day', day, key: `d:${message.clientId}` });
      }
      const gap = time && previousTime ? time.getTime() - previousTime.getTime() : null;
      const continued =
        !newDay &&
        previous?.senderId === message.senderId &&
        gap !== null &&
        gap >= 0 &&
        gap <= GROUP_WINDOW_MS;
      mine.push({ kind: 'message', message, time, continued });
      made = { previous, dayMs, rows: mine, day };
      contributions.set(message, made);
    }
    for (const row of made.rows) rows.push(row);
    currentDay = made.day;
    previous = message;
    previousTime = (made.rows.at(-1) as Extract<MessageRow, { kind: 'message' }>).time;
  }
  return rows;
}
