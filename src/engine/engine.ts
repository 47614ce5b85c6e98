import {
  AdapterError,
  type ChatAdapter,
  type ClientMessageId,
  type Cursor,
  type LiveEvent,
  type MessageBody,
  type MessageContent,
  type MessageRecord,
  type Subscription,
  type Thread,
  type ThreadId,
  type UserId,
  type UserProfile,
} from '../adapter/types.js';
import type { ChatActions } from '../state/actions.js';
import type { ChatState } from '../state/chat-state.js';
import type { TimelineEvent, TimelineFailure } from '../state/timeline.js';
import { trackTyping, type TypingTracker } from '../state/typing.js';
import { Outbox, type OutboxStore } from './outbox.js';
import type { Attachments, FileCrypto } from './attachments.js';
import type { TrustActions } from './trust.js';
import type { SequenceChecker } from './sequence-check.js';
import type { DeviceActions } from './security/device-link.js';
import type { RecoveryActions } from './recovery.js';
import { showPending, type MembershipSecurity } from './membership.js';

/**
 * The encrypted-thread half of the engine. It lives in the lazily loaded crypto chunk: a page whose users
 * never touch an encrypted thread never downloads it.
 */
export interface ThreadSecurity extends MembershipSecurity {
  /** Seals content for a thread, rotating the epoch first if PROTOCOL.md's rules say so. */
  seal(thread: Thread, clientId: ClientMessageId, content: MessageContent): Promise<MessageBody>;
  /**
   * Opens an envelope; an expected failure (sent before this device could read it) is marked as such. `sender`:
   * the signed sender device and its sequence number.
   */
  open(
    thread: Thread,
    record: MessageRecord,
  ): Promise<
    { content: MessageContent; sender?: NonNullable<TimelineEvent['sender']> } | { failure: TimelineFailure }
  >;
  /** Drops replayed envelopes and marks gaps in a sender device's sequence (sequence-check.ts). */
  readonly sequences?: SequenceChecker;
  /** Creates the thread's first epoch after encryption was turned on. */
  start(thread: Thread): Promise<void>;
  /** Makes sure this browser's device keys exist and are published, so others can seal to it. */
  prepare?(): Promise<void>;
  /** Attachment crypto: metadata stripping, Cobblestone-256 and the plaintext hash. */
  readonly files?: FileCrypto;
  /** Safety numbers, verification and key changes. */
  readonly trust?: TrustActions;
  /** Linked devices: link, list, revoke. */
  readonly devices?: DeviceActions;
  /** The recovery backup, and setting up a fresh browser for a user who has keys elsewhere. */
  readonly recovery?: RecoveryActions;
}

export interface EngineOptions {
  adapter: ChatAdapter;
  state: ChatState;
  outboxStore: OutboxStore;
  /** Loads the crypto chunk and returns the encrypted-thread half; called on first encrypted use only. */
  loadSecurity?: () => Promise<ThreadSecurity>;
  /** A message from someone else arrived live. */
  onIncoming?: (thread: Thread, record: MessageRecord) => void;
  /** How many messages one history page holds. */
  pageSize?: number;
  now?: () => Date;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The messaging engine: it implements what the UI may ask (`ChatActions`) over one adapter. */
export class ChatEngine implements ChatActions {
  private readonly adapter: ChatAdapter;
  private readonly state: ChatState;
  private readonly outbox: Outbox;
  private readonly pageSize: number;
  private readonly now: () => Date;
  private readonly loadSecurityChunk: (() => Promise<ThreadSecurity>) | undefined;
  private readonly onIncoming: EngineOptions['onIncoming'];
  private security: Promise<ThreadSecurity> | null = null;
  private attachmentPipeline: Promise<Attachments> | null = null;
  private attachmentsLoaded: Attachments | null = null;
  private subscription: Subscription | null = null;
  private lastCursor: Cursor | undefined;
  private readonly olderCursor = new Map<ThreadId, Cursor | null>();
  private readonly typingTracker: TypingTracker;
  private lastTypingSent = 0;
  /** Messages written while sealing could not reach the server, by client id (see `sealAndQueue`). */
  private readonly unsealed = new Map<ClientMessageId, { threadId: ThreadId; content: MessageContent }>();
  private sealTimer: ReturnType<typeof setTimeout> | null = null;
  private sealDelay = 0;

