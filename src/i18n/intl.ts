/** Dates, times and sizes in the element's language, through Intl; the words Intl cannot give come from Strings. */
import type { Strings } from './strings.js';

const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

/** A locale Intl accepts: a page's `lang` can hold anything, and Intl throws on a malformed tag. */
function localeOf(lang: string): string {
  try {
    return Intl.getCanonicalLocales(lang)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

function dateFormat(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${lang}|${JSON.stringify(options)}`;
  let format = formats.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) formats.set(key, (format = new Intl.DateTimeFormat(localeOf(lang), options)));
  return format;
}

/** Midnight, local time, of the day `date` falls on. */
export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** Whole calendar days from `earlier` to `later`, local time (DST days are 23 or 25 hours long). */
export function calendarDaysBetween(earlier: Date, later: Date): number {
  const utc = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round((utc(later) - utc(earlier)) / 86_400_000);
}

/** `YYYY-MM-DD` of the local day, for `<time datetime>`. */
export function localDateKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Today", "Yesterday", a weekday and date this year, or a full date. */
export function dayLabel(
  day: Date,
  now: Date,
  lang: string,
  t: Pick<Strings, 'today' | 'yesterday'>,
): string {
  const days = calendarDaysBetween(day, now);
  if (days === 0) return t.today;
  if (days === 1) return t.yesterday;
  const options: Intl.DateTimeFormatOptions =
    day.getFullYear() === now.getFullYear()
      ? { weekday: 'long', month: 'long', day: 'numeric' }
      : { year: 'numeric', month: 'long', day: 'numeric' };
  return dateFormat(lang, options).format(day);
}

/** The time of day, short: "14:05", "2:05 PM". */
export function timeLabel(date: Date, lang: string): string {
  return dateFormat(lang, { hour: 'numeric', minute: '2-digit' }).format(date);
}

/** The full date and time, for a tooltip. */
export function dateTimeLabel(date: Date, lang: string): string {
  return dateFormat(lang, { dateStyle: 'full', timeStyle: 'short' }).format(date);
}

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "12 kB", "3.4 MB": decimal units, one decimal place above a kilobyte. */
export function fileSizeLabel(bytes: number, lang: string): string {
  let value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const key = `n|${lang}|${unit}`;
  let format = formats.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(localeOf(lang), {
      style: 'unit',
      unit: SIZE_UNITS[unit],
      unitDisplay: unit === 0 ? 'long' : 'short',
      maximumFractionDigits: unit === 0 ? 0 : 1,
    });
    formats.set(key, format);
  }
  return format.format(value);
}
