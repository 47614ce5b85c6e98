import type { ThreadId, UserId } from '../../adapter/types.js';

const init = { bubbles: true, composed: true } as const;

/** Fired once the element has rendered and is ready for use. */
export class BmReadyEvent extends Event {
  static readonly eventName = 'bm-ready';
  constructor() {
    super(BmReadyEvent.eventName, init);
  }
}

/** The user opened a thread (or closed it: `threadId` null). */
export class BmThreadOpenEvent extends Event {
  static readonly eventName = 'bm-thread-open';
  constructor(readonly threadId: ThreadId | null) {
    super(BmThreadOpenEvent.eventName, init);
  }
}

/** A new message arrived from someone else. Carries no content: the host page does not need to read it. */
export class BmMessageEvent extends Event {
  static readonly eventName = 'bm-message';
  constructor(
    readonly threadId: ThreadId,
    readonly senderId: UserId,
    readonly encrypted: boolean,
  ) {
    super(BmMessageEvent.eventName, init);
  }
}

/** The total number of unread messages changed. */
export class BmUnreadChangeEvent extends Event {
  static readonly eventName = 'bm-unread-change';
  constructor(readonly unread: number) {
    super(BmUnreadChangeEvent.eventName, init);
  }
}

/** Encryption was turned on for a thread (one-way). */
export class BmEncryptionEnableEvent extends Event {
  static readonly eventName = 'bm-encryption-enable';
  constructor(readonly threadId: ThreadId) {
    super(BmEncryptionEnableEvent.eventName, init);
  }
}

/**
 * A contact's keys changed. `kind`: `identity` (a new identity key: a new safety number), `devices` (a new device
 * list signed by the same key), `untrusted-device` (the server listed a device the contact's key did not sign; it
 * is ignored). `verified`: the contact was verified; after an identity change, sending to shared threads is paused
 * until the user verifies again or accepts the new key.
 */
export class BmKeyChangeEvent extends Event {
  static readonly eventName = 'bm-key-change';
  constructor(
    readonly userId: UserId,
    readonly verified: boolean,
    readonly kind: 'identity' | 'devices' | 'untrusted-device' = 'identity',
  ) {
    super(BmKeyChangeEvent.eventName, init);
  }
}

/** Something failed that the host page may want to log; `reason` is machine-readable. */
export class BmErrorEvent extends Event {
  static readonly eventName = 'bm-error';
  constructor(
    readonly reason: string,
    readonly error: unknown,
  ) {
    super(BmErrorEvent.eventName, init);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bm-ready': BmReadyEvent;
    'bm-thread-open': BmThreadOpenEvent;
    'bm-message': BmMessageEvent;
    'bm-unread-change': BmUnreadChangeEvent;
    'bm-encryption-enable': BmEncryptionEnableEvent;
    'bm-key-change': BmKeyChangeEvent;
    'bm-error': BmErrorEvent;
  }
}
