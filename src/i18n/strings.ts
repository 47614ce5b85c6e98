/** Every user-visible string, by key. The `strings` property of the element overrides any of them. */
export interface Strings {
  chatLabel: string;
  emptyTitle: string;
  emptyBody: string;
  threadsLabel: string;
  encryptedThread: string;
  plainThread: string;
  unread: string;
  messagesLabel: string;
  composerLabel: string;
  send: string;
  back: string;
  you: string;
  pending: string;
  failed: string;
  retry: string;
  edited: string;
  deleted: string;
  beforeJoin: string;
  deviceAddedLater: string;
  undecryptable: string;
  /** A gap in a sender's sequence numbers: the server did not deliver a message (or not yet). */
  messageMissing: string;
  /** An envelope delivered in another thread than it was written in. */
  wrongThread: string;
  loading: string;
  encryptAction: string;
  encryptTitle: string;
  encryptBody: string;
  encryptConfirm: string;
  cancel: string;
  attachFiles: string;
  download: string;
  transfersLabel: string;
  uploading: string;
  downloading: string;
  dismiss: string;
  /** `{limit}` is the site's largest upload, as a size ("25 MB"). */
  fileTooLarge: string;
  imageUnchecked: string;
  fileTampered: string;
  transferFailed: string;
  today: string;
  yesterday: string;
  attachment: string;
  messageActions: string;
  reply: string;
  react: string;
  edit: string;
  delete: string;
  deleteTitle: string;
  deleteBody: string;
  inReplyTo: string;
  originalUnavailable: string;
  replyingTo: string;
  editing: string;
  cancelReply: string;
  cancelEdit: string;
  reactions: string;
  reactionLabel: string;
  sent: string;
  read: string;
  discard: string;
  loadOlder: string;
  mentionSuggestions: string;
  filterLabel: string;
  filterEmpty: string;
  onlyYou: string;
  typingOne: string;
  typingTwo: string;
  typingMany: string;
  connectionOffline: string;
  connectionPolling: string;
  dismissError: string;
  errorNetwork: string;
  errorUnauthorized: string;
  errorForbidden: string;
  errorGeneric: string;
  searchOpen: string;
  searchLabel: string;
  searchClose: string;
  searchNoteEncrypted: string;
  searchNotePlain: string;
  searchNone: string;
  searchCount: string;
  exportOpen: string;
  exportBody: string;
  exportJson: string;
  exportHtml: string;
  exportParticipants: string;
  exportedOn: string;
  /** The header button of an encrypted conversation: its people, their verification and safety numbers. */
  participantsOpen: string;
  verified: string;
  notVerified: string;
  verifyAction: string;
  /** `{name}`: a contact whose identity key changed (a notice in every shared conversation). */
  keyChanged: string;
  keyChangedBlocked: string;
  devicesChanged: string;
  /** `{name}`: a device the server listed that the contact’s identity key did not sign. */
  untrustedDevice: string;
  verifyTitle: string;
  verifyBody: string;
  safetyNumber: string;
  safetyQr: string;
  markVerified: string;
  clearVerified: string;
  acceptKey: string;
  noKeysYet: string;
  /** In the verification dialog: back from one contact to everyone in the conversation. */
  peopleBack: string;
  close: string;
  /** The header button of a plain conversation (and its dialog's title): its people. */
  peopleOpen: string;
  /** `{name}`: a participant who has published no device yet (pending); shown above the composer. */
  waitingForKeys: string;
  /** In the people dialog, next to a pending participant. */
  awaitingSetup: string;
  addPeople: string;
  addPeopleTitle: string;
  addPeopleNote: string;
  addSelected: string;
  noContactsToAdd: string;
  removeAction: string;
  removeLabel: string;
  removeTitle: string;
  /** The confirmation before removing someone from an encrypted conversation. */
  removeBodyEncrypted: string;
  removeBodyPlain: string;
  removeConfirm: string;
}

