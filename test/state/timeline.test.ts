import { expect } from '@open-wc/testing';
import type { MessageContent } from '../../src/adapter/types.js';
import { foldTimeline, type TimelineEvent } from '../../src/state/timeline.js';

let seq = 0;
function event(
  senderId: string,
  clientId: string,
  content: MessageContent | null,
  extra: Partial<TimelineEvent> = {},
) {
  seq++;
  return {
    threadId: 't1',
    clientId,
    senderId,
    seq,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    status: 'sent',
    content,
    ...extra,
  } satisfies TimelineEvent;
}

describe('foldTimeline', () => {
  beforeEach(() => (seq = 0));

  it('applies an edit by the sender and marks the message edited', () => {
    const views = foldTimeline([
      event('alice', 'm1', { type: 'text', text: 'helo' }),
      event('alice', 'm2', { type: 'edit', target: 'm1', text: 'hello' }),
    ]);
    expect(views).to.have.length(1);
    expect(views[0]!.text).to.equal('hello');
    expect(views[0]!.edited).to.equal(true);
  });

  it("ignores an edit of someone else's message", () => {
    const views = foldTimeline([
      event('alice', 'm1', { type: 'text', text: 'I agree to the settlement' }),
      event('mallory', 'm2', { type: 'edit', target: 'm1', text: 'I refuse the settlement' }),
    ]);
    expect(views[0]!.text).to.equal('I agree to the settlement');
    expect(views[0]!.edited).to.equal(false);
  });

  it("ignores a delete of someone else's message, and honours the sender's", () => {
    const forged = foldTimeline([
      event('alice', 'm1', { type: 'text', text: 'keep me' }),
      event('mallory', 'm2', { type: 'delete', target: 'm1' }),
    ]);
    expect(forged[0]!.deleted).to.equal(false);
    const real = foldTimeline([
      event('alice', 'm1', { type: 'text', text: 'remove me' }),
      event('alice', 'm2', { type: 'delete', target: 'm1' }),
    ]);
    expect(real[0]!.deleted).to.equal(true);
    expect(real[0]!.text).to.equal('');
  });

  it('counts reactions per person, and a removal takes only that person off', () => {
    const views = foldTimeline([
      event('alice', 'm1', { type: 'text', text: 'lunch?' }),
      event('bob', 'r1', { type: 'reaction', target: 'm1', emoji: '👍' }),
      event('carol', 'r2', { type: 'reaction', target: 'm1', emoji: '👍' }),
      event('bob', 'r3', { type: 'reaction', target: 'm1', emoji: '👍' }),
      event('carol', 'r4', { type: 'reaction', target: 'm1', emoji: '👍', remove: true }),
    ]);
    expect(views[0]!.reactions).to.deep.equal([{ emoji: '👍', userIds: ['bob'] }]);
  });

  it('keeps a message that could not be decrypted as such, with its reason', () => {
    const views = foldTimeline([
      event('alice', 'm1', null, { failure: { reason: 'signature-invalid', expected: false } }),
    ]);
    expect(views[0]!.kind).to.equal('undecryptable');
    expect(views[0]!.text).to.equal('');
    expect(views[0]!.failure).to.deep.equal({ reason: 'signature-invalid', expected: false });
  });

  it('shows a duplicate client id once, and orders pending sends after stored ones', () => {
    const first = event('alice', 'm1', { type: 'text', text: 'one' });
    const pending = event('alice', 'm3', { type: 'text', text: 'three' }, { seq: null, status: 'pending' });
    const second = event('bob', 'm2', { type: 'text', text: 'two' });
    const views = foldTimeline([pending, second, first, { ...first }]);
    expect(views.map((view) => view.text)).to.deep.equal(['one', 'two', 'three']);
  });
});
