/**
 * An in-process backend with the server's rules, for tests and an offline demo: one hub holds many users, and
 * each user talks to it through their own `ChatAdapter`. Same semantics as the protocol: idempotent sends by
 * client id, first writer wins per (thread, epoch), one-way encryption, envelopes only in encrypted threads,
 * participants only, per-user live feeds with resumable cursors.
 */
import { LinkRequestBook } from './memory-links.js';
import {
  AdapterError,
  type BlobRef,
  type ChatAdapter,
  type EpochRecord,
  type KeyBundle,
  type LinkStep,
  type LiveEvent,
  type MessageRecord,
  type Page,
  type SealedKeyRecord,
  type SiteCapabilities,
  type Subscription,
  type Thread,
  type UserProfile,
} from './types.js';

type FeedEvent = LiveEvent;
type Listener = (event: LiveEvent) => void;
type WithoutCursor<T> = T extends unknown ? Omit<T, 'cursor'> : never;

const DEFAULT_CAPABILITIES: SiteCapabilities = {
  encryptionEnabled: true,
  canStartEncryptedThreads: true,
  maxUploadBytes: 25 * 1024 * 1024,
  maxMessageBytes: 64 * 1024,
};

interface StoredThread {
  thread: Omit<Thread, 'unreadCount'>;
  messages: MessageRecord[];
}

const clone = <T>(value: T): T => structuredClone(value);

/** Reads the fixed part of a protocol-v1 envelope header: version, suite, thread, sender, client id. */
function envelopeHeader(
  base64url: string,
): { threadId: string; senderUserId: string; clientId: string } | null {
  try {
    const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    if (bytes[0] !== 1 || bytes[1] !== 1 || bytes.length < 18) return null;
    let at = 18;
    const field = () => {
      const length = bytes[at] ?? 0;
      if (length === 0 || at + 1 + length > bytes.length) throw new Error('short');
      const value = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at + 1, at + 1 + length));
      at += 1 + length;
      return value;
    };
    const threadId = field();
    const senderUserId = field();
    field();
    const clientId = field();
    // nonce, u32 length, ciphertext (>= 16), 64-byte signature, nothing after
    const length = new DataView(bytes.buffer).getUint32(at + 12);
    if (length < 16 || at + 12 + 4 + length + 64 !== bytes.length) return null;
    return { threadId, senderUserId, clientId };
  } catch {
    return null;
  }
}

export class MemoryHub {
  private readonly users = new Map<string, UserProfile>();
  private readonly threads = new Map<string, StoredThread>();
  private readonly feeds = new Map<string, FeedEvent[]>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly bundles = new Map<string, KeyBundle>();
  private readonly epochs = new Map<string, EpochRecord>();
  private readonly sealed: SealedKeyRecord[] = [];
  private readonly recovery = new Map<string, string>();
  private readonly blobs = new Map<string, { threadId: string; data: Blob }>();
  private cursor = 0;
  private ids = 0;
  readonly capabilities: SiteCapabilities;
  /** Device-link requests; tests may set `links.now` to expire them. */
  readonly links = new LinkRequestBook();

  constructor(options: { capabilities?: Partial<SiteCapabilities> } = {}) {
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  }

  addUser(profile: UserProfile): void {
    this.users.set(profile.id, profile);
  }

  adapterFor(userId: string): ChatAdapter {
    if (!this.users.has(userId)) throw new AdapterError('unauthorized', `No user ${userId}`, 401);
    return new MemoryAdapter(this, userId);
  }

  // Internal operations, called by MemoryAdapter with the caller's id.

  /** @internal */
  emit(userIds: Iterable<string>, event: WithoutCursor<LiveEvent>): void {
    for (const userId of new Set(userIds)) {
      const full = { ...event, cursor: String(++this.cursor) } as LiveEvent;
      if (event.type !== 'typing') {
        const feed = this.feeds.get(userId) ?? [];
        feed.push(full);
        this.feeds.set(userId, feed);
      }
      for (const listener of this.listeners.get(userId) ?? []) queueMicrotask(() => listener(clone(full)));
    }
  }

  /** @internal */
  subscribe(userId: string, listener: Listener, after?: string): Subscription {
    const set = this.listeners.get(userId) ?? new Set<Listener>();
    this.listeners.set(userId, set);
    if (after !== undefined) {
      for (const event of this.feeds.get(userId) ?? []) {
        if (Number(event.cursor) > Number(after)) queueMicrotask(() => listener(clone(event)));
      }
    }
    set.add(listener);
    return { unsubscribe: () => set.delete(listener) };
  }

  /** @internal */
  user(userId: string): UserProfile {
    const user = this.users.get(userId);
    if (!user) throw new AdapterError('not-found', `No user ${userId}`, 404, 'unknown-user');
    return user;
  }