  constructor(options: EngineOptions) {
    this.adapter = options.adapter;
    this.typingTracker = trackTyping(options.state.$typing);
    this.state = options.state;
    this.pageSize = options.pageSize ?? 50;
    this.now = options.now ?? (() => new Date());
    this.loadSecurityChunk = options.loadSecurity;
    this.onIncoming = options.onIncoming;
    this.outbox = new Outbox(options.outboxStore, options.adapter);
    this.outbox.onUpdate((update) => {
      if (update.type === 'sent')
        this.acceptRecord(update.record, {
          content: this.pendingContent(update.item.threadId, update.item.clientId),
        });
      else
        this.markPending(
          update.item.threadId,
          update.item.clientId,
          update.type === 'failed' ? 'failed' : 'pending',
        );
    });
  }

  /** Loads the session and threads, starts live events, and sends what a previous page load left unsent. */
  async start(): Promise<void> {
    const session = await this.adapter.getSession();
    this.state.$session.set(session);
    let cursor: Cursor | undefined;
    do {
      const page = await this.adapter.listThreads({ cursor, limit: 100 });
      for (const thread of page.items) this.state.putThread(thread);
      cursor = page.next ?? undefined;
    } while (cursor);
    this.subscribe();
    this.outbox.flushLater();
    // Someone may seal a thread's next epoch to us before we touch it: publish this device's keys now.
    if (
      session.capabilities.encryptionEnabled &&
      Object.values(this.state.$threads.get()).some((t) => t.encrypted)
    ) {
      const security = await this.loadSecurity();
      await security.prepare?.();
      // A removal that happened while this page was closed: the list differs from the one the vault saw.
      await security.observeMembers?.(Object.values(this.state.$threads.get()).filter((t) => t.encrypted));
    }
  }

  stop(): void {
    if (this.sealTimer) clearTimeout(this.sealTimer);
    this.sealTimer = null;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.outbox.stop();
    this.typingTracker.clear();
  }

  private subscribe(): void {
    this.subscription = this.adapter.subscribe((event) => void this.onLiveEvent(event), {
      after: this.lastCursor,
      onConnectionChange: (connection) => {
        this.state.$connection.set(connection);
        if (connection === 'live' || connection === 'polling') {
          this.outbox.flushLater();
          if (this.unsealed.size) this.sealLater(0);
        }
      },
    });
  }

  private async onLiveEvent(event: LiveEvent): Promise<void> {
    this.lastCursor = event.cursor;
    switch (event.type) {
      case 'message': {
        const thread = this.state.$threads.get()[event.message.threadId];
        if (!thread) break;
        // Their message is what they were typing.
        this.typingTracker.stopped(thread.id, event.message.senderId);
        await this.receive(thread, [event.message]);
        this.noteActivity(thread, event.message);
        if (event.message.senderId !== this.state.$session.get()?.user.id)
          this.onIncoming?.(thread, event.message);
        break;
      }
      case 'thread':
        this.state.putThread(event.thread);
        // Queued in the vault before any later send looks at the members (membership-ledger.ts).
        void this.observeMembers(event.thread).catch(() => undefined);
        // Someone made a thread of ours encrypted (or started one with us): publish this device's keys now, so
        // the first epoch can be sealed to it and what they send next is readable here.
        if (event.thread.encrypted && this.state.$session.get()?.capabilities.encryptionEnabled)
          void this.loadSecurity()
            .then((security) => security.prepare?.())
            .catch(() => {
              // Publishing is retried on the next encrypted send or open; nothing is lost meanwhile.
            });
        break;
      case 'thread-removed':
        this.state.removeThread(event.threadId);
        break;
      case 'typing':
        this.showTyping(event.threadId, event.userId);
        break;
      case 'read': {
        const thread = this.state.$threads.get()[event.threadId];
        if (!thread) break;
        const participants = thread.participants.map((p) =>
          p.userId === event.userId ? { ...p, readUpTo: Math.max(p.readUpTo, event.readUpTo) } : p,
        );
        this.state.putThread({ ...thread, participants });
        break;
      }
      case 'keys':
        // Someone published keys: a pending participant may have a device now (included by the next send).
        if (this.security)
          void this.security
            .then((security) => {
              security.keysChanged?.(event.userId);
              return Promise.all(
                Object.values(this.state.$threads.get())
                  .filter((t) => t.encrypted && t.participants.some((p) => p.userId === event.userId))
                  .map((t) => showPending(this.state, security, t)),
              );
            })
            .catch(() => undefined);
        break;
      case 'epoch':
        // Handled by the encrypted-thread half when it is loaded.
        break;
    }
  }

