import { expect } from '@open-wc/testing';
import { map } from 'nanostores';
import { trackTyping, TYPING_EXPIRY_MS } from '../../src/state/typing.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('trackTyping', () => {
  it('expires after five seconds by default', () => {
    expect(TYPING_EXPIRY_MS).to.equal(5000);
  });

  it('marks a user as typing and unmarks them when their mark expires', async () => {
    const store = map<Record<string, string[]>>({});
    const tracker = trackTyping(store, 60);
    tracker.typing('t1', 'dana');
    expect(store.get()['t1']).to.deep.equal(['dana']);
    await wait(120);
    expect(store.get()['t1']).to.deep.equal([]);
  });

  it('keeps each user on their own clock: a new event restarts only that user’s expiry', async () => {
    const store = map<Record<string, string[]>>({});
    const tracker = trackTyping(store, 150);
    tracker.typing('t1', 'dana');
    tracker.typing('t1', 'chris');
    await wait(90);
    tracker.typing('t1', 'dana');
    tracker.typing('t1', 'dana');
    expect(store.get()['t1']).to.deep.equal(['dana', 'chris']);
    await wait(100);
    expect(store.get()['t1']).to.deep.equal(['dana']);
    await wait(100);
    expect(store.get()['t1']).to.deep.equal([]);
  });

  it('unmarks a user at once when they stop, in that thread only', () => {
    const store = map<Record<string, string[]>>({});
    const tracker = trackTyping(store, 10_000);
    tracker.typing('t1', 'dana');
    tracker.typing('t2', 'dana');
    tracker.stopped('t1', 'dana');
    expect(store.get()).to.deep.equal({ t1: [], t2: ['dana'] });
    tracker.clear();
    expect(store.get()).to.deep.equal({});
  });
});
