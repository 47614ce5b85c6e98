import type { ClientMessageId, IsoTime, MessageContent, ThreadId, UserId } from '../adapter/types.js';
import { keepSenderOrder } from './sender-order.js';

/** One event of a thread as the engine hands it over: decrypted content, or why there is none. */
export interface TimelineEvent {
  threadId: ThreadId;
  clientId: ClientMessageId;
  senderId: UserId;
  /** Server order; null while the message is only in this device's outbox. */
  seq: number | null;
  createdAt: IsoTime;
  status: 'pending' | 'sent' | 'failed';
  content: MessageContent | null;
  /** Set when content is null: why this event could not be read. */
  failure?: TimelineFailure;
  /** The sender device and its signed sequence number (encrypted threads): orders its messages. */
  sender?: { deviceId: string; sequence: number };
}

export interface TimelineFailure {
  reason: string;
  /**
   * Expected failures are not errors: a message from before the reader joined, or before this device was
   * added. Real ones (a bad signature, an unknown epoch) are shown as warnings.
   */
  expected: boolean;
}

export interface Reaction {
  emoji: string;
  userIds: UserId[];
}

/** A message as the UI shows it, with its edits, deletion and reactions folded in. */
export interface MessageView {
  threadId: ThreadId;
  clientId: ClientMessageId;
  senderId: UserId;
  seq: number | null;
  createdAt: IsoTime;
  status: TimelineEvent['status'];
  kind: 'text' | 'attachment' | 'undecryptable';
  text: string;
  mentions: UserId[];
  replyTo: ClientMessageId | null;
  attachment: Extract<MessageContent, { type: 'attachment' }> | null;
  edited: boolean;
  deleted: boolean;
  reactions: Reaction[];
  failure: TimelineFailure | null;
}

function order(a: TimelineEvent, b: TimelineEvent): number {
  // Sent messages by server order; pending ones after them, by their creation time.
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
  if (a.seq !== null) return -1;
  if (b.seq !== null) return 1;
  return a.createdAt.localeCompare(b.createdAt);
}

/** Edits, deletes and reactions: events that change another message instead of showing on their own. */
function targetOf(event: TimelineEvent): ClientMessageId | null {
  const content = event.content;
  return content && (content.type === 'edit' || content.type === 'delete' || content.type === 'reaction')
    ? content.target
    : null;
}

/**
 * The fold itself, over events already in order. `orphans` collects the edits, deletes and reactions whose
 * target was not among the events (yet): older history may bring it later.
 */
function fold(sorted: readonly TimelineEvent[], orphans?: TimelineEvent[]): MessageView[] {
  const views = new Map<ClientMessageId, MessageView>();
  const reactions = new Map<ClientMessageId, Map<string, Set<UserId>>>();
  const seen = new Set<ClientMessageId>();

  for (const event of keepSenderOrder(sorted)) {
    if (seen.has(event.clientId)) continue;
    seen.add(event.clientId);
    const content = event.content;
    const target = targetOf(event);
    if (target !== null && !views.has(target)) {
      orphans?.push(event);
      continue;
    }
    const base = {
      threadId: event.threadId,
      clientId: event.clientId,
      senderId: event.senderId,
      seq: event.seq,
      createdAt: event.createdAt,
      status: event.status,
      mentions: [] as UserId[],
      replyTo: null as ClientMessageId | null,
      attachment: null,
      edited: false,
      deleted: false,
      reactions: [] as Reaction[],
      failure: null as TimelineFailure | null,
    };

    if (!content) {
      views.set(event.clientId, { ...base, kind: 'undecryptable', text: '', failure: event.failure ?? null });
      continue;
    }

    switch (content.type) {
      case 'text':
      case 'reply':
        views.set(event.clientId, {
          ...base,
          kind: 'text',
          text: content.text,
          mentions: content.mentions ?? [],
          replyTo: content.type === 'reply' ? content.target : null,
        });
        break;
      case 'attachment':
        views.set(event.clientId, {
          ...base,
          kind: 'attachment',
          text: content.caption ?? '',
          replyTo: content.replyTo ?? null,
          attachment: content,
        });
        break;
      case 'edit': {
        const target = views.get(content.target);
        if (target && target.senderId === event.senderId && !target.deleted && target.kind === 'text') {
          target.text = content.text;
          target.mentions = content.mentions ?? [];
          target.edited = true;
        }
        break;
      }
      case 'delete': {
        const target = views.get(content.target);
        if (target && target.senderId === event.senderId) {
          Object.assign(target, { deleted: true, text: '', attachment: null, mentions: [], reactions: [] });
          reactions.delete(content.target);
        }
        break;
      }
      case 'reaction': {
        const target = views.get(content.target);
        if (!target || target.deleted) break;
        const byEmoji = reactions.get(content.target) ?? new Map<string, Set<UserId>>();
        reactions.set(content.target, byEmoji);
        const users = byEmoji.get(content.emoji) ?? new Set<UserId>();
        if (content.remove) users.delete(event.senderId);
        else users.add(event.senderId);
        if (users.size) byEmoji.set(content.emoji, users);
        else byEmoji.delete(content.emoji);
        break;
      }
    }
  }

  for (const [clientId, byEmoji] of reactions) {
    const view = views.get(clientId);
    if (view) view.reactions = [...byEmoji].map(([emoji, users]) => ({ emoji, userIds: [...users] }));
  }
  return [...views.values()];
}

