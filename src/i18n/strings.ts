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
  /** The setup notice when a restore an earlier page began did not finish, and its one button. */
  setupUnfinished: string;
  setupFinishRestore: string;
  restoreAction: string;
  setupNeededRow: string;
  wrongPassphrase: string;
  noBackup: string;
  recoveryFailed: string;
  recoveryWorking: string;
  recoveryDone: string;
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

/**
 * English, as the embed entry carries it: the text of what shows without a click (the list, the banner, the
 * buttons that open the rest). The text of the lazily loaded parts (the open thread, dialogs, menus) is in
 * en-more.ts, which each of those parts imports and which completes this table before the part renders, so
 * the entry stays small. German and Arabic are whole tables of their own (de.ts, ar.ts).
 */
export const en: Strings = {
  chatLabel: 'Secure chat',
  emptyTitle: 'No conversations yet',
  emptyBody: 'Messages in encrypted conversations are readable only by the people in them.',
  threadsLabel: 'Conversations',
  encryptedThread: 'End-to-end encrypted',
  plainThread: 'Not encrypted',
  unread: 'unread',
  send: 'Send',
  back: 'Back to conversations',
  pending: 'Sending…',
  failed: 'Not sent',
  undecryptable: 'This message could not be decrypted',
  loading: 'Connecting…',
  encryptTitle: 'Turn on end-to-end encryption?',
  encryptBody:
    'From now on, messages in this conversation can be read only on the devices of the people in it. The server will not be able to search them, notifications will only say that a new encrypted message arrived, and bots cannot take part. This cannot be undone.',
  encryptConfirm: 'Turn on encryption',
  cancel: 'Cancel',
  dismiss: 'Dismiss',
  today: 'Today',
  yesterday: 'Yesterday',
  attachment: 'Attachment',
  reply: 'Reply',
  edit: 'Edit',
  delete: 'Delete',
  sent: 'Sent',
  read: 'Read',
  filterLabel: 'Filter conversations',
  filterEmpty: 'No conversation matches “{query}”.',
  onlyYou: 'Only you',
  connectionOffline: 'Offline — messages will be sent when you reconnect.',
  connectionPolling: 'Live updates are unavailable; new messages are checked every few seconds.',
  dismissError: 'Dismiss',
  errorNetwork: 'Cannot reach the server. Check your connection.',
  errorUnauthorized: 'Your session has ended. Sign in again to continue.',
  errorForbidden: 'You are not allowed to do that here.',
  errorGeneric: 'Something went wrong ({reason}).',
  participantsOpen: 'People and verification',
  verified: 'Verified',
  verifyAction: 'Verify',
  keyChanged: '{name}’s security key changed.',
  keyChangedBlocked:
    '{name}’s security key changed. Sending here is paused until you compare the new safety number or accept the new key.',
  devicesChanged: '{name}’s devices changed.',
  untrustedDevice:
    'The server offered a device for {name} that {name}’s key did not sign. It is ignored and gets no messages.',
  devicesOpen: 'Your devices',
  setupNeeded: 'This browser has no keys for your account yet, so encrypted messages cannot be read here.',
  peopleOpen: 'People',
  waitingForKeys:
    'Waiting for {name} to set up encryption. Messages sent before then stay unreadable for {name}.',
} as Strings;

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
