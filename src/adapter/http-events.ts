/**
 * The live-event feed of the HttpAdapter: a WebSocket on `/v1/events`, and long-polling on
 * `/v1/events/poll` when the WebSocket cannot connect at all (refused upgrade, a proxy that drops it).
 * Every reconnect resumes after the last cursor delivered, and a cursor seen once is never delivered again,
 * so a cut connection loses nothing and repeats nothing.
 */
import { errorFromThrown, requestJson, type HttpContext } from './http-request.js';
import type { ConnectionState, Cursor, LiveEvent, Subscription } from './types.js';

export interface BackoffOptions {
  /** First wait after a failure, in ms. */
  initialMs?: number;
  /** Longest wait, in ms. */
  maxMs?: number;
  factor?: number;
  /** Share of each wait that is random (0 to 1), so many clients do not reconnect in step. */
  jitter?: number;
}

export type Transport = 'auto' | 'websocket' | 'polling';

export interface LiveFeedOptions {
  ctx: HttpContext;
  WebSocket: typeof WebSocket | undefined;
  transport: Transport;
  backoff: BackoffOptions;
  /** How long one long-poll waits on the server, in seconds. */
  pollSeconds: number;
  after?: Cursor;
  listener: (event: LiveEvent) => void;
  onConnectionChange?: (state: ConnectionState) => void;
}

/** Remembers recent cursors: a replay overlapping what was already delivered is dropped. */
const DEDUPE_WINDOW = 2048;

export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  const { initialMs = 250, maxMs = 10_000, factor = 2, jitter = 0.5 } = options;
  const base = Math.min(maxMs, initialMs * factor ** attempt);
  return Math.round(base * (1 - jitter + jitter * random()));
}

export class LiveFeed implements Subscription {
  private last: Cursor | undefined;
  private readonly seen = new Set<Cursor>();
  private state: ConnectionState | null = null;
  private closed = false;
  private attempt = 0;
  private socket: WebSocket | null = null;
  private poll: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private mode: 'websocket' | 'polling';
  /** A WebSocket that once opened is worth retrying; one that never did means the path blocks it. */
  private socketEverOpened = false;

  constructor(private readonly options: LiveFeedOptions) {
    this.last = options.after;
    this.mode = options.transport === 'polling' || !options.WebSocket ? 'polling' : 'websocket';
    this.setState('connecting');
    this.connect();
  }

  unsubscribe(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.poll?.abort();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state || this.closed) return;
    this.state = state;
    const notify = this.options.onConnectionChange;
    if (notify) queueMicrotask(() => notify(state));
  }

  private deliver(event: LiveEvent): void {
    if (this.closed || this.seen.has(event.cursor)) return;
    this.seen.add(event.cursor);
    if (this.seen.size > DEDUPE_WINDOW) this.seen.delete(this.seen.values().next().value as Cursor);
    this.last = event.cursor;
    this.options.listener(event);
  }

  private connect(): void {
    if (this.closed) return;
    if (this.mode === 'websocket') this.openSocket();
    else void this.pollLoop();
  }

  private retryLater(): void {
    if (this.closed) return;
    this.setState('offline');
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.setState('connecting');
      this.connect();
    }, delay);
  }

  private socketUrl(): string {
    const url = new URL(this.options.ctx.base + '/events', globalThis.location?.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // A browser WebSocket cannot carry an Authorization header; the token travels in the query instead.
    if ('token' in this.options.ctx.auth) url.searchParams.set('token', this.options.ctx.auth.token);
    else url.searchParams.set('nonce', this.options.ctx.auth.nonce);
    if (this.last !== undefined) url.searchParams.set('after', this.last);
    return url.href;
  }

  private openSocket(): void {
    const Socket = this.options.WebSocket!;
    let opened = false;
    let socket: WebSocket;
    try {
      socket = new Socket(this.socketUrl());
    } catch {
      return this.socketFailed(false);
    }
    this.socket = socket;
    socket.onopen = () => {
      opened = true;
      this.socketEverOpened = true;
      this.attempt = 0;
      this.setState('live');
    };
    socket.onmessage = (message) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(String(message.data)) as LiveEvent;
      } catch {
        return; // a frame that is not an event (keep-alive, or garbage) carries no cursor to lose
      }
      if (typeof event?.cursor === 'string' && typeof event.type === 'string') this.deliver(event);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // 4401 and 4403 (PROTOCOL.md 2.10): the credential was refused, which no retry will heal.
      if (event.code === 4401 || event.code === 4403) return this.refused();
      this.socketFailed(opened);
    };
  }

  /** A refused credential: the feed goes offline and stays there, since retrying cannot heal it. */
  private refused(): void {
    this.setState('offline');
  }

  private socketFailed(hadOpened: boolean): void {
    if (this.closed) return;
    if (!hadOpened && !this.socketEverOpened && this.options.transport === 'auto') {
      this.mode = 'polling';
      this.attempt = 0;
      this.connect();
      return;
    }
    this.retryLater();
  }

  private async pollLoop(): Promise<void> {
    // The first poll of a connection returns at once: it catches up, fixes "now" for a fresh subscription and
    // proves the server reachable, so the state turns 'polling' without waiting out a long poll.
    let wait = 0;
    while (!this.closed) {
      const controller = new AbortController();
      this.poll = controller;
      const query = new URLSearchParams({ timeout: String(wait) });
      wait = this.options.pollSeconds;
      if (this.last !== undefined) query.set('after', this.last);
      try {
        const page = await requestJson<{ events: LiveEvent[]; cursor?: Cursor | null }>(
          this.options.ctx,
          'GET',
          `/events/poll?${query}`,
          undefined,
          controller.signal,
        );
        if (this.closed) return;
        this.attempt = 0;
        this.setState('polling');
        for (const event of page?.events ?? []) this.deliver(event);
        // An empty poll from a fresh subscription still fixes "now", so the next one does not miss events.
        if (this.last === undefined && typeof page?.cursor === 'string') this.last = page.cursor;
      } catch (error) {
        if (this.closed) return;
        const failure = errorFromThrown(error);
        if (failure.code === 'unauthorized' || failure.code === 'forbidden') return this.refused();
        this.retryLater();
        return;
      }
    }
  }
}
