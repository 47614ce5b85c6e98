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
};

export const de: Strings = {
  chatLabel: 'Sicherer Chat',
  emptyTitle: 'Noch keine Unterhaltungen',
  emptyBody: 'Nachrichten in verschlüsselten Unterhaltungen können nur die Beteiligten lesen.',
  threadsLabel: 'Unterhaltungen',
  encryptedThread: 'Ende-zu-Ende-verschlüsselt',
  plainThread: 'Nicht verschlüsselt',
  unread: 'ungelesen',
  messagesLabel: 'Nachrichten',
  composerLabel: 'Nachricht schreiben',
  send: 'Senden',
  back: 'Zurück zu den Unterhaltungen',
  you: 'Sie',
  pending: 'Wird gesendet…',
  failed: 'Nicht gesendet',
  retry: 'Erneut senden',
  edited: 'bearbeitet',
  deleted: 'Diese Nachricht wurde gelöscht.',
  beforeJoin: 'Diese Nachricht wurde vor Ihrem Beitritt gesendet und ist für Sie nicht verfügbar.',
  deviceAddedLater:
    'Diese Nachricht wurde gesendet, bevor dieses Gerät eingerichtet war, und ist hier nicht verfügbar.',
  undecryptable: 'Diese Nachricht konnte nicht entschlüsselt werden',
  loading: 'Verbindung wird hergestellt…',
  encryptAction: 'Ende-zu-Ende-Verschlüsselung einschalten',
  encryptTitle: 'Ende-zu-Ende-Verschlüsselung einschalten?',
  encryptBody:
    'Ab jetzt können Nachrichten in dieser Unterhaltung nur auf den Geräten der Beteiligten gelesen werden. Der Server kann sie nicht durchsuchen, Benachrichtigungen sagen nur, dass eine neue verschlüsselte Nachricht eingegangen ist, und Bots können nicht teilnehmen. Das lässt sich nicht rückgängig machen.',
  encryptConfirm: 'Verschlüsselung einschalten',
  cancel: 'Abbrechen',
  attachFiles: 'Dateien anhängen',
  download: 'Herunterladen',
  transfersLabel: 'Dateiübertragungen',
  uploading: 'Wird hochgeladen:',
  downloading: 'Wird heruntergeladen:',
  dismiss: 'Ausblenden',
  fileTooLarge: 'Zu groß zum Senden: Diese Website nimmt Dateien bis {limit} an.',
  imageUnchecked:
    'Dieses Bild konnte nicht auf versteckte Daten wie den Aufnahmeort geprüft werden und wurde daher nicht gesendet.',
  fileTampered: 'Diese Datei wurde nach dem Senden verändert und daher nicht geöffnet.',
  transferFailed: 'Die Übertragung ist fehlgeschlagen.',
  today: 'Heute',
  yesterday: 'Gestern',
  attachment: 'Anhang',
  messageActions: 'Aktionen zur Nachricht',
  reply: 'Antworten',
  react: 'Reagieren',
  edit: 'Bearbeiten',
  delete: 'Löschen',
  deleteTitle: 'Diese Nachricht löschen?',
  deleteBody:
    'Alle in dieser Unterhaltung sehen an ihrer Stelle „Diese Nachricht wurde gelöscht.“ Das lässt sich nicht rückgängig machen.',
  inReplyTo: 'Antwort auf',
  originalUnavailable: 'Ursprüngliche Nachricht nicht verfügbar',
  replyingTo: 'Antwort an {name}',
  editing: 'Sie bearbeiten Ihre Nachricht',
  cancelReply: 'Antwort abbrechen',
  cancelEdit: 'Bearbeiten abbrechen',
  reactions: 'Reaktionen',
  reactionLabel: '{emoji} {count}, von {names}',
  sent: 'Gesendet',
  read: 'Gelesen',
  discard: 'Verwerfen',
  loadOlder: 'Ältere Nachrichten laden',
  mentionSuggestions: 'Personen zum Erwähnen',
  filterLabel: 'Unterhaltungen filtern',
  filterEmpty: 'Keine Unterhaltung passt zu „{query}“.',
  onlyYou: 'Nur Sie',
  typingOne: '{name} schreibt…',
  typingTwo: '{first} und {second} schreiben…',
  typingMany: 'Mehrere Personen schreiben…',
  connectionOffline: 'Offline – Nachrichten werden gesendet, sobald die Verbindung wieder steht.',
  connectionPolling:
    'Live-Aktualisierung nicht verfügbar; neue Nachrichten werden alle paar Sekunden abgerufen.',
  dismissError: 'Schließen',
  errorNetwork: 'Server nicht erreichbar. Prüfen Sie die Verbindung.',
  errorUnauthorized: 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.',
  errorForbidden: 'Das ist Ihnen hier nicht erlaubt.',
  errorGeneric: 'Etwas ist schiefgegangen ({reason}).',
  searchOpen: 'Diese Unterhaltung durchsuchen',
  searchLabel: 'Nachrichten durchsuchen',
  searchClose: 'Suche schließen',
  searchNoteEncrypted:
    'Durchsucht nur Nachrichten, die auf diesem Gerät entschlüsselt wurden; der Server kann verschlüsselte Unterhaltungen nicht durchsuchen.',
  searchNotePlain: 'Durchsucht nur Nachrichten, die auf diesem Gerät geladen wurden.',
  searchNone: 'Keine Nachricht passt.',
  searchCount: 'Treffer: {count}',
  exportOpen: 'Unterhaltung exportieren',
  exportBody:
    'Die Datei enthält die Nachrichten dieser Unterhaltung unverschlüsselt: Wer sie bekommt, kann sie lesen. Anhänge erscheinen nur mit Name und Größe.',
  exportJson: 'Als JSON herunterladen',
  exportHtml: 'Als HTML herunterladen',
  exportParticipants: 'Beteiligte',
  exportedOn: 'Exportiert am {date}',
};

