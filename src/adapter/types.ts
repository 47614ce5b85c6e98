/**
 * The backend contract: the one interface between the widget and any backend.
 *
 * Everything here is a protocol type. Key material and envelopes cross this boundary as opaque
 * base64url strings: the adapter and the server never interpret them beyond what PROTOCOL.md states
 * (the server parses an envelope's header to check it is well formed, and nothing more).
 */

export type UserId = string;
export type ThreadId = string;
export type DeviceId = string;
/** The server's id for a stored message. */
export type MessageId = string;
/** The sender's id for a message: the idempotency key, and what edits, replies and reactions point at. */
export type ClientMessageId = string;
/** An opaque position in a list, handed back to page on. */
export type Cursor = string;
/** base64url without padding. */
export type Base64Url = string;
/** ISO 8601 timestamp in UTC, as the server recorded it. */
export type IsoTime = string;

export interface UserProfile {
  id: UserId;
  displayName: string;
  /** A role from the site's role matrix (for the law-firm matrix: partner, associate, ...). */
  role?: string;
}

/** What this site and this user's role allow. */
export interface SiteCapabilities {
  /** End-to-end encryption is switched on for the site. */
  encryptionEnabled: boolean;
  /** This user may create encrypted threads and turn encryption on in existing ones. */
  canStartEncryptedThreads: boolean;
  /** Largest blob the server stores, in bytes (ciphertext size). */
  maxUploadBytes: number;
  /** Largest message body the server accepts, in bytes. */
  maxMessageBytes: number;
}

export interface Session {
  user: UserProfile;
  capabilities: SiteCapabilities;
}

export interface Participant {
  userId: UserId;
  displayName: string;
  role?: string;
  joinedAt: IsoTime;
  /** Server sequence number of the last message this participant has read. */
  readUpTo: number;
}

export interface Thread {
  id: ThreadId;
  /** Plain text chosen by a user; the UI renders it as text, never as markup. */
  title: string;
  participants: Participant[];
  /** One-way: once true, never false again. */
  encrypted: boolean;
  encryptedAt: IsoTime | null;
  createdBy: UserId;
  createdAt: IsoTime;
  lastActivityAt: IsoTime;
  /** Server sequence number of the newest message (0 when empty). */
  lastSeq: number;
  /** Messages after the caller's read position. */
  unreadCount: number;
}

export interface Page<T> {
  items: T[];
  /** Pass back to continue in the same direction; null when there is nothing more. */
  next: Cursor | null;
}

/** What a message says: the plaintext of an envelope, or the body of a message in a plain thread. */
export type MessageContent =
  | { type: 'text'; text: string; mentions?: UserId[] }
  | { type: 'reply'; target: ClientMessageId; text: string; mentions?: UserId[] }
  | { type: 'edit'; target: ClientMessageId; text: string; mentions?: UserId[] }
  | { type: 'delete'; target: ClientMessageId }
  | { type: 'reaction'; target: ClientMessageId; emoji: string; remove?: boolean }
  | {
      type: 'attachment';
      blobId: string;
      name: string;
      mime: string;
      /** Plaintext size in bytes. */
      size: number;
      /** SHA-256 of the plaintext, base64url. */
      sha256?: Base64Url;
      /** The per-file Cobblestone key, base64url. Present only inside an envelope. */
      key?: Base64Url;
      caption?: string;
      replyTo?: ClientMessageId;
    };

export type MessageBody =
  | { kind: 'plain'; content: MessageContent }
  /** A protocol-v1 envelope (PROTOCOL.md), base64url. */
  | { kind: 'envelope'; envelope: Base64Url };

export interface MessageRecord {
  id: MessageId;
  threadId: ThreadId;
  clientId: ClientMessageId;
  senderId: UserId;
  /** Server-assigned, strictly increasing per thread, from 1. */
  seq: number;
  createdAt: IsoTime;
  body: MessageBody;
}

export interface OutgoingMessage {
  clientId: ClientMessageId;
  body: MessageBody;
}

export interface HistoryQuery {
  /** Messages with seq lower than this cursor's, newest first. Omit both for the newest page. */
  before?: Cursor;
  /** Messages with seq higher than this cursor's, oldest first. */
  after?: Cursor;
  limit?: number;
}

