/**
 * A small passphrase strength estimate, in the spirit of zxcvbn without its 800 kB dictionary.
 *
 * It splits the passphrase into runs of letters, digits and other characters and charges each run what a
 * cracker's rules would pay to guess it: a common password or keyboard/alphabet sequence almost nothing,
 * a word-like run of letters about as much as a dictionary word, random-looking runs their full alphabet.
 * It errs low on purpose: a passphrase it rejects might be fine, one it accepts should not be laughable.
 */

export type PassphraseFeedback =
  'too-short' | 'common-password' | 'repeated' | 'sequence' | 'date' | 'add-words';

export interface PassphraseStrength {
  /** 0 (guessed at once) to 4 (strong), for a meter. */
  score: 0 | 1 | 2 | 3 | 4;
  /** Estimated guessing entropy in bits. */
  bits: number;
  /** Meets the minimum the recovery backup requires. */
  acceptable: boolean;
  /** Machine-readable hints for the UI to translate; empty when there is nothing to say. */
  feedback: PassphraseFeedback[];
}

export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_PASSPHRASE_BITS = 50;

/** The base words of the most common leaked passwords; enough to catch what people type first. */
const COMMON = new Set(
  (
    'password passwort motdepasse contraseña qwerty qwertz azerty letmein iloveyou admin administrator welcome ' +
    'monkey dragon football baseball soccer hockey sunshine princess master shadow superman batman trustno ' +
    'whatever freedom starwars hello login secret love jesus michael jennifer charlie michelle computer internet ' +
    'summer winter spring autumn chocolate pokemon hunter killer cheese flower banana orange purple ninja ' +
    'mustang access changeme default guest root user test chat secure security private passphrase ' +
    'correcthorsebatterystaple iloveyou lovely family friends forever money matrix samsung google facebook ' +
    'liverpool arsenal chelsea pepper ginger maggie buster tigger jordan harley ranger thomas robert daniel ' +
    'andrew joshua george anthony abc xyz'
  ).split(' '),
);

const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'qwertzuiop',
  'azertyuiop',
];
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};
const SEPARATORS = new Set([' ', '-', '_', '.', ',', '+']);

const log2 = Math.log2;

function deLeet(text: string): string {
  return [...text.toLowerCase()].map((char) => LEET[char] ?? char).join('');
}

function isSequence(run: string): boolean {
  if (run.length < 3) return false;
  const lower = run.toLowerCase();
  return SEQUENCES.some((row) => row.includes(lower) || [...row].reverse().join('').includes(lower));
}

/** The shortest unit the run is a repetition of ("abab" -> "ab"), or null. */
function repeatedUnit(run: string): string | null {
  const chars = [...run];
  for (let size = 1; size <= chars.length / 2; size++) {
    if (chars.length % size !== 0) continue;
    const unit = chars.slice(0, size).join('');
    if (unit.repeat(chars.length / size) === run) return unit;
  }
  return null;
}

function caseBits(run: string): number {
  const upper = [...run].filter((char) => char !== char.toLowerCase()).length;
  if (upper === 0) return 0;
  if (upper === run.length || (upper === 1 && run[0] !== run[0]!.toLowerCase())) return 1;
  return Math.min(upper, run.length - upper) + 1;
}

type Run = { kind: 'letters' | 'digits' | 'other'; text: string };

function splitRuns(passphrase: string): Run[] {
  const runs: Run[] = [];
  for (const char of passphrase) {
    const kind: Run['kind'] = /\p{L}/u.test(char) ? 'letters' : /\p{Nd}/u.test(char) ? 'digits' : 'other';
    const last = runs[runs.length - 1];
    if (last && last.kind === kind) last.text += char;
    else runs.push({ kind, text: char });
  }
  return runs;
}

function runBits(run: Run, feedback: Set<PassphraseFeedback>): number {
  const length = [...run.text].length;
  const unit = repeatedUnit(run.text);
  if (unit !== null) {
    feedback.add('repeated');
    return runBits({ kind: run.kind, text: unit }, new Set()) + log2(length / [...unit].length);
  }
  if (isSequence(run.text)) {
    feedback.add('sequence');
    return log2(SEQUENCES.length * 2) + log2(length);
  }
  if (run.kind === 'letters') {
    const lower = run.text.toLowerCase();
    if (COMMON.has(lower)) {
      feedback.add('common-password');
      return 2 + caseBits(run.text);
    }
    // A dictionary word costs about 11 + 0.5/letter bits (a 20,000-word list), a long one a little more
    // (rare words, or two run together). Random letters are worth more, but people rarely type them.
    const wordLike = length <= 8 ? 11 + length * 0.5 : 15 + (length - 8) * 0.75;
    return Math.min(length * log2(26), wordLike) + caseBits(run.text);
  }
  if (run.kind === 'digits') {
    const year = Number(run.text);
    if (length === 4 && year >= 1900 && year <= 2099) {
      feedback.add('date');
      return log2(200);
    }
    return length * log2(10);
  }
  if (length === 1 && SEPARATORS.has(run.text)) return 1;
  return length * log2(33);
}

function scoreFor(bits: number): PassphraseStrength['score'] {
  if (bits < 28) return 0;
  if (bits < 36) return 1;
  if (bits < MIN_PASSPHRASE_BITS) return 2;
  if (bits < 70) return 3;
  return 4;
}

export function estimatePassphraseStrength(passphrase: string): PassphraseStrength {
  const normalized = passphrase.normalize('NFKC');
  const feedback = new Set<PassphraseFeedback>();
  const length = [...normalized].length;

  // "P@ssw0rd!", "password123", "pass word": decorations around a common password do not save it.
  const core = normalized.replace(/^[\s\d\p{P}\p{S}]+|[\s\d\p{P}\p{S}]+$/gu, '');
  const onlyLetters = (text: string) => text.replace(/[^\p{L}]/gu, '');
  const candidates = [
    core.toLowerCase(),
    deLeet(core),
    onlyLetters(deLeet(core)),
    onlyLetters(core.toLowerCase()),
  ];
  const wholeIsCommon = candidates.some((candidate) => COMMON.has(candidate));

  let bits = 0;
  const seen = new Set<string>();
  for (const run of splitRuns(normalized)) {
    const key = `${run.kind}:${run.text.toLowerCase()}`;
    if (seen.has(key) && !(run.kind === 'other' && SEPARATORS.has(run.text))) {
      // The same word again is one more rule for a cracker, not a new word.
      feedback.add('repeated');
      bits += 1;
      continue;
    }
    seen.add(key);
    bits += runBits(run, feedback);
  }
  const whole = repeatedUnit(normalized);
  if (whole !== null) {
    feedback.add('repeated');
    bits = Math.min(bits, estimatePassphraseStrength(whole).bits + log2(length / [...whole].length));
  }
  if (wholeIsCommon) {
    feedback.add('common-password');
    bits = Math.min(bits, 10);
  }

  bits = Math.round(bits * 10) / 10;
  if (length < MIN_PASSPHRASE_LENGTH) feedback.add('too-short');
  const acceptable = length >= MIN_PASSPHRASE_LENGTH && bits >= MIN_PASSPHRASE_BITS && !wholeIsCommon;
  if (bits < MIN_PASSPHRASE_BITS) feedback.add('add-words');
  const score = acceptable ? scoreFor(bits) : (Math.min(scoreFor(bits), 2) as PassphraseStrength['score']);
  return { score, bits, acceptable, feedback: [...feedback] };
}
