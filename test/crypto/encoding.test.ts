import { expect } from '@open-wc/testing';
import { fromBase64Url, fromBase64UrlPortable, toBase64Url } from '../../src/crypto/encoding.js';
import { CryptoError } from '../../src/crypto/errors.js';

describe('base64url', () => {
  it('round-trips every length from 0 to 100 bytes, by the browser decoder and the portable one', () => {
    for (let length = 0; length <= 100; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const text = toBase64Url(bytes);
      expect(text).to.match(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(text), `length ${length}`).to.deep.equal(bytes);
      expect(fromBase64UrlPortable(text), `length ${length}, portable`).to.deep.equal(bytes);
    }
  });

  it('decodes the characters that differ from base64 (- and _)', () => {
    expect(fromBase64Url('-_8')).to.deep.equal(Uint8Array.of(0xfb, 0xff));
    expect(fromBase64UrlPortable('-_8')).to.deep.equal(Uint8Array.of(0xfb, 0xff));
  });

  for (const bad of ['a+b/', 'AAA=', 'AAAAA', 'AA AA', 'é']) {
    it(`refuses ${JSON.stringify(bad)} as malformed`, () => {
      expect(() => fromBase64Url(bad))
        .to.throw(CryptoError)
        .with.property('reason', 'malformed');
    });
  }
});
