import { expect } from '@open-wc/testing';
import { CryptoError } from '../../src/crypto/errors.js';
import {
  acceptMessage,
  acceptSequence,
  checkMessage,
  checkSequence,
  emptyReplayState,
  type ReplayState,
} from '../../src/crypto/replay.js';

describe('replay and gaps', () => {
  it('accepts increasing sequence numbers and drops a repeat', () => {
    let state = emptyReplayState();
    for (const n of [1, 2, 3]) {
      const verdict = acceptSequence(state, n);
      expect(verdict.status).to.equal('new');
      state = verdict.state;
    }
    expect(acceptSequence(state, 2).status).to.equal('duplicate');
  });

  it('reports a gap, fills it when the missing message arrives late, and drops it the second time', () => {
    let state = acceptSequence(emptyReplayState(), 1).state;
    const jump = acceptSequence(state, 4);
    expect(jump.status).to.equal('new');
    expect(jump.status === 'new' && jump.gaps).to.deep.equal([{ from: 2, to: 3 }]);
    state = jump.state;
    const late = acceptSequence(state, 3);
    expect(late.status).to.equal('late');
    expect(acceptSequence(late.state, 3).status).to.equal('duplicate');
  });

  it('does not call a first message above 1 a gap: the reader may have joined later', () => {
    const verdict = acceptSequence(emptyReplayState(), 40);
    expect(verdict.status === 'new' && verdict.gaps).to.deep.equal([]);
  });

  it('treats sequence 0, negatives and non-integers as duplicates, never as new', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(acceptSequence(emptyReplayState(), bad).status).to.equal('duplicate');
    }
  });

  it('drops a repeated client message id even under a new sequence number', () => {
    const first = acceptMessage(emptyReplayState(), { sequence: 1, clientMessageId: 'c-1' });
    expect(first.status).to.equal('new');
    const again = acceptMessage(first.state, { sequence: 2, clientMessageId: 'c-1' });
    expect(again.status).to.equal('duplicate');
    expect(again.status === 'duplicate' && again.duplicateOf).to.equal('client-id');
    // A duplicate leaves the state as it was: sequence 2 is still free for the next real message.
    expect(acceptMessage(again.state, { sequence: 2, clientMessageId: 'c-2' }).status).to.equal('new');
  });

  it('throws CryptoError replayed for a repeated sequence or client message id', () => {
    const { state } = checkMessage(emptyReplayState(), { sequence: 1, clientMessageId: 'c-1' });
    for (const repeat of [
      { sequence: 1, clientMessageId: 'c-9' },
      { sequence: 5, clientMessageId: 'c-1' },
    ]) {
      expect(() => checkMessage(state, repeat))
        .to.throw(CryptoError)
        .with.property('reason', 'replayed');
    }
    expect(() => checkSequence(state, 1))
      .to.throw(CryptoError)
      .with.property('reason', 'replayed');
  });

  it('keeps a state that survives structured cloning and JSON, and loads one stored without client ids', () => {
    const { state } = checkMessage(emptyReplayState(), { sequence: 3, clientMessageId: 'c-3' });
    const restored = JSON.parse(JSON.stringify(structuredClone(state))) as ReplayState;
    expect(acceptMessage(restored, { sequence: 3, clientMessageId: 'c-x' }).status).to.equal('duplicate');
    const legacy: ReplayState = { highest: 2, missing: [] };
    expect(acceptMessage(legacy, { sequence: 3, clientMessageId: 'c-3' }).status).to.equal('new');
  });

  it('remembers at most 1000 missing sequence numbers of a huge jump', () => {
    const start = acceptSequence(emptyReplayState(), 1).state;
    const jump = acceptSequence(start, 1_000_000);
    expect(jump.status === 'new' && jump.gaps).to.deep.equal([{ from: 2, to: 999_999 }]);
    expect(jump.state.missing).to.have.length(1000);
    expect(acceptSequence(jump.state, 999_999).status).to.equal('late');
    expect(acceptSequence(jump.state, 2).status).to.equal('duplicate');
  });
});
