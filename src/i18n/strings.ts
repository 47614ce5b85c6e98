/** Every user-visible string, by key. The `strings` property of the element overrides any of them. */
export interface Strings {
  chatLabel: string;
  emptyTitle: string;
  emptyBody: string;
}

export const en: Strings = {
  chatLabel: 'Secure chat',
  emptyTitle: 'No conversations yet',
  emptyBody: 'Messages in encrypted conversations are readable only by the people in them.',
};

export const de: Strings = {
  chatLabel: 'Sicherer Chat',
  emptyTitle: 'Noch keine Unterhaltungen',
  emptyBody: 'Nachrichten in verschlüsselten Unterhaltungen können nur die Beteiligten lesen.',
};

export const ar: Strings = {
  chatLabel: 'محادثة آمنة',
  emptyTitle: 'لا توجد محادثات بعد',
  emptyBody: 'لا يمكن قراءة الرسائل في المحادثات المشفرة إلا من قبل المشاركين فيها.',
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
