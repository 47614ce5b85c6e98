import {
  AdapterError,
  type ChatAdapter,
  type ClientMessageId,
  type IsoTime,
  type MessageBody,
  type MessageRecord,
  type ThreadId,
} from '../adapter/types.js';

/** A send that the server has not yet acknowledged. It lives in the vault until it has. */
export interface OutboxItem {
  clientId: ClientMessageId;
  threadId: ThreadId;
  /** What goes on the wire: a plain body, or an envelope sealed once (so a retry resends the same bytes). */
  body: MessageBody;
  createdAt: IsoTime;
  attempts: number;
  status: 'pending' | 'failed';
  /** Why the last attempt failed, for the UI. */
  lastError?: { code: string; reason?: string };
}

/** Where outbox items persist; the vault's outbox store in the widget. */
export interface OutboxStore {
  list(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  delete(clientId: ClientMessageId): Promise<void>;
}

export type OutboxListener = (
  update:
    | { type: 'sent'; item: OutboxItem; record: MessageRecord }
    | { type: 'failed'; item: OutboxItem }
    | { type: 'waiting'; item: OutboxItem; retryInMs: number },
) => void;

export interface OutboxOptions {
  /** First retry delay; doubles per attempt up to maxDelayMs, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/**
 * Sends queued messages in order, per thread, until the server acknowledges them.
 *
 * Nothing typed is lost: an item leaves the store only after the server stored it. Nothing is sent twice:
 * a retry repeats the same client id, which the server's idempotency rule stores once. A retryable failure
 * (network, rate limit, server error) keeps the item and tries again with backoff; any other failure marks it
 * failed for the user to retry or discard.
 */
export class Outbox {
  private flushing: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly listeners = new Set<OutboxListener>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly adapter: Pick<ChatAdapter, 'sendMessage'>,
    options: OutboxOptions = {},
  ) {
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  onUpdate(listener: OutboxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async enqueue(item: Omit<OutboxItem, 'attempts' | 'status'>): Promise<void> {
    await this.store.put({ ...item, attempts: 0, status: 'pending' });
    await this.flush();
  }

  /** The user chose to try a failed item again. */
  async retry(clientId: ClientMessageId): Promise<void> {
    const item = (await this.store.list()).find((candidate) => candidate.clientId === clientId);
    if (!item) return;
    await this.store.put({ ...item, status: 'pending' });
    await this.flush();
  }

  /** The user gave up on a failed item. */
  async discard(clientId: ClientMessageId): Promise<void> {
    await this.store.delete(clientId);
  }

  /** Sends every pending item. Concurrent calls share one pass, and ask for another when they overlap. */
  flush(): Promise<void> {
    this.stopped = false;
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.again = false;
          await this.sendPending();
        } while (this.again);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /**
   * A flush nobody waits for (start, reconnect, a backoff timer). When the store cannot be read (the vault is
   * closing, storage is busy) the items stay where they are and the pass is tried again later, unless stopped.
   */
  flushLater(): void {
    this.flush().catch(() => {
      if (!this.stopped) this.schedule(this.maxDelayMs);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async sendPending(): Promise<void> {
    const items = (await this.store.list())
      .filter((item) => item.status === 'pending')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const blockedThreads = new Set<ThreadId>();

    for (const item of items) {
      // Keep each thread's order: after a retryable failure, later items of that thread wait too.
      if (blockedThreads.has(item.threadId)) continue;
      const attempt = { ...item, attempts: item.attempts + 1 };
      try {
        const record = await this.adapter.sendMessage(item.threadId, {
          clientId: item.clientId,
          body: item.body,
        });
        await this.store.delete(item.clientId);
        this.emit({ type: 'sent', item: attempt, record });
      } catch (error) {
        const adapterError =
          error instanceof AdapterError ? error : new AdapterError('network', String(error));
        const failed = { ...attempt, lastError: { code: adapterError.code, reason: adapterError.reason } };
        if (adapterError.retryable) {
          blockedThreads.add(item.threadId);
          await this.store.put(failed);
          const retryInMs = this.delayFor(failed.attempts);
          this.schedule(retryInMs);
          this.emit({ type: 'waiting', item: failed, retryInMs });
        } else {
          const final = { ...failed, status: 'failed' as const };
          await this.store.put(final);
          this.emit({ type: 'failed', item: final });
        }
      }
    }
  }

  private delayFor(attempts: number): number {
    const exponential = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempts - 1));
    return Math.round(exponential / 2 + (this.random() * exponential) / 2);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushLater();
    }, delayMs);
  }

  private emit(update: Parameters<OutboxListener>[0]): void {
    for (const listener of this.listeners) listener(update);
  }
}