export const en: Strings = {
  chatLabel: 'Secure chat',
  emptyTitle: 'No conversations yet',
  emptyBody: 'Messages in encrypted conversations are readable only by the people in them.',
  threadsLabel: 'Conversations',
  encryptedThread: 'End-to-end encrypted',
  plainThread: 'Not encrypted',
  unread: 'unread',
  messagesLabel: 'Messages',
  composerLabel: 'Write a message',
  send: 'Send',
  back: 'Back to conversations',
  you: 'You',
  pending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  edited: 'edited',
  deleted: 'This message was deleted.',
  beforeJoin: 'This message was sent before you joined and is not available to you.',
  deviceAddedLater: 'This message was sent before this device was set up and is not available on it.',
  undecryptable: 'This message could not be decrypted',
  messageMissing: 'A message may be missing here.',
  wrongThread: 'This message could not be decrypted: it was written in another conversation (wrong-thread).',
  loading: 'Connecting…',
  encryptAction: 'Turn on end-to-end encryption',
  encryptTitle: 'Turn on end-to-end encryption?',
  encryptBody:
    'From now on, messages in this conversation can be read only on the devices of the people in it. The server will not be able to search them, notifications will only say that a new encrypted message arrived, and bots cannot take part. This cannot be undone.',
  encryptConfirm: 'Turn on encryption',
  cancel: 'Cancel',
  attachFiles: 'Attach files',
  download: 'Download',
  transfersLabel: 'File transfers',
  uploading: 'Uploading',
  downloading: 'Downloading',
  dismiss: 'Dismiss',
  fileTooLarge: 'Too large to send: this site accepts files up to {limit}.',
  imageUnchecked:
    'This image could not be checked for hidden data such as where it was taken, so it was not sent.',
  fileTampered: 'This file was changed after it was sent, so it was not opened.',
  transferFailed: 'The transfer failed.',
  today: 'Today',
  yesterday: 'Yesterday',
  attachment: 'Attachment',
  messageActions: 'Message actions',
  reply: 'Reply',
  react: 'React',
  edit: 'Edit',
  delete: 'Delete',
  deleteTitle: 'Delete this message?',
  deleteBody:
    'Everyone in this conversation will see “This message was deleted.” in its place. This cannot be undone.',
  inReplyTo: 'In reply to',
  originalUnavailable: 'Original message not available',
  replyingTo: 'Replying to {name}',
  editing: 'Editing your message',
  cancelReply: 'Cancel reply',
  cancelEdit: 'Cancel editing',
  reactions: 'Reactions',
  reactionLabel: '{emoji} {count}, from {names}',
  sent: 'Sent',
  read: 'Read',
  discard: 'Discard',
  loadOlder: 'Load older messages',
  mentionSuggestions: 'People to mention',
  filterLabel: 'Filter conversations',
  filterEmpty: 'No conversation matches “{query}”.',
  onlyYou: 'Only you',
  typingOne: '{name} is typing…',
  typingTwo: '{first} and {second} are typing…',
  typingMany: 'Several people are typing…',
  connectionOffline: 'Offline — messages will be sent when you reconnect.',
  connectionPolling: 'Live updates are unavailable; new messages are checked every few seconds.',
  dismissError: 'Dismiss',
  errorNetwork: 'Cannot reach the server. Check your connection.',
  errorUnauthorized: 'Your session has ended. Sign in again to continue.',
  errorForbidden: 'You are not allowed to do that here.',
  errorGeneric: 'Something went wrong ({reason}).',
  searchOpen: 'Search this conversation',
  searchLabel: 'Search messages',
  searchClose: 'Close search',
  searchNoteEncrypted:
    'Searches only messages decrypted on this device; the server cannot search encrypted conversations.',
  searchNotePlain: 'Searches only messages loaded on this device.',
  searchNone: 'No messages match.',
  searchCount: 'Results: {count}',
  exportOpen: 'Export conversation',
  exportBody:
    'The file holds this conversation’s messages unencrypted: anyone who gets it can read them. Attachments are listed by name and size only.',
  exportJson: 'Download as JSON',
  exportHtml: 'Download as HTML',
  exportParticipants: 'Participants',
  exportedOn: 'Exported on {date}',
  participantsOpen: 'People and verification',
  verified: 'Verified',
  notVerified: 'Not verified',
  verifyAction: 'Verify',
  keyChanged: '{name}’s security key changed.',
  keyChangedBlocked:
    '{name}’s security key changed. Sending here is paused until you compare the new safety number or accept the new key.',
  devicesChanged: '{name}’s devices changed.',
  untrustedDevice:
    'The server offered a device for {name} that {name}’s key did not sign. It is ignored and gets no messages.',
  verifyTitle: 'Verify {name}',
  verifyBody:
    'Compare these numbers with {name} in person or on a call, or scan the code on their screen. If they match, no one has swapped the keys between you.',
  safetyNumber: 'Safety number',
  safetyQr: 'QR code of the safety number',
  markVerified: 'Mark as verified',
  clearVerified: 'Clear verification',
  acceptKey: 'Accept the new key without verifying',
  noKeysYet: '{name} has not set up encryption yet.',
  close: 'Close',
  peopleBack: 'All people',
  peopleOpen: 'People',
  waitingForKeys:
    'Waiting for {name} to set up encryption. Messages sent before then stay unreadable for {name}.',
  awaitingSetup: 'Encryption not set up yet',
  addPeople: 'Add people',
  addPeopleTitle: 'Add people to this conversation',
  addPeopleNote: 'People you add can read what is sent from now on, not the messages before they joined.',
  addSelected: 'Add',
  noContactsToAdd: 'Everyone you can write to is already here.',
  removeAction: 'Remove',
  removeLabel: 'Remove {name}',
  removeTitle: 'Remove {name}?',
  removeBodyEncrypted:
    '{name} leaves this conversation and cannot decrypt anything sent here after this. What {name} has already read cannot be taken back.',
  removeBodyPlain: '{name} leaves this conversation and no longer sees it.',
  removeConfirm: 'Remove',
};