  /** Moves the thread's last activity, and counts the message unread unless it is ours or on screen. */
  private noteActivity(thread: Thread, record: MessageRecord): void {
    const current = this.state.$threads.get()[thread.id] ?? thread;
    if (record.seq <= current.lastSeq) return;
    const mine = record.senderId === this.state.$session.get()?.user.id;
    const onScreen = this.state.$openThreadId.get() === thread.id;
    this.state.putThread({
      ...current,
      lastSeq: record.seq,
      lastActivityAt: record.createdAt > current.lastActivityAt ? record.createdAt : current.lastActivityAt,
      unreadCount: mine || onScreen ? current.unreadCount : current.unreadCount + 1,
    });
    if (onScreen && !mine) void this.markRead(thread.id);
  }

  private showTyping(threadId: ThreadId, userId: UserId): void {
    // The reader's own typing (from another of their devices) is never shown to them.
    if (userId !== this.state.$session.get()?.user.id) this.typingTracker.typing(threadId, userId);
  }

  private loadSecurity(): Promise<ThreadSecurity> {
    if (!this.loadSecurityChunk) {
      return Promise.reject(
        new AdapterError('encryption-disabled', 'Encryption is not available in this widget'),
      );
    }
    this.security ??= this.loadSecurityChunk();
    return this.security;
  }

  /** Turns records into timeline events, opening envelopes where the thread is encrypted. */
  private async receive(thread: Thread, records: MessageRecord[]): Promise<void> {
    let events: TimelineEvent[] = [];
    let security: ThreadSecurity | null = null;
    for (const record of records) {
      if (record.body.kind === 'plain') {
        events.push(this.toEvent(record, { content: record.body.content }));
      } else {
        security = await this.loadSecurity();
        events.push(this.toEvent(record, await security.open(thread, record)));
      }
    }
    if (security?.sequences) {
      // Replays left out, "a message may be missing" rows put in (or taken out when the message arrived).
      const shown = this.state.$events.get()[thread.id] ?? [];
      const checked = await security.sequences.check(thread.id, events, shown);
      events = checked.put;
      if (checked.remove.length) {
        const current = this.state.$events.get()[thread.id] ?? [];
        this.state.$events.setKey(
          thread.id,
          current.filter((event) => !checked.remove.includes(event.clientId)),
        );
      }
    }
    this.state.putEvents(thread.id, events);
  }

  private toEvent(
    record: MessageRecord,
    opened:
      { content: MessageContent | null; sender?: TimelineEvent['sender'] } | { failure: TimelineFailure },
  ): TimelineEvent {
    return {
      threadId: record.threadId,
      clientId: record.clientId,
      senderId: record.senderId,
      seq: record.seq,
      createdAt: record.createdAt,
      status: 'sent',
      content: 'content' in opened ? opened.content : null,
      ...('failure' in opened ? { failure: opened.failure } : {}),
      ...('sender' in opened && opened.sender ? { sender: opened.sender } : {}),
    };
  }

  private acceptRecord(record: MessageRecord, opened: { content: MessageContent | null }): void {
    this.state.putEvents(record.threadId, [this.toEvent(record, opened)]);
  }

  private pendingContent(threadId: ThreadId, clientId: ClientMessageId): MessageContent | null {
    return this.state.$events.get()[threadId]?.find((event) => event.clientId === clientId)?.content ?? null;
  }

