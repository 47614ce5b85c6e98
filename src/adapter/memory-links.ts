/**
 * The in-memory hub's device-link requests, with the reference server's rules (PROTOCOL.md 2.7.1): seen only by
 * their user, each step allowed only from the status before it, expired after `LINK_REQUEST_TTL_MS`.
 */
import {
  AdapterError,
  type LinkRequest,
  type LinkRequestStatus,
  type LinkStep,
  type PublishedDevice,
} from './types.js';

/** How long a link request lives: long enough to walk to the other device, short enough to be stale soon. */
export const LINK_REQUEST_TTL_MS = 5 * 60 * 1000;
/** Open (not finished, not expired) requests one user may have at once. */
export const MAX_OPEN_LINK_REQUESTS = 5;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ID = /^[A-Za-z0-9_\-.:@]{1,128}$/;

const invalid = (reason: string, message: string) => new AdapterError('invalid', message, 400, reason);
const conflict = (reason: string, message: string) => new AdapterError('conflict', message, 409, reason);

function base64url(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || !BASE64URL.test(value))
    throw invalid('bad-field', `${name} must be base64url`);
  return value;
}

/** The status before each step. */
const FROM: Record<LinkStep['step'], LinkRequestStatus[]> = {
  answer: ['pending'],
  reveal: ['answered'],
  approve: ['revealed'],
  deny: ['pending', 'answered', 'revealed'],
};
const AFTER = { answer: 'answered', reveal: 'revealed', approve: 'approved', deny: 'denied' } as const;

interface Stored {
  userId: string;
  request: LinkRequest;
  expiresMs: number;
}

export class LinkRequestBook {
  private readonly requests = new Map<string, Stored>();
  private ids = 0;
  /** The hub's clock; a test may move it to expire requests. */
  now: () => number = Date.now;

  private view(stored: Stored): LinkRequest {
    const { request } = stored;
    const open = request.status !== 'approved' && request.status !== 'denied';
    const status = open && this.now() >= stored.expiresMs ? 'expired' : request.status;
    return structuredClone({ ...request, status });
  }

  private find(userId: string, requestId: string): Stored {
    const stored = this.requests.get(requestId);
    // Another user's request is as unknown as one that never existed.
    if (!stored || stored.userId !== userId)
      throw new AdapterError('not-found', 'No such link request', 404, 'unknown-link-request');
    return stored;
  }

  create(userId: string, body: { device: PublishedDevice; commitment: string }): LinkRequest {
    const device = body?.device;
    if (!device || typeof device !== 'object') throw invalid('missing-field', 'device is required');
    if (typeof device.deviceId !== 'string' || !ID.test(device.deviceId))
      throw invalid('bad-id', 'device.deviceId is not an id');
    const request: LinkRequest = {
      id: `link${++this.ids}-${crypto.randomUUID()}`,
      status: 'pending',
      device: {
        deviceId: device.deviceId,
        signingKey: base64url(device.signingKey, 'device.signingKey'),
        hpkeKey: base64url(device.hpkeKey, 'device.hpkeKey'),
      },
      commitment: base64url(body.commitment, 'commitment'),
      answer: null,
      nonce: null,
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: new Date(this.now() + LINK_REQUEST_TTL_MS).toISOString(),
    };
    const open = [...this.requests.values()].filter(
      (s) => s.userId === userId && ['pending', 'answered', 'revealed'].includes(this.view(s).status),
    );
    if (open.length >= MAX_OPEN_LINK_REQUESTS)
      throw conflict('too-many-link-requests', 'Finish or cancel an open link request first');
    const stored = { userId, request, expiresMs: this.now() + LINK_REQUEST_TTL_MS };
    this.requests.set(request.id, stored);
    return this.view(stored);
  }

  list(userId: string): LinkRequest[] {
    return [...this.requests.values()]
      .filter((s) => s.userId === userId && this.now() < s.expiresMs)
      .map((s) => this.view(s))
      .reverse();
  }

  get(userId: string, requestId: string): LinkRequest {
    return this.view(this.find(userId, requestId));
  }

  advance(userId: string, requestId: string, step: LinkStep): LinkRequest {
    const stored = this.find(userId, requestId);
    const current = this.view(stored).status;
    if (current === 'expired') throw conflict('link-expired', 'The link request has expired');
    if (!FROM[step.step]?.includes(current))
      throw conflict('link-state', `A ${current} request cannot take the step ${step.step}`);
    const request = stored.request;
    if (step.step === 'answer') {
      request.answer = {
        identityKey: base64url(step.identityKey, 'identityKey'),
        nonce: base64url(step.nonce, 'nonce'),
      };
    } else if (step.step === 'reveal') {
      request.nonce = base64url(step.nonce, 'nonce');
    }
    request.status = AFTER[step.step];
    return this.view(stored);
  }

  delete(userId: string, requestId: string): void {
    this.find(userId, requestId);
    this.requests.delete(requestId);
  }
}