/**
 * Folds a thread's events into the messages the UI shows. Edits, deletes and reactions modify their target
 * instead of appearing on their own. Only a message's sender may edit or delete it: in an encrypted thread
 * every member holds the epoch key, so the sender check is what stops one member rewriting another's words.
 */
export function foldTimeline(events: readonly TimelineEvent[]): MessageView[] {
  return fold([...events].sort(order));
}

const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = Object.is) =>
  a.length === b.length && a.every((x, i) => same(x, b[i]!));

/** Whether two folds of one message show the same thing (then the earlier object is kept). */
function sameView(a: MessageView, b: MessageView): boolean {
  return (
    a.clientId === b.clientId &&
    a.threadId === b.threadId &&
    a.senderId === b.senderId &&
    a.seq === b.seq &&
    a.createdAt === b.createdAt &&
    a.status === b.status &&
    a.kind === b.kind &&
    a.text === b.text &&
    a.replyTo === b.replyTo &&
    a.attachment === b.attachment &&
    a.edited === b.edited &&
    a.deleted === b.deleted &&
    a.failure === b.failure &&
    sameList(a.mentions, b.mentions) &&
    sameList(a.reactions, b.reactions, (x, y) => x.emoji === y.emoji && sameList(x.userIds, y.userIds))
  );
}

/**
 * `foldTimeline` for one thread whose events keep growing, as history pages come in: same result, less work.
 * When every new event is older than all the folded ones (an older page) and none of those changed, only the
 * new events are folded, with the edits, deletes and reactions that found no target before, and put in front.
 * Anything else folds everything again. Either way a message that shows the same as before keeps its object,
 * so the list can tell which rows changed by identity.
 */
export function timelineFolder(): (events: readonly TimelineEvent[]) => MessageView[] {
  let input: readonly TimelineEvent[] | null = null;
  let folded = new Set<TimelineEvent>();
  let oldest: TimelineEvent | null = null;
  let orphans: TimelineEvent[] = [];
  let views: MessageView[] = [];

  const all = (events: readonly TimelineEvent[]): MessageView[] => {
    const sorted = [...events].sort(order);
    const previous = new Map(views.map((view) => [view.clientId, view]));
    orphans = [];
    const next = fold(sorted, orphans).map((view) => {
      const before = previous.get(view.clientId);
      return before && sameView(before, view) ? before : view;
    });
    folded = new Set(events);
    oldest = sorted[0] ?? null;
    return next;
  };

  return (events) => {
    if (events === input) return views;
    const added: TimelineEvent[] = [];
    let kept = 0;
    for (const event of events) {
      if (folded.has(event)) kept++;
      else added.push(event);
    }
    const first = oldest;
    if (first && kept === folded.size && added.length && added.every((e) => order(e, first) < 0)) {
      const sorted = added.sort(order);
      const stillOrphans: TimelineEvent[] = [];
      const older = fold([...sorted, ...orphans], stillOrphans);
      orphans = stillOrphans;
      views = [...older, ...views];
      for (const event of added) folded.add(event);
      oldest = sorted[0]!;
    } else views = all(events);
    input = events;
    return views;
  };
}