  private markPending(threadId: ThreadId, clientId: ClientMessageId, status: 'pending' | 'failed'): void {
    const event = this.state.$events.get()[threadId]?.find((candidate) => candidate.clientId === clientId);
    if (event && event.seq === null) this.state.putEvents(threadId, [{ ...event, status }]);
  }

  private thread(threadId: ThreadId): Thread {
    const thread = this.state.$threads.get()[threadId];
    if (!thread) throw new AdapterError('not-found', `Unknown thread ${threadId}`);
    return thread;
  }

  /** Tries the messages that could not be sealed again: at once, or after a delay that doubles up to 30 s. */
  private sealLater(delay?: number): void {
    if (this.sealTimer) clearTimeout(this.sealTimer);
    this.sealDelay = delay ?? Math.min(Math.max(this.sealDelay * 2, 1000), 30_000);
    this.sealTimer = setTimeout(() => {
      this.sealTimer = null;
      const waiting = [...this.unsealed];
      this.unsealed.clear();
      for (const [clientId, { threadId, content }] of waiting)
        void this.sealAndQueue(threadId, clientId, content).catch(() => {});
    }, this.sealDelay);
  }

  /** Shows the message at once as pending, seals it if the thread is encrypted, and queues it. */
  private async send(threadId: ThreadId, content: MessageContent): Promise<void> {
    this.thread(threadId); // an unknown thread fails before anything is shown
    const clientId = randomId();
    const sender = this.state.$session.get()?.user.id ?? '';
    this.state.putEvents(threadId, [
      {
        threadId,
        clientId,
        senderId: sender,
        seq: null,
        createdAt: this.now().toISOString(),
        status: 'pending',
        content,
      },
    ]);
    await this.sealAndQueue(threadId, clientId, content);
  }

  /**
   * An encrypted thread's participant list as the server gives it now, compared with what this device saw (a
   * membership it saw end stays ended), then shown with its pending participants.
   */
  private async observeMembers(thread: Thread): Promise<ThreadSecurity | null> {
    if (!thread.encrypted || !this.state.$session.get()?.capabilities.encryptionEnabled) return null;
    const security = await this.loadSecurity();
    await security.observeMembers?.([thread]);
    void showPending(this.state, security, thread).catch(() => undefined);
    return security;
  }

  /** Seals (when encrypted) and queues a message already shown as pending. */
  private async sealAndQueue(threadId: ThreadId, clientId: ClientMessageId, content: MessageContent) {
    let thread = this.thread(threadId);
    let body: MessageBody;
    try {
      if (thread.encrypted) {
        // Sealed to the participants of now, not of when the thread was loaded: refreshed before each send.
        thread = await this.adapter.getThread(threadId);
        const security = (await this.observeMembers(thread)) ?? (await this.loadSecurity());
        this.state.putThread({ ...thread, unreadCount: this.thread(threadId).unreadCount });
        body = await security.seal(thread, clientId, content);
      } else body = { kind: 'plain', content };
    } catch (error) {
      if (error instanceof AdapterError && error.retryable) {
        // Sealing asks the server for the thread's epochs and keys: offline, the message stays shown as sending
        // and is sealed once the server answers. Held in memory only, so its text never reaches storage.
        this.unsealed.set(clientId, { threadId, content });
        this.sealLater();
        return;
      }
      // Nothing was queued (a key change to look at first, a key that cannot be fetched): not shown as sending.
      const events = this.state.$events.get()[threadId] ?? [];
      this.state.$events.setKey(
        threadId,
        events.filter((event) => event.clientId !== clientId),
      );
      throw error;
    }
    if (!this.unsealed.size) this.sealDelay = 0;
    await this.outbox.enqueue({ clientId, threadId, body, createdAt: this.now().toISOString() });
  }

  // ChatActions

  async openThread(threadId: ThreadId | null): Promise<void> {
    this.state.$openThreadId.set(threadId);
    if (!threadId) return;
    if (!this.olderCursor.has(threadId)) {
      this.olderCursor.set(threadId, null);
      await this.loadPage(threadId, undefined);
    }
    const opened = this.state.$threads.get()[threadId];
    if (opened?.encrypted && this.security)
      void this.security.then((s) => showPending(this.state, s, opened)).catch(() => undefined);
    await this.markRead(threadId);
  }