  /** @internal */
  allUsers(): UserProfile[] {
    return [...this.users.values()];
  }

  /** @internal */
  stored(threadId: string, callerId: string): StoredThread {
    const stored = this.threads.get(threadId);
    if (!stored) throw new AdapterError('not-found', `No thread ${threadId}`, 404, 'unknown-thread');
    if (!stored.thread.participants.some((p) => p.userId === callerId)) {
      throw new AdapterError('forbidden', 'Not a participant of this thread', 403, 'not-a-participant');
    }
    return stored;
  }

  /** @internal */
  view(stored: StoredThread, callerId: string): Thread {
    const me = stored.thread.participants.find((p) => p.userId === callerId);
    const unreadCount = stored.messages.filter(
      (m) => m.seq > (me?.readUpTo ?? 0) && m.senderId !== callerId,
    ).length;
    return clone({ ...stored.thread, unreadCount });
  }

  /** @internal */
  threadsOf(callerId: string): StoredThread[] {
    return [...this.threads.values()].filter((s) => s.thread.participants.some((p) => p.userId === callerId));
  }

  /** @internal */
  putThread(stored: StoredThread): void {
    this.threads.set(stored.thread.id, stored);
  }

  /** @internal */
  nextId(prefix: string): string {
    return `${prefix}${++this.ids}`;
  }

  /** @internal */
  keys = {
    bundles: this.bundles,
    epochs: this.epochs,
    sealed: this.sealed,
    recovery: this.recovery,
    blobs: this.blobs,
  };

  /** @internal */
  notifyThread(stored: StoredThread): void {
    const participants = stored.thread.participants.map((p) => p.userId);
    for (const userId of participants)
      this.emit([userId], { type: 'thread', thread: this.view(stored, userId) });
  }

  /** @internal */
  readonly checkEnvelope = envelopeHeader;
}

function pageOf<T>(items: T[], cursor: string | undefined, limit: number): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  const slice = items.slice(start, start + limit);
  return { items: slice, next: start + limit < items.length ? String(start + limit) : null };
}

class MemoryAdapter implements ChatAdapter {
  constructor(
    private readonly hub: MemoryHub,
    private readonly me: string,
  ) {}

  private now(): string {
    return new Date().toISOString();
  }

  async getSession() {
    return { user: clone(this.hub.user(this.me)), capabilities: clone(this.hub.capabilities) };
  }

  async listContacts() {
    return this.hub
      .allUsers()
      .filter((u) => u.id !== this.me)
      .map(clone);
  }

  async listThreads(query: { cursor?: string; limit?: number } = {}) {
    const threads = this.hub
      .threadsOf(this.me)
      .map((s) => this.hub.view(s, this.me))
      .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
    return pageOf(threads, query.cursor, query.limit ?? 50);
  }

  async getThread(threadId: string) {
    return this.hub.view(this.hub.stored(threadId, this.me), this.me);
  }

  async createThread(request: { title: string; participantIds: string[]; encrypted: boolean }) {
    if (
      request.encrypted &&
      !(this.hub.capabilities.encryptionEnabled && this.hub.capabilities.canStartEncryptedThreads)
    ) {
      throw new AdapterError(
        'encryption-disabled',
        'Encrypted threads are not allowed here',
        403,
        'encryption-disabled',
      );
    }
    const now = this.now();
    const ids = [...new Set([this.me, ...request.participantIds])];
    const participants = ids.map((userId) => ({
      userId,
      displayName: this.hub.user(userId).displayName,
      joinedAt: now,
      readUpTo: 0,
    }));
    const stored: StoredThread = {
      thread: {
        id: this.hub.nextId('t'),
        title: request.title,
        participants,
        encrypted: request.encrypted,
        encryptedAt: request.encrypted ? now : null,
        createdBy: this.me,
        createdAt: now,
        lastActivityAt: now,
        lastSeq: 0,
      },
      messages: [],
    };
    this.hub.putThread(stored);
    this.hub.notifyThread(stored);
    return this.hub.view(stored, this.me);
  }

  private async change(threadId: string, apply: (stored: StoredThread) => void) {
    const stored = this.hub.stored(threadId, this.me);
    const before = stored.thread.participants.map((p) => p.userId);
    apply(stored);
    this.hub.notifyThread(stored);
    const removed = before.filter((id) => !stored.thread.participants.some((p) => p.userId === id));
    for (const userId of removed) this.hub.emit([userId], { type: 'thread-removed', threadId });
    return this.hub.view(stored, this.me);
  }

  setTitle(threadId: string, title: string) {
    return this.change(threadId, (s) => void (s.thread.title = title));
  }

