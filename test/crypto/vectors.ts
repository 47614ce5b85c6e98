/** Loads an outside vector file (served by the test runner from ../shared/vectors at /vectors/). */
export async function loadVectors<T>(file: string): Promise<T> {
  const response = await fetch(`/vectors/${file}`);
  if (!response.ok) throw new Error(`vector file ${file}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export interface WycheproofFile<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: G[];
}

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
}

/** Counts per file, printed in the test output and checked at the end. */
export class Tally {
  passed = 0;
  failed = 0;
  skipped = 0;
  readonly failures: string[] = [];
  readonly skipReasons = new Map<string, number>();

  constructor(readonly file: string) {}

  pass(): void {
    this.passed++;
  }

  fail(id: number | string, why: string): void {
    this.failed++;
    if (this.failures.length < 10) this.failures.push(`#${id}: ${why}`);
  }

  skip(reason: string, count = 1): void {
    this.skipped += count;
    this.skipReasons.set(reason, (this.skipReasons.get(reason) ?? 0) + count);
  }

  report(): string {
    const reasons = [...this.skipReasons].map(([reason, n]) => `${n} ${reason}`).join('; ');
    const line = `vectors ${this.file}: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped${reasons ? ` (${reasons})` : ''}`;
    console.log(line);
    return line;
  }
}

/** The CryptoError reason a promise fails with, or 'accepted' when it succeeds. */
export async function failureReason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    const reason = (error as { reason?: unknown } | null)?.reason;
    if (typeof reason === 'string' && (error as Error).name === 'CryptoError') return reason;
    throw error;
  }
}