  private async loadPage(threadId: ThreadId, before: Cursor | undefined): Promise<void> {
    const page = await this.adapter.listMessages(threadId, { before, limit: this.pageSize });
    this.olderCursor.set(threadId, page.next);
    this.state.$hasOlder.setKey(threadId, page.next !== null);
    await this.receive(this.thread(threadId), [...page.items].reverse());
  }

  async loadOlder(threadId: ThreadId): Promise<void> {
    const cursor = this.olderCursor.get(threadId);
    if (cursor) await this.loadPage(threadId, cursor);
  }

  async createThread(request: {
    title: string;
    participantIds: UserId[];
    encrypted: boolean;
  }): Promise<ThreadId> {
    const thread = await this.adapter.createThread(request);
    this.state.putThread(thread);
    if (thread.encrypted) await (await this.loadSecurity()).start(thread);
    return thread.id;
  }

  sendText(
    threadId: ThreadId,
    text: string,
    options: { replyTo?: ClientMessageId; mentions?: UserId[] } = {},
  ) {
    const mentions = options.mentions?.length ? { mentions: options.mentions } : {};
    return this.send(
      threadId,
      options.replyTo
        ? { type: 'reply', target: options.replyTo, text, ...mentions }
        : { type: 'text', text, ...mentions },
    );
  }

  editMessage(
    threadId: ThreadId,
    target: ClientMessageId,
    text: string,
    options: { mentions?: UserId[] } = {},
  ) {
    const mentions = options.mentions?.length ? { mentions: options.mentions } : {};
    return this.send(threadId, { type: 'edit', target, text, ...mentions });
  }

  deleteMessage(threadId: ThreadId, target: ClientMessageId) {
    return this.send(threadId, { type: 'delete', target });
  }

  react(threadId: ThreadId, target: ClientMessageId, emoji: string, remove = false) {
    return this.send(threadId, { type: 'reaction', target, emoji, ...(remove ? { remove } : {}) });
  }

  retrySend(clientId: ClientMessageId) {
    // Shown as sending again at once, not as failed until the server answers.
    for (const [threadId, events] of Object.entries(this.state.$events.get())) {
      if (events.some((event) => event.clientId === clientId))
        this.markPending(threadId, clientId, 'pending');
    }
    return this.outbox.retry(clientId);
  }

  async discardSend(clientId: ClientMessageId) {
    await this.outbox.discard(clientId);
    for (const [threadId, events] of Object.entries(this.state.$events.get())) {
      if (events.some((event) => event.clientId === clientId)) {
        this.state.$events.setKey(
          threadId,
          events.filter((event) => event.clientId !== clientId),
        );
      }
    }
  }

  /** The attachment code is a chunk of its own, loaded on the first attach or open. */
  private attachments(): Promise<Attachments> {
    this.attachmentPipeline ??= import('./attachments.js').then(
      ({ Attachments }) =>
        (this.attachmentsLoaded = new Attachments({
          adapter: this.adapter,
          state: this.state,
          fileCrypto: async () => {
            const { files } = await this.loadSecurity();
            if (!files)
              throw new AdapterError('encryption-disabled', 'Attachment encryption is not available');
            return files;
          },
          send: (threadId, content) => this.send(threadId, content),
        })),
    );
    return this.attachmentPipeline;
  }

  async attachFiles(threadId: ThreadId, files: File[], options: { caption?: string } = {}): Promise<void> {
    return (await this.attachments()).attach(threadId, files, options);
  }

  cancelTransfer(transferId: string): void {
    this.attachmentsLoaded?.cancel(transferId);
  }

  async openAttachment(threadId: ThreadId, clientId: ClientMessageId): Promise<Blob> {
    return (await this.attachments()).open(threadId, clientId);
  }

  /** Safety numbers, verification and key changes, from the crypto chunk. */
  async trust(): Promise<TrustActions> {
    const { trust } = await this.loadSecurity();
    if (!trust) throw new AdapterError('encryption-disabled', 'Verification is not available in this widget');
    return trust;
  }

