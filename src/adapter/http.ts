/**
 * The ChatAdapter over HTTP: REST under `<endpoint>/v1` with fetch, live events over a WebSocket with a
 * long-polling fallback (http-events.ts).
 *
 * PROTOCOL.md Part 2 is the specification; routes mirror the ChatAdapter methods and their field names, and
 * request and response bodies are exactly the types in types.ts. The table, for quick reference:
 *   GET    /session                         -> Session
 *   GET    /contacts                        -> UserProfile[]
 *   GET    /threads?cursor&limit            -> Page<Thread>
 *   POST   /threads                         CreateThreadRequest -> Thread
 *   GET    /threads/:t                      -> Thread
 *   PATCH  /threads/:t                      {title} -> Thread
 *   POST   /threads/:t/participants         {userIds} -> Thread
 *   DELETE /threads/:t/participants/:u      -> Thread
 *   POST   /threads/:t/encryption           -> Thread
 *   GET    /threads/:t/messages?before|after&limit -> Page<MessageRecord>
 *   POST   /threads/:t/messages             OutgoingMessage -> MessageRecord
 *   PUT    /keys                            bundle -> 204
 *   GET    /keys?users=a,b                  -> KeyBundle[]
 *   POST   /threads/:t/epochs               EpochKeysUpload -> PutEpochResult (409 with {epoch} also = conflict)
 *   POST   /threads/:t/epochs/:e/sealed     {sealed} -> 204
 *   GET    /threads/:t/epochs               -> EpochRecord[]
 *   GET    /sealed-keys/:recipient?threadId -> SealedKeyRecord[]
 *   PUT    /recovery  RecoveryBlob | DELETE /recovery | GET /recovery -> RecoveryBlob (404 = none)
 *   POST   /link-requests                  {device, commitment} -> LinkRequest
 *   GET    /link-requests                  -> LinkRequest[]
 *   GET    /link-requests/:id              -> LinkRequest
 *   POST   /link-requests/:id/:step        answer {identityKey, nonce} | reveal {nonce} | approve | deny -> LinkRequest
 *   DELETE /link-requests/:id              -> 204
 *   POST   /threads/:t/blobs                octets -> BlobRef
 *   GET    /threads/:t/blobs/:b             -> octets
 *   POST   /threads/:t/read                 {upToSeq} -> 204
 *   POST   /threads/:t/typing               -> 204
 *   WS     /events?token|nonce&after        frames: one LiveEvent JSON each
 *   GET    /events/poll?after&timeout       -> { events: LiveEvent[], cursor: Cursor | null }
 */
import { LiveFeed, type BackoffOptions, type Transport } from './http-events.js';
import {
  downloadWithProgress,
  requestJson,
  uploadWithProgress,
  type HttpAuth,
  type HttpContext,
} from './http-request.js';
import {
  AdapterError,
  type BlobRef,
  type ChatAdapter,
  type CreateThreadRequest,
  type Cursor,
  type EpochKeysUpload,
  type EpochRecord,
  type HistoryQuery,
  type KeyBundle,
  type LinkRequest,
  type LinkStep,
  type LiveEvent,
  type MessageRecord,
  type OutgoingMessage,
  type Page,
  type PutEpochResult,
  type RecoveryBlob,
  type SealedKey,
  type SealedKeyRecord,
  type Session,
  type SubscribeOptions,
  type Subscription,
  type Thread,
  type TransferOptions,
  type UserProfile,
} from './types.js';

export type { BackoffOptions, Transport } from './http-events.js';
export type { HttpAuth } from './http-request.js';

export interface HttpAdapterOptions {
  /** The server's origin and path prefix, e.g. `https://chat.example.com`; `/v1` is appended. */
  endpoint: string;
  auth: HttpAuth;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  backoff?: BackoffOptions;
  transport?: Transport;
  /** How long one long-poll waits on the server, in seconds (default 25). */
  pollSeconds?: number;
}

