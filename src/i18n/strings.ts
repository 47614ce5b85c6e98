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
  today: string;
  yesterday: string;
  attachment: string;
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
  today: 'Today',
  yesterday: 'Yesterday',
  attachment: 'Attachment',
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
  today: 'Heute',
  yesterday: 'Gestern',
  attachment: 'Anhang',
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
  today: 'اليوم',
  yesterday: 'أمس',
  attachment: 'مرفق',
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