  addParticipants(threadId: string, userIds: string[]) {
    return this.change(threadId, (s) => {
      for (const userId of userIds) {
        if (s.thread.participants.some((p) => p.userId === userId)) continue;
        s.thread.participants.push({
          userId,
          displayName: this.hub.user(userId).displayName,
          joinedAt: this.now(),
          readUpTo: s.thread.lastSeq,
        });
      }
    });
  }

  removeParticipant(threadId: string, userId: string) {
    return this.change(threadId, (s) => {
      s.thread.participants = s.thread.participants.filter((p) => p.userId !== userId);
    });
  }

  enableEncryption(threadId: string) {
    if (!this.hub.capabilities.encryptionEnabled || !this.hub.capabilities.canStartEncryptedThreads) {
      return Promise.reject(new AdapterError('encryption-disabled', 'Encryption is not allowed here', 403));
    }
    return this.change(threadId, (s) => {
      if (s.thread.encrypted) return;
      s.thread.encrypted = true;
      s.thread.encryptedAt = this.now();
    });
  }

  async listMessages(threadId: string, query: { before?: string; after?: string; limit?: number } = {}) {
    const { messages } = this.hub.stored(threadId, this.me);
    const limit = query.limit ?? 50;
    if (query.after !== undefined) {
      const items = messages.filter((m) => m.seq > Number(query.after)).slice(0, limit);
      const last = items.at(-1);
      return { items: clone(items), next: last && last.seq < messages.length ? String(last.seq) : null };
    }
    const below =
      query.before !== undefined ? messages.filter((m) => m.seq < Number(query.before)) : messages;
    const items = below.slice(-limit).reverse();
    const oldest = items.at(-1);
    return { items: clone(items), next: oldest && oldest.seq > 1 ? String(oldest.seq) : null };
  }

  async sendMessage(threadId: string, message: { clientId: string; body: MessageRecord['body'] }) {
    const stored = this.hub.stored(threadId, this.me);
    const existing = stored.messages.find((m) => m.clientId === message.clientId);
    if (existing) return clone(existing);
    if (stored.thread.encrypted) {
      if (message.body.kind !== 'envelope') {
        throw new AdapterError('encryption-required', 'This thread is encrypted', 400, 'encryption-required');
      }
      const header = this.hub.checkEnvelope(message.body.envelope);
      if (
        !header ||
        header.threadId !== threadId ||
        header.senderUserId !== this.me ||
        header.clientId !== message.clientId
      ) {
        throw new AdapterError(
          'invalid',
          'Not a well-formed envelope for this thread',
          400,
          'envelope-malformed',
        );
      }
    }
    const record: MessageRecord = {
      id: this.hub.nextId('m'),
      threadId,
      clientId: message.clientId,
      senderId: this.me,
      seq: stored.messages.length + 1,
      createdAt: this.now(),
      body: clone(message.body),
    };
    stored.messages.push(record);
    stored.thread.lastSeq = record.seq;
    stored.thread.lastActivityAt = record.createdAt;
    this.hub.emit(
      stored.thread.participants.map((p) => p.userId),
      { type: 'message', message: record },
    );
    return clone(record);
  }

  async publishKeys(bundle: Omit<KeyBundle, 'userId' | 'updatedAt'>) {
    this.hub.keys.bundles.set(this.me, { ...clone(bundle), userId: this.me, updatedAt: this.now() });
    this.hub.emit(
      this.hub.allUsers().map((u) => u.id),
      { type: 'keys', userId: this.me },
    );
  }

  async fetchKeys(userIds: string[]) {
    return userIds
      .map((id) => this.hub.keys.bundles.get(id))
      .filter((b): b is KeyBundle => !!b)
      .map(clone);
  }

  async putEpochKeys(upload: {
    threadId: string;
    epoch: number;
    announcement: string;
    sealed: { recipientId: string; sealed: string }[];
  }) {
    const stored = this.hub.stored(upload.threadId, this.me);
    const key = `${upload.threadId}#${upload.epoch}`;
    const existing = this.hub.keys.epochs.get(key);
    if (existing) return { status: 'conflict' as const, epoch: clone(existing) };
    const epoch = {
      threadId: upload.threadId,
      epoch: upload.epoch,
      announcement: upload.announcement,
      createdBy: this.me,
      createdAt: this.now(),
    };
    this.hub.keys.epochs.set(key, epoch);
    for (const s of upload.sealed) {
      this.hub.keys.sealed.push({
        ...s,
        threadId: upload.threadId,
        epoch: upload.epoch,
        announcement: upload.announcement,
      });
    }
    this.hub.emit(
      stored.thread.participants.map((p) => p.userId),
      { type: 'epoch', threadId: upload.threadId, epoch: upload.epoch },
    );
    return { status: 'created' as const, epoch: clone(epoch) };
  }