/**
 * The shipped languages. English is in the entry; every other table is a chunk of its own, loaded the first
 * time an element asks for it, so a page pays only for the languages it shows.
 */
const loaders: Record<string, () => Promise<Strings>> = {
  de: () => import('./de.js').then((m) => m.de),
  ar: () => import('./ar.js').then((m) => m.ar),
};
const tables = new Map<string, Strings>([['en', en]]);
const loading = new Map<string, Promise<Strings>>();

/** The shipped language a BCP 47 tag falls back to: `de-AT` to `de`, anything unknown to `en`. */
export function languageOf(lang: string | null | undefined): string {
  const tag = (lang ?? 'en').toLowerCase();
  if (tag === 'en' || tag in loaders) return tag;
  const primary = tag.split('-')[0] ?? 'en';
  return primary in loaders ? primary : 'en';
}

/**
 * The table for a BCP 47 tag if it is loaded, else English; `loadStrings` loads it. An element renders with
 * this and waits for `loadStrings` before it counts as updated (no English flash in a German page).
 */
export function stringsFor(lang: string | null | undefined): Strings {
  return tables.get(languageOf(lang)) ?? en;
}

/** Loads the table for a BCP 47 tag (once per page); resolves to English if it cannot be loaded. */
export function loadStrings(lang: string | null | undefined): Promise<Strings> {
  const language = languageOf(lang);
  const loaded = tables.get(language);
  if (loaded) return Promise.resolve(loaded);
  let pending = loading.get(language);
  if (!pending) {
    pending = loaders[language]!().then(
      (table) => (tables.set(language, table), table),
      () => en,
    );
    loading.set(language, pending);
  }
  return pending;
}

/** Languages written right to left, by primary subtag. */
export function isRtl(lang: string | null | undefined): boolean {
  const primary = (lang ?? '').toLowerCase().split('-')[0] ?? '';
  return ['ar', 'he', 'fa', 'ur'].includes(primary);
}