export interface CreateThreadRequest {
  title: string;
  participantIds: UserId[];
  encrypted: boolean;
}

/** One device as its owner published it. Keys are opaque to the server. */
export interface PublishedDevice {
  deviceId: DeviceId;
  /** SPKI of the device's ECDSA P-256 signing key, base64url. */
  signingKey: Base64Url;
  /** SPKI of the device's HPKE (ECDH P-256) key, base64url. */
  hpkeKey: Base64Url;
}

/** A user's keys: the identity key, the signed device list, and the recovery key if recovery is on. */
export interface KeyBundle {
  userId: UserId;
  /** SPKI of the identity ECDSA P-256 key, base64url. */
  identityKey: Base64Url;
  /** The device list signed by the identity key (PROTOCOL.md), base64url. */
  signedDeviceList: Base64Url;
  devices: PublishedDevice[];
  /** Recipient id and HPKE public key of the recovery backup, when recovery is on. */
  backup?: { recipientId: DeviceId; hpkeKey: Base64Url } | null;
  updatedAt?: IsoTime;
}

export interface SealedKey {
  /** A device id of the recipient, or their backup recipient id. */
  recipientId: DeviceId;
  /** HPKE encapsulated key and ciphertext (PROTOCOL.md), base64url. */
  sealed: Base64Url;
}

export interface EpochKeysUpload {
  threadId: ThreadId;
  epoch: number;
  /** The creator's signed epoch announcement, base64url. Set only by the first writer of an epoch. */
  announcement: Base64Url;
  sealed: SealedKey[];
}

export interface EpochRecord {
  threadId: ThreadId;
  epoch: number;
  announcement: Base64Url;
  createdBy: UserId;
  createdAt: IsoTime;
}

export interface SealedKeyRecord extends SealedKey {
  threadId: ThreadId;
  epoch: number;
  announcement: Base64Url;
}

export type PutEpochResult =
  /** This upload created the epoch. */
  | { status: 'created'; epoch: EpochRecord }
  /** Another writer created this epoch first; adopt theirs. */
  | { status: 'conflict'; epoch: EpochRecord };

/** Opaque encrypted recovery data (PROTOCOL.md), stored per user. */
export interface RecoveryBlob {
  blob: Base64Url;
  updatedAt?: IsoTime;
}

/**
 * Where a device-link request stands (PROTOCOL.md 2.7.1): the new device created it (`pending`), an existing
 * device answered with the identity key and its nonce (`answered`), the new device revealed its nonce
 * (`revealed`), and the existing device approved it after the user compared the code, or either side denied it.
 * A request not approved or denied within its lifetime is `expired`.
 */
export type LinkRequestStatus = 'pending' | 'answered' | 'revealed' | 'approved' | 'denied' | 'expired';

export interface LinkRequest {
  id: string;
  status: LinkRequestStatus;
  /** The new device's keys (PROTOCOL.md 1.11). */
  device: PublishedDevice;
  /** SHA-256 commitment to the new device's keys and nonce, base64url. */
  commitment: Base64Url;
  /** The existing device's answer: the identity key (SPKI) and its nonce, base64url. */
  answer: { identityKey: Base64Url; nonce: Base64Url } | null;
  /** The new device's nonce, once revealed, base64url. */
  nonce: Base64Url | null;
  createdAt: IsoTime;
  expiresAt: IsoTime;
}

/** One step of a link request, by either device of the same user. */
export type LinkStep =
  | { step: 'answer'; identityKey: Base64Url; nonce: Base64Url }
  | { step: 'reveal'; nonce: Base64Url }
  | { step: 'approve' }
  | { step: 'deny' };

export interface TransferOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export interface BlobRef {
  blobId: string;
  size: number;
}

/** Live events. `cursor` orders the caller's feed; a resumed subscription starts after the last one seen. */
export type LiveEvent =
  | { type: 'message'; cursor: Cursor; message: MessageRecord }
  | { type: 'thread'; cursor: Cursor; thread: Thread }
  | { type: 'thread-removed'; cursor: Cursor; threadId: ThreadId }
  | { type: 'epoch'; cursor: Cursor; threadId: ThreadId; epoch: number }
  | { type: 'keys'; cursor: Cursor; userId: UserId }
  | { type: 'read'; cursor: Cursor; threadId: ThreadId; userId: UserId; readUpTo: number }
  | { type: 'typing'; cursor: Cursor; threadId: ThreadId; userId: UserId };