  async addSealedKeys(threadId: string, epoch: number, sealed: { recipientId: string; sealed: string }[]) {
    this.hub.stored(threadId, this.me);
    const record = this.hub.keys.epochs.get(`${threadId}#${epoch}`);
    if (!record) throw new AdapterError('not-found', 'No such epoch', 404, 'unknown-epoch');
    for (const s of sealed) {
      const taken = this.hub.keys.sealed.some(
        (k) => k.threadId === threadId && k.epoch === epoch && k.recipientId === s.recipientId,
      );
      if (!taken) this.hub.keys.sealed.push({ ...s, threadId, epoch, announcement: record.announcement });
    }
  }

  async listEpochs(threadId: string) {
    this.hub.stored(threadId, this.me);
    return [...this.hub.keys.epochs.values()].filter((e) => e.threadId === threadId).map(clone);
  }

  async getSealedKeys(recipientId: string, query: { threadId?: string } = {}) {
    const bundle = this.hub.keys.bundles.get(this.me);
    const mine =
      bundle?.devices.some((d) => d.deviceId === recipientId) || bundle?.backup?.recipientId === recipientId;
    if (!mine) throw new AdapterError('forbidden', 'Not one of your devices', 403, 'not-your-device');
    return this.hub.keys.sealed
      .filter((s) => s.recipientId === recipientId && (!query.threadId || s.threadId === query.threadId))
      .map(clone);
  }

  async putRecoveryBlob(blob: { blob: string } | null) {
    if (blob) this.hub.keys.recovery.set(this.me, blob.blob);
    else this.hub.keys.recovery.delete(this.me);
  }

  async getRecoveryBlob() {
    const blob = this.hub.keys.recovery.get(this.me);
    return blob ? { blob } : null;
  }

  async createLinkRequest(request: Parameters<ChatAdapter['createLinkRequest']>[0]) {
    return this.hub.links.create(this.me, clone(request));
  }

  async listLinkRequests() {
    return this.hub.links.list(this.me);
  }

  async getLinkRequest(requestId: string) {
    return this.hub.links.get(this.me, requestId);
  }

  async advanceLinkRequest(requestId: string, step: LinkStep) {
    return this.hub.links.advance(this.me, requestId, clone(step));
  }

  async deleteLinkRequest(requestId: string) {
    this.hub.links.delete(this.me, requestId);
  }

  async uploadBlob(
    threadId: string,
    data: Blob,
    options: { onProgress?: (l: number, t: number) => void; signal?: AbortSignal } = {},
  ): Promise<BlobRef> {
    this.hub.stored(threadId, this.me);
    if (options.signal?.aborted) throw new AdapterError('aborted', 'Upload cancelled');
    if (data.size > this.hub.capabilities.maxUploadBytes) {
      throw new AdapterError('too-large', 'The file is larger than this site allows', 413, 'blob-too-large');
    }
    options.onProgress?.(data.size, data.size);
    const blobId = this.hub.nextId('b');
    this.hub.keys.blobs.set(blobId, { threadId, data });
    return { blobId, size: data.size };
  }

  async downloadBlob(
    threadId: string,
    blobId: string,
    options: { onProgress?: (l: number, t: number) => void; signal?: AbortSignal } = {},
  ) {
    this.hub.stored(threadId, this.me);
    const blob = this.hub.keys.blobs.get(blobId);
    if (!blob || blob.threadId !== threadId)
      throw new AdapterError('not-found', 'No such blob', 404, 'unknown-blob');
    if (options.signal?.aborted) throw new AdapterError('aborted', 'Download cancelled');
    options.onProgress?.(blob.data.size, blob.data.size);
    return blob.data;
  }

  async markRead(threadId: string, upToSeq: number) {
    const stored = this.hub.stored(threadId, this.me);
    const me = stored.thread.participants.find((p) => p.userId === this.me)!;
    me.readUpTo = Math.max(me.readUpTo, Math.min(upToSeq, stored.thread.lastSeq));
    this.hub.emit(
      stored.thread.participants.map((p) => p.userId),
      { type: 'read', threadId, userId: this.me, readUpTo: me.readUpTo },
    );
  }

  async sendTyping(threadId: string) {
    const stored = this.hub.stored(threadId, this.me);
    this.hub.emit(
      stored.thread.participants.map((p) => p.userId).filter((id) => id !== this.me),
      { type: 'typing', threadId, userId: this.me },
    );
  }

  subscribe(
    listener: (event: LiveEvent) => void,
    options: { after?: string; onConnectionChange?: (s: 'live') => void } = {},
  ) {
    const subscription = this.hub.subscribe(this.me, listener, options.after);
    queueMicrotask(() => options.onConnectionChange?.('live'));
    return subscription;
  }
}
