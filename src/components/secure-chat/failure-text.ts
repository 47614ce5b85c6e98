import type { Strings } from '../../i18n/strings.js';

/**
 * What a row says for an event that has no readable content: an expected failure (sent before the reader joined
 * or before this device existed), a gap in a sender's sequence (a message the server did not deliver), or a
 * refusal of the crypto layer with its reason code.
 */
export function failureText(t: Strings, reason: string): string {
  switch (reason) {
    case 'before-join':
      return t.beforeJoin;
    case 'device-added-later':
      return t.deviceAddedLater;
    case 'setup-needed':
      return t.setupNeededRow;
    case 'message-missing':
      return t.messageMissing;
    case 'wrong-thread':
      return t.wrongThread;
    default:
      return `${t.undecryptable} (${reason}).`;
  }
}