export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline';

export interface Subscription {
  unsubscribe(): void;
}

export interface SubscribeOptions {
  /** Resume after this cursor; omit to start from now. */
  after?: Cursor;
  onConnectionChange?: (state: ConnectionState) => void;
}

export type AdapterErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'too-large'
  | 'rate-limited'
  | 'encryption-required'
  | 'encryption-disabled'
  | 'network'
  | 'aborted'
  | 'server';

/** Every adapter failure is one of these, never a bare string. */
export class AdapterError extends Error {
  override readonly name = 'AdapterError';
  constructor(
    readonly code: AdapterErrorCode,
    message: string,
    readonly status?: number,
    /** The server's machine-readable reason, where it gave one. */
    readonly reason?: string,
  ) {
    super(message);
  }

  /** Worth trying again later, unchanged. */
  get retryable(): boolean {
    return this.code === 'network' || this.code === 'rate-limited' || this.code === 'server';
  }
}

export interface ChatAdapter {
  // Session
  getSession(): Promise<Session>;
  /** People this user may message, under the site's role matrix. */
  listContacts(): Promise<UserProfile[]>;

  // Threads
  listThreads(query?: { cursor?: Cursor; limit?: number }): Promise<Page<Thread>>;
  getThread(threadId: ThreadId): Promise<Thread>;
  createThread(request: CreateThreadRequest): Promise<Thread>;
  setTitle(threadId: ThreadId, title: string): Promise<Thread>;
  addParticipants(threadId: ThreadId, userIds: UserId[]): Promise<Thread>;
  removeParticipant(threadId: ThreadId, userId: UserId): Promise<Thread>;
  /** One-way. Enabling an already encrypted thread succeeds and changes nothing. */
  enableEncryption(threadId: ThreadId): Promise<Thread>;

  // Messages
  listMessages(threadId: ThreadId, query?: HistoryQuery): Promise<Page<MessageRecord>>;
  /** Idempotent by clientId: sending the same clientId again returns the stored message. */
  sendMessage(threadId: ThreadId, message: OutgoingMessage): Promise<MessageRecord>;

  // Keys
  publishKeys(bundle: Omit<KeyBundle, 'userId' | 'updatedAt'>): Promise<void>;
  fetchKeys(userIds: UserId[]): Promise<KeyBundle[]>;
  /** First writer wins per (thread, epoch). */
  putEpochKeys(upload: EpochKeysUpload): Promise<PutEpochResult>;
  /** Seal an existing epoch to recipients that lack it (a late device, a pending participant). */
  addSealedKeys(threadId: ThreadId, epoch: number, sealed: SealedKey[]): Promise<void>;
  listEpochs(threadId: ThreadId): Promise<EpochRecord[]>;
  /** Sealed keys addressed to one of the caller's recipient ids (a device or the backup). */
  getSealedKeys(recipientId: DeviceId, query?: { threadId?: ThreadId }): Promise<SealedKeyRecord[]>;
  putRecoveryBlob(blob: RecoveryBlob | null): Promise<void>;
  getRecoveryBlob(): Promise<RecoveryBlob | null>;

  // Linking a device (PROTOCOL.md 2.7.1): requests live a few minutes and are seen only by the same user.
  createLinkRequest(request: { device: PublishedDevice; commitment: Base64Url }): Promise<LinkRequest>;
  /** The caller's requests that have not expired, newest first. */
  listLinkRequests(): Promise<LinkRequest[]>;
  getLinkRequest(requestId: string): Promise<LinkRequest>;
  advanceLinkRequest(requestId: string, step: LinkStep): Promise<LinkRequest>;
  deleteLinkRequest(requestId: string): Promise<void>;

  // Blobs
  uploadBlob(threadId: ThreadId, data: Blob, options?: TransferOptions): Promise<BlobRef>;
  downloadBlob(threadId: ThreadId, blobId: string, options?: TransferOptions): Promise<Blob>;

  // Read state and typing
  markRead(threadId: ThreadId, upToSeq: number): Promise<void>;
  sendTyping(threadId: ThreadId): Promise<void>;

  // Live events
  subscribe(listener: (event: LiveEvent) => void, options?: SubscribeOptions): Subscription;
}
