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
  /** Linked devices (devices-dialog.ts). */
  devicesOpen: string;
  deviceThis: string;
  deviceLabel: string;
  devicesOwnerNote: string;
  devicesLinkedNote: string;
  devicesNone: string;
  devicesRevokedNote: string;
  linkThisBrowser: string;
  linkWaiting: string;
  linkRequests: string;
  linkRequestShow: string;
  linkRequestLabel: string;
  linkCodeLabel: string;
  linkCompare: string;
  linkMatch: string;
  linkDiffer: string;
  linkApproving: string;
  linkDone: string;
  linkApproved: string;
  linkCancelled: string;
  revokeAction: string;
  revokeLabel: string;
  revokeTitle: string;
  revokeBody: string;
  revokeConfirm: string;
  revokeDone: string;
  close: string;
  /** Recovery passphrase and a fresh browser's setup (recovery.ts, recovery-dialog.ts). */
  recoveryButton: string;
  recoveryOffer: string;
  recoverySetUp: string;
  notNow: string;
  recoveryExplain: string;
  recoveryNoIdentity: string;
  passphrase: string;
  passphraseRepeat: string;
  passphraseCurrent: string;
  passphraseNew: string;
  passphraseMismatch: string;
  strength: string;
  strength0: string;
  strength1: string;
  strength2: string;
  strength3: string;
  strength4: string;
  strengthLow: string;
  hintTooShort: string;
  hintCommon: string;
  hintRepeated: string;
  hintSequence: string;
  hintDate: string;
  hintAddWords: string;
  recoveryEnable: string;
  recoveryIsOn: string;
  recoveryIsOff: string;
  changePassphrase: string;
  recoveryTurnOff: string;
  recoveryTurnOffBody: string;
  setupNeeded: string;
  setupLink: string;
  setupRestore: string;
  setupFresh: string;
  setupFreshBody: string;
  restoreAction: string;
  setupNeededRow: string;
  wrongPassphrase: string;
  noBackup: string;
  recoveryFailed: string;
  recoveryWorking: string;
  recoveryDone: string;
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
  devicesOpen: 'Your devices',
  deviceThis: 'This browser',
  deviceLabel: 'Device {id}',
  devicesOwnerNote:
    'This browser holds your identity key: it links new browsers and removes devices. To add a browser, open this chat there and choose Your devices, then Link this browser; its request appears here.',
  devicesLinkedNote: 'This browser was linked from another device. Link or remove devices there.',
  devicesNone:
    'This browser has no keys yet. If you use encrypted chat on another device, link this browser to it. Messages sent before cannot be read here.',
  devicesRevokedNote: 'This browser was removed from your devices. It cannot read new messages.',
  linkThisBrowser: 'Link this browser',
  linkWaiting: 'Now open “Your devices” on your other device and choose Compare codes.',
  linkRequests: 'Browsers asking to be linked',
  linkRequestShow: 'Compare codes',
  linkRequestLabel: 'Compare codes with device {id}',
  linkCodeLabel: 'Link code',
  linkCompare:
    'Check that your other device shows the same code. If it differs, someone may be trying to add a device of their own: choose “The codes differ”.',
  linkMatch: 'The codes match',
  linkDiffer: 'The codes differ',
  linkApproving: 'Waiting for your other device to confirm…',
  linkDone: 'This browser is linked. New messages can be read here.',
  linkApproved: 'The new browser is linked.',
  linkCancelled: 'The link was cancelled. Nothing was added.',
  revokeAction: 'Remove',
  revokeLabel: 'Remove device {id}',
  revokeTitle: 'Remove this device?',
  revokeBody:
    'Device {id} will not be able to read anything sent from now on: every conversation it was in starts new keys with the next message. What it already received stays on it.',
  revokeConfirm: 'Remove device',
  revokeDone: 'Device removed.',
  recoveryButton: 'Recovery passphrase',
  recoveryOffer:
    'Without a recovery passphrase, a lost device means lost history: if this browser’s data is lost, no one can bring your encrypted messages back.',
  recoverySetUp: 'Set up recovery',
  notNow: 'Not now',
  recoveryExplain:
    'It lets you read your encrypted history on a new device. Use four or more random words, and keep it safe: it cannot be reset.',
  recoveryNoIdentity:
    'Your identity key predates recovery and is not in the backup: after a restore, contacts are told your key changed.',
  passphrase: 'Passphrase',
  passphraseRepeat: 'Repeat the passphrase',
  passphraseCurrent: 'Current passphrase',
  passphraseNew: 'New passphrase',
  passphraseMismatch: 'The two passphrases differ.',
  strength: 'Strength: {level}',
  strength0: 'very weak',
  strength1: 'weak',
  strength2: 'fair',
  strength3: 'good',
  strength4: 'strong',
  strengthLow: 'Not strong enough: easy to crack.',
  hintTooShort: 'Use at least 12 characters.',
  hintCommon: 'This is a common password.',
  hintRepeated: 'Avoid repeats.',
  hintSequence: 'Avoid sequences (abc, 123).',
  hintDate: 'Avoid dates and years.',
  hintAddWords: 'Add another word or two.',
  recoveryEnable: 'Turn on recovery',
  recoveryIsOn: 'Recovery is on.',
  recoveryIsOff: 'Recovery is off.',
  changePassphrase: 'Change passphrase',
  recoveryTurnOff: 'Turn off recovery',
  recoveryTurnOffBody:
    'The backup is deleted from the server. If you then lose this device, your encrypted history is lost.',
  setupNeeded: 'This browser has no keys for your account yet, so encrypted messages cannot be read here.',
  setupLink: 'Link from your other device',
  setupRestore: 'Restore with your recovery passphrase',
  setupFresh: 'Start fresh on this browser',
  setupFreshBody:
    'New keys for this browser: contacts are told your key changed, older encrypted messages stay unreadable here, and the backup of your old keys is deleted.',
  restoreAction: 'Restore',
  setupNeededRow: 'No keys for your account here yet: restore or start fresh.',
  wrongPassphrase: 'That passphrase does not open your backup.',
  noBackup: 'There is no recovery backup for your account.',
  recoveryFailed: 'That did not work ({reason}).',
  recoveryWorking: 'Working…',
  recoveryDone: 'Done.',
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
