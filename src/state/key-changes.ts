/**
 * What this browser knows about each contact's keys, per user: verified or not, a key change the user has not
 * looked at yet, and devices the server listed that the contact's identity never signed. The engine's
 * encrypted-thread half feeds it; the UI derives each thread's notices and whether sending there is blocked.
 */
import { map } from 'nanostores';
import type { Thread, UserId } from '../adapter/types.js';

export interface KeyChangeNotice {
  /** `identity`: a new identity key (a new safety number); `devices`: the same identity signed another device list. */
  kind: 'identity' | 'devices';
  /** The contact was verified before the change: sending to shared threads waits for the user's choice. */
  blocking: boolean;
  seenAt: number;
}

export interface PeerTrust {
  /** The user compared the safety number of the pinned identity key and marked it verified. */
  verified: boolean;
  /** A change the user has not looked at yet. */
  change: KeyChangeNotice | null;
  /** Devices the server listed for this contact without their identity's signature: ignored, never sealed to. */
  untrustedDevices: string[];
}

/** One notice in a thread, for one contact. */
export interface TrustNotice {
  userId: UserId;
  kind: 'identity' | 'devices' | 'untrusted-device';
  blocking: boolean;
}

export function createKeyChangeStore() {
  const $peers = map<Record<UserId, PeerTrust>>({});
  return {
    $peers,
    put(userId: UserId, trust: PeerTrust): void {
      $peers.setKey(userId, trust);
    },
    /** Hides a notice that needs no decision (another device list, an ignored device) until it happens again. */
    dismiss(userId: UserId, kind: TrustNotice['kind']): void {
      const trust = $peers.get()[userId];
      if (!trust) return;
      if (kind === 'untrusted-device') $peers.setKey(userId, { ...trust, untrustedDevices: [] });
      else if (trust.change && !trust.change.blocking) $peers.setKey(userId, { ...trust, change: null });
    },
  };
}

export type KeyChangeStore = ReturnType<typeof createKeyChangeStore>;

const others = (thread: Thread, me: UserId | null) => thread.participants.filter((p) => p.userId !== me);

/** The notices of a thread: one per change of each other participant, blocking ones first. */
export function noticesIn(
  thread: Thread,
  peers: Record<UserId, PeerTrust>,
  me: UserId | null,
): TrustNotice[] {
  const notices: TrustNotice[] = [];
  for (const { userId } of others(thread, me)) {
    const trust = peers[userId];
    if (trust?.change) notices.push({ userId, kind: trust.change.kind, blocking: trust.change.blocking });
    if (trust?.untrustedDevices.length) notices.push({ userId, kind: 'untrusted-device', blocking: false });
  }
  return notices.sort((a, b) => Number(b.blocking) - Number(a.blocking));
}

/** Whether a verified contact's unresolved key change blocks sending to this thread. */
export function sendingBlocked(thread: Thread, peers: Record<UserId, PeerTrust>, me: UserId | null): boolean {
  return thread.encrypted && others(thread, me).some((p) => peers[p.userId]?.change?.blocking);
}

/** Every other participant is verified (and there is at least one). */
export function allVerified(thread: Thread, peers: Record<UserId, PeerTrust>, me: UserId | null): boolean {
  const rest = others(thread, me);
  return rest.length > 0 && rest.every((p) => peers[p.userId]?.verified);
}