const seg = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class HttpAdapter implements ChatAdapter {
  private readonly ctx: HttpContext;

  constructor(private readonly options: HttpAdapterOptions) {
    this.ctx = {
      base: options.endpoint.replace(/\/+$/, '') + '/v1',
      auth: options.auth,
      // Called through a wrapper: a bare `window.fetch` held as a method throws "Illegal invocation".
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    };
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(this.ctx, method, path, body);
  }

  getSession(): Promise<Session> {
    return this.call('GET', '/session');
  }

  listContacts(): Promise<UserProfile[]> {
    return this.call('GET', '/contacts');
  }

  listThreads(q: { cursor?: Cursor; limit?: number } = {}): Promise<Page<Thread>> {
    return this.call('GET', `/threads${query({ cursor: q.cursor, limit: q.limit })}`);
  }

  getThread(threadId: string): Promise<Thread> {
    return this.call('GET', `/threads/${seg(threadId)}`);
  }

  createThread(request: CreateThreadRequest): Promise<Thread> {
    return this.call('POST', '/threads', request);
  }

  setTitle(threadId: string, title: string): Promise<Thread> {
    return this.call('PATCH', `/threads/${seg(threadId)}`, { title });
  }

  addParticipants(threadId: string, userIds: string[]): Promise<Thread> {
    return this.call('POST', `/threads/${seg(threadId)}/participants`, { userIds });
  }

  removeParticipant(threadId: string, userId: string): Promise<Thread> {
    return this.call('DELETE', `/threads/${seg(threadId)}/participants/${seg(userId)}`);
  }

  enableEncryption(threadId: string): Promise<Thread> {
    return this.call('POST', `/threads/${seg(threadId)}/encryption`);
  }

  listMessages(threadId: string, q: HistoryQuery = {}): Promise<Page<MessageRecord>> {
    return this.call('GET', `/threads/${seg(threadId)}/messages${query({ ...q })}`);
  }

  sendMessage(threadId: string, message: OutgoingMessage): Promise<MessageRecord> {
    return this.call('POST', `/threads/${seg(threadId)}/messages`, message);
  }

  async publishKeys(bundle: Omit<KeyBundle, 'userId' | 'updatedAt'>): Promise<void> {
    await this.call('PUT', '/keys', bundle);
  }

  fetchKeys(userIds: string[]): Promise<KeyBundle[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.call('GET', `/keys${query({ users: userIds.join(',') })}`);
  }

  async putEpochKeys(upload: EpochKeysUpload): Promise<PutEpochResult> {
    try {
      return await this.call<PutEpochResult>('POST', `/threads/${seg(upload.threadId)}/epochs`, upload);
    } catch (error) {
      // A server may answer the loser with 409 and the winner's record instead of 200 {status:'conflict'}.
      const winner = await this.winnerOnConflict(error, upload);
      if (winner) return { status: 'conflict', epoch: winner };
      throw error;
    }
  }

  private async winnerOnConflict(error: unknown, upload: EpochKeysUpload): Promise<EpochRecord | null> {
    if (!(error instanceof AdapterError) || error.code !== 'conflict') return null;
    const epochs = await this.listEpochs(upload.threadId);
    return epochs.find((e) => e.epoch === upload.epoch) ?? null;
  }

  async addSealedKeys(threadId: string, epoch: number, sealed: SealedKey[]): Promise<void> {
    await this.call('POST', `/threads/${seg(threadId)}/epochs/${epoch}/sealed`, { sealed });
  }

  listEpochs(threadId: string): Promise<EpochRecord[]> {
    return this.call('GET', `/threads/${seg(threadId)}/epochs`);
  }

  getSealedKeys(recipientId: string, q: { threadId?: string } = {}): Promise<SealedKeyRecord[]> {
    return this.call('GET', `/sealed-keys/${seg(recipientId)}${query({ threadId: q.threadId })}`);
  }

  async putRecoveryBlob(blob: RecoveryBlob | null): Promise<void> {
    await (blob ? this.call('PUT', '/recovery', blob) : this.call('DELETE', '/recovery'));
  }

  async getRecoveryBlob(): Promise<RecoveryBlob | null> {
    try {
      return await this.call<RecoveryBlob | null>('GET', '/recovery');
    } catch (error) {
      // Only "this user has no backup" means none; any other 404 (a wrong endpoint) is a real failure.
      if (error instanceof AdapterError && error.code === 'not-found' && error.reason === 'no-recovery')
        return null;
      throw error;
    }
  }

  createLinkRequest(request: { device: LinkRequest['device']; commitment: string }): Promise<LinkRequest> {
    return this.call('POST', '/link-requests', request);
  }

  listLinkRequests(): Promise<LinkRequest[]> {
    return this.call('GET', '/link-requests');
  }

  getLinkRequest(requestId: string): Promise<LinkRequest> {
    return this.call('GET', `/link-requests/${seg(requestId)}`);
  }

  advanceLinkRequest(requestId: string, { step, ...body }: LinkStep): Promise<LinkRequest> {
    return this.call('POST', `/link-requests/${seg(requestId)}/${step}`, body);
  }

  async deleteLinkRequest(requestId: string): Promise<void> {
    await this.call('DELETE', `/link-requests/${seg(requestId)}`);
  }

  uploadBlob(threadId: string, data: Blob, options?: TransferOptions): Promise<BlobRef> {
    return uploadWithProgress<BlobRef>(this.ctx, `/threads/${seg(threadId)}/blobs`, data, options);
  }

  downloadBlob(threadId: string, blobId: string, options?: TransferOptions): Promise<Blob> {
    return downloadWithProgress(this.ctx, `/threads/${seg(threadId)}/blobs/${seg(blobId)}`, options);
  }

  async markRead(threadId: string, upToSeq: number): Promise<void> {
    await this.call('POST', `/threads/${seg(threadId)}/read`, { upToSeq });
  }

  async sendTyping(threadId: string): Promise<void> {
    await this.call('POST', `/threads/${seg(threadId)}/typing`);
  }

  subscribe(listener: (event: LiveEvent) => void, options: SubscribeOptions = {}): Subscription {
    return new LiveFeed({
      ctx: this.ctx,
      WebSocket: this.options.WebSocket ?? globalThis.WebSocket,
      transport: this.options.transport ?? 'auto',
      backoff: this.options.backoff ?? {},
      pollSeconds: this.options.pollSeconds ?? 25,
      after: options.after,
      listener,
      onConnectionChange: options.onConnectionChange,
    });
  }
}
