import { expect } from '@open-wc/testing';
import { defineOnce } from '../../src/utils/define-once.js';

describe('defineOnce', () => {
  it('defines a tag that is free', () => {
    class First extends HTMLElement {}
    expect(defineOnce('bm-test-free', First)).to.equal(true);
    expect(customElements.get('bm-test-free')).to.equal(First);
  });

  it('warns instead of throwing when another class takes the tag again, and keeps the first', () => {
    class A extends HTMLElement {}
    class B extends HTMLElement {}
    defineOnce('bm-test-twice', A);
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      expect(defineOnce('bm-test-twice', B)).to.equal(false);
    } finally {
      console.warn = original;
    }
    expect(customElements.get('bm-test-twice')).to.equal(A);
    expect(warnings).to.have.length(1);
    expect(String(warnings[0])).to.contain('bm-test-twice');
  });

  it('stays silent when the same class is registered again', () => {
    class C extends HTMLElement {}
    defineOnce('bm-test-same', C);
    const original = console.warn;
    let warned = false;
    console.warn = () => (warned = true);
    try {
      expect(defineOnce('bm-test-same', C)).to.equal(false);
    } finally {
      console.warn = original;
    }
    expect(warned).to.equal(false);
  });
});