  /** Linked devices, from the crypto chunk. */
  async devices(): Promise<DeviceActions> {
    const { devices } = await this.loadSecurity();
    if (!devices)
      throw new AdapterError('encryption-disabled', 'Linked devices are not available in this widget');
    return {
      thisDevice: () => devices.thisDevice(),
      listDevices: () => devices.listDevices(),
      revokeDevice: (deviceId) => devices.revokeDevice(deviceId),
      pendingLinks: () => devices.pendingLinks(),
      answerLink: (requestId, options) => devices.answerLink(requestId, options),
      // Once this browser is linked, encrypted history is read again (it showed 'setup-needed' rows).
      linkThisDevice: async (options) => {
        const link = await devices.linkThisDevice(options);
        return {
          ...link,
          confirm: () =>
            link.confirm().then(async (record) => {
              await this.reloadEncryptedHistory();
              return record;
            }),
        };
      },
    };
  }

  /** The recovery backup and a fresh browser's setup, from the crypto chunk. */
  async recovery(): Promise<RecoveryActions> {
    const { recovery } = await this.loadSecurity();
    if (!recovery) throw new AdapterError('encryption-disabled', 'Recovery is not available in this widget');
    // Once this browser has keys, encrypted history is read again (it showed 'setup-needed' rows).
    return {
      ...recovery,
      restore: (passphrase) => recovery.restore(passphrase).then(() => this.reloadEncryptedHistory()),
      startFresh: () => recovery.startFresh().then(() => this.reloadEncryptedHistory()),
    };
  }

  private async reloadEncryptedHistory(): Promise<void> {
    for (const thread of Object.values(this.state.$threads.get())) {
      if (!thread.encrypted) continue;
      this.olderCursor.delete(thread.id);
      this.state.$events.setKey(thread.id, []);
    }
    const open = this.state.$openThreadId.get();
    if (open) await this.openThread(open);
  }

  async enableEncryption(threadId: ThreadId): Promise<void> {
    const thread = await this.adapter.enableEncryption(threadId);
    this.state.putThread(thread);
    await (await this.loadSecurity()).start(thread);
  }

  async markRead(threadId: ThreadId): Promise<void> {
    const thread = this.state.$threads.get()[threadId];
    if (!thread || thread.lastSeq === 0) return;
    await this.adapter.markRead(threadId, thread.lastSeq);
    // Re-read: a read event of someone else may have changed the participants while we waited.
    const current = this.state.$threads.get()[threadId];
    if (current) this.state.putThread({ ...current, unreadCount: 0 });
  }

  typing(threadId: ThreadId): void {
    const now = Date.now();
    if (now - this.lastTypingSent < 3000) return;
    this.lastTypingSent = now;
    void this.adapter.sendTyping(threadId).catch(() => undefined);
  }

  contacts(): Promise<UserProfile[]> {
    return this.adapter.listContacts();
  }

  async addParticipants(threadId: ThreadId, userIds: UserId[]): Promise<void> {
    this.thread(threadId);
    const thread = await this.adapter.addParticipants(threadId, userIds);
    await this.observeMembers(thread);
    this.state.putThread(thread);
  }

  /**
   * Removes someone (or this user, who then leaves). In an encrypted thread, once the server agreed, the
   * membership is recorded as ended, so nothing is sealed to it again, and the next send starts a new epoch
   * without their devices.
   */
  async removeParticipant(threadId: ThreadId, userId: UserId): Promise<void> {
    const before = this.thread(threadId);
    const leaving = before.participants.find((p) => p.userId === userId);
    const thread = await this.adapter.removeParticipant(threadId, userId);
    if (userId === this.state.$session.get()?.user.id) {
      this.state.removeThread(threadId);
      return;
    }
    if (before.encrypted && leaving && this.state.$session.get()?.capabilities.encryptionEnabled)
      await (await this.loadSecurity()).endMembership?.(threadId, leaving);
    await this.observeMembers(thread);
    this.state.putThread(thread);
  }
}
