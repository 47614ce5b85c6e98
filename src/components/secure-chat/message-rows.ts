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

/** The message list as rows: a day row wherever the local day changes, and each message marked as grouped or not. */
export function messageRows(messages: readonly MessageView[]): MessageRow[] {
  const rows: MessageRow[] = [];
  let previous: { senderId: string; time: Date | null } | null = null;
  let currentDay: Date | null = null;
  for (const message of messages) {
    const time = timeOf(message);
    const newDay = time !== null && (currentDay === null || calendarDaysBetween(currentDay, time) !== 0);
    if (newDay) {
      currentDay = startOfDay(time);
      rows.push({ kind: 'day', day: currentDay, key: `d:${message.clientId}` });
    }
    const gap = time && previous?.time ? time.getTime() - previous.time.getTime() : null;
    const continued =
      !newDay &&
      previous?.senderId === message.senderId &&
      gap !== null &&
      gap >= 0 &&
      gap <= GROUP_WINDOW_MS;
    rows.push({ kind: 'message', message, time, continued });
    previous = { senderId: message.senderId, time };
  }
  return rows;
}