export const ar: Strings = {
  chatLabel: 'محادثة آمنة',
  emptyTitle: 'لا توجد محادثات بعد',
  emptyBody: 'لا يمكن قراءة الرسائل في المحادثات المشفرة إلا من قبل المشاركين فيها.',
  threadsLabel: 'المحادثات',
  encryptedThread: 'مشفرة من طرف إلى طرف',
  plainThread: 'غير مشفرة',
  unread: 'غير مقروءة',
  messagesLabel: 'الرسائل',
  composerLabel: 'اكتب رسالة',
  send: 'إرسال',
  back: 'العودة إلى المحادثات',
  you: 'أنت',
  pending: 'جارٍ الإرسال…',
  failed: 'لم تُرسل',
  retry: 'إعادة المحاولة',
  edited: 'معدّلة',
  deleted: 'تم حذف هذه الرسالة.',
  beforeJoin: 'أُرسلت هذه الرسالة قبل انضمامك وهي غير متاحة لك.',
  deviceAddedLater: 'أُرسلت هذه الرسالة قبل إعداد هذا الجهاز وهي غير متاحة عليه.',
  undecryptable: 'تعذّر فك تشفير هذه الرسالة',
  loading: 'جارٍ الاتصال…',
  encryptAction: 'تفعيل التشفير من طرف إلى طرف',
  encryptTitle: 'تفعيل التشفير من طرف إلى طرف؟',
  encryptBody:
    'من الآن فصاعدًا لا يمكن قراءة الرسائل في هذه المحادثة إلا على أجهزة المشاركين فيها. لن يتمكن الخادم من البحث فيها، وستقول الإشعارات فقط إن رسالة مشفرة جديدة وصلت، ولا يمكن للروبوتات المشاركة. لا يمكن التراجع عن ذلك.',
  encryptConfirm: 'تفعيل التشفير',
  cancel: 'إلغاء',
  attachFiles: 'إرفاق ملفات',
  download: 'تنزيل',
  transfersLabel: 'نقل الملفات',
  uploading: 'جارٍ رفع',
  downloading: 'جارٍ تنزيل',
  dismiss: 'إخفاء',
  fileTooLarge: 'الملف أكبر من أن يُرسل: يقبل هذا الموقع ملفات حتى {limit}.',
  imageUnchecked: 'تعذّر فحص هذه الصورة بحثًا عن بيانات مخفية مثل مكان التقاطها، لذلك لم تُرسل.',
  fileTampered: 'تم تغيير هذا الملف بعد إرساله، لذلك لم يُفتح.',
  transferFailed: 'فشل النقل.',
  today: 'اليوم',
  yesterday: 'أمس',
  attachment: 'مرفق',
  messageActions: 'إجراءات الرسالة',
  reply: 'رد',
  react: 'تفاعل',
  edit: 'تعديل',
  delete: 'حذف',
  deleteTitle: 'حذف هذه الرسالة؟',
  deleteBody: 'سيرى كل المشاركين في هذه المحادثة «تم حذف هذه الرسالة.» في مكانها. لا يمكن التراجع عن ذلك.',
  inReplyTo: 'ردًا على',
  originalUnavailable: 'الرسالة الأصلية غير متاحة',
  replyingTo: 'الرد على {name}',
  editing: 'تعديل رسالتك',
  cancelReply: 'إلغاء الرد',
  cancelEdit: 'إلغاء التعديل',
  reactions: 'التفاعلات',
  reactionLabel: '{emoji} {count}، من {names}',
  sent: 'أُرسلت',
  read: 'قُرئت',
  discard: 'إلغاء الإرسال',
  loadOlder: 'تحميل الرسائل الأقدم',
  mentionSuggestions: 'أشخاص للإشارة إليهم',
  filterLabel: 'تصفية المحادثات',
  filterEmpty: 'لا توجد محادثة تطابق «{query}».',
  onlyYou: 'أنت فقط',
  typingOne: '{name} يكتب…',
  typingTwo: '{first} و{second} يكتبان…',
  typingMany: 'عدة أشخاص يكتبون…',
  connectionOffline: 'غير متصل — ستُرسل الرسائل عند عودة الاتصال.',
  connectionPolling: 'التحديث المباشر غير متاح؛ يتم التحقق من الرسائل الجديدة كل بضع ثوانٍ.',
  dismissError: 'إغلاق',
  errorNetwork: 'تعذّر الوصول إلى الخادم. تحقق من اتصالك.',
  errorUnauthorized: 'انتهت جلستك. سجّل الدخول مرة أخرى للمتابعة.',
  errorForbidden: 'غير مسموح لك بذلك هنا.',
  errorGeneric: 'حدث خطأ ما ({reason}).',
  searchOpen: 'البحث في هذه المحادثة',
  searchLabel: 'البحث في الرسائل',
  searchClose: 'إغلاق البحث',
  searchNoteEncrypted:
    'يبحث فقط في الرسائل التي فُك تشفيرها على هذا الجهاز؛ لا يستطيع الخادم البحث في المحادثات المشفرة.',
  searchNotePlain: 'يبحث فقط في الرسائل المحمّلة على هذا الجهاز.',
  searchNone: 'لا توجد رسائل مطابقة.',
  searchCount: 'النتائج: {count}',
  exportOpen: 'تصدير المحادثة',
  exportBody:
    'يحتوي الملف على رسائل هذه المحادثة دون تشفير: يستطيع أي شخص يحصل عليه قراءتها. تُذكر المرفقات بالاسم والحجم فقط.',
  exportJson: 'تنزيل بصيغة JSON',
  exportHtml: 'تنزيل بصيغة HTML',
  exportParticipants: 'المشاركون',
  exportedOn: 'صُدّرت في {date}',
};

const tables: Record<string, Strings> = { en, de, ar };

/** The table for a BCP 47 tag, falling back from `de-AT` to `de` to English. */
export function stringsFor(lang: string | null | undefined): Strings {
  const tag = (lang ?? 'en').toLowerCase();
  return tables[tag] ?? tables[tag.split('-')[0] ?? 'en'] ?? en;
}

/** Languages written right to left, by primary subtag. */
export function isRtl(lang: string | null | undefined): boolean {
  const primary = (lang ?? '').toLowerCase().split('-')[0] ?? '';
  return ['ar', 'he', 'fa', 'ur'].includes(primary);
}
