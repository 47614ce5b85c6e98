import type { ClientMessageId, ThreadId, UserId, UserProfile } from '../adapter/types.js';

/** An upload or download in progress, for the UI's progress bars. */
export interface Transfer {
  id: string;
  threadId: ThreadId;
  name: string;
  loaded: number;
  total: number;
  direction: 'up' | 'down';
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
}

/**
 * What the UI may ask of the engine. Components receive it through @lit/context (`chatContext`) with the
 * stores; they never call an adapter, the vault or Web Crypto themselves.
 */
export interface ChatActions {
  openThread(threadId: ThreadId | null): Promise<void>;
  createThread(request: { title: string; participantIds: UserId[]; encrypted: boolean }): Promise<ThreadId>;
  sendText(
    threadId: ThreadId,
    text: string,
    options?: { replyTo?: ClientMessageId; mentions?: UserId[] },
  ): Promise<void>;
  editMessage(
    threadId: ThreadId,
    target: ClientMessageId,
    text: string,
    options?: { mentions?: UserId[] },
  ): Promise<void>;
  deleteMessage(threadId: ThreadId, target: ClientMessageId): Promise<void>;
  react(threadId: ThreadId, target: ClientMessageId, emoji: string, remove?: boolean): Promise<void>;
  retrySend(clientId: ClientMessageId): Promise<void>;
  discardSend(clientId: ClientMessageId): Promise<void>;
  loadOlder(threadId: ThreadId): Promise<void>;
  attachFiles(threadId: ThreadId, files: File[], options?: { caption?: string }): Promise<void>;
  cancelTransfer(transferId: string): void;
  /** Decrypts an attachment in the browser and returns it as a Blob (for a preview or a download). */
  openAttachment(threadId: ThreadId, clientId: ClientMessageId): Promise<Blob>;
  enableEncryption(threadId: ThreadId): Promise<void>;
  markRead(threadId: ThreadId): Promise<void>;
  typing(threadId: ThreadId): void;
  contacts(): Promise<UserProfile[]>;
  /** Adds people to a thread (the server applies its role matrix); in an encrypted thread they read from now on. */
  addParticipants(threadId: ThreadId, userIds: UserId[]): Promise<void>;
  /** Removes someone; in an encrypted thread they cannot open what is sent afterwards. */
  removeParticipant(threadId: ThreadId, userId: UserId): Promise<void>;
}
