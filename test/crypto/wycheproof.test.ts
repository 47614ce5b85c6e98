import { expect } from '@open-wc/testing';
import { fromHex, equalBytes } from '../../src/crypto/encoding.js';
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  ecdhP256,
  ecdsaVerify,
  hkdfSha256,
  hmacSha256,
  hmacSha256Verify,
  importAesGcmKey,
  importEcdhPrivateJwk,
  importEcdhPublicJwk,
  importEcdsaPublicSpki,
  pbkdf2Sha256,
} from '../../src/crypto/primitives.js';
import { loadVectors, Tally, type WycheproofFile, type WycheproofTest } from './vectors.js';

/** Runs every vector of a file through our wrappers: valid must pass, invalid must be refused. */
function finish(tally: Tally): void {
  tally.report();
  expect(tally.failures, tally.failures.join('\n')).to.deep.equal([]);
  expect(tally.passed).to.be.greaterThan(0);
}

describe('Wycheproof vectors through our crypto wrappers', function () {
  this.timeout(300_000);

  it('ECDH P-256 (webcrypto JWK): valid shared secrets match, invalid public keys are refused', async () => {
    type Test = WycheproofTest & { public: JsonWebKey; private: JsonWebKey; shared: string };
    const file = 'wycheproof_ecdh_secp256r1_webcrypto_test.json';
    const data = await loadVectors<WycheproofFile<{ tests: Test[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      for (const test of group.tests) {
        let shared: Uint8Array | null;
        try {
          const priv = await importEcdhPrivateJwk(test.private);
          const pub = await importEcdhPublicJwk(test.public);
          shared = await ecdhP256(priv, pub);
        } catch {
          shared = null;
        }
        const matches = shared !== null && equalBytes(shared, fromHex(test.shared));
        if (test.result === 'valid')
          matches ? tally.pass() : tally.fail(test.tcId, `valid vector refused (${test.comment})`);
        else if (test.result === 'invalid')
          shared === null || !matches
            ? tally.pass()
            : tally.fail(test.tcId, `invalid accepted (${test.comment})`);
        // Acceptable: either outcome is allowed, but a computed secret must be the right one.
        else
          shared === null || matches
            ? tally.pass()
            : tally.fail(test.tcId, 'acceptable vector gave a wrong secret');
      }
    }
    finish(tally);
  });

  it('ECDSA P-256 SHA-256 (P1363): valid signatures verify, invalid ones are refused', async () => {
    type Test = WycheproofTest & { msg: string; sig: string };
    const file = 'wycheproof_ecdsa_secp256r1_sha256_p1363_test.json';
    const data = await loadVectors<WycheproofFile<{ publicKeyDer: string; tests: Test[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      const key = await importEcdsaPublicSpki(fromHex(group.publicKeyDer));
      for (const test of group.tests) {
        const ok = await ecdsaVerify(key, fromHex(test.sig), fromHex(test.msg));
        if (test.result === 'valid')
          ok ? tally.pass() : tally.fail(test.tcId, `valid refused (${test.comment})`);
        else if (test.result === 'invalid')
          !ok ? tally.pass() : tally.fail(test.tcId, `invalid accepted (${test.comment})`);
        else tally.pass();
      }
    }
    finish(tally);
  });

  it('AES-GCM with 256-bit keys, 96-bit nonces and 128-bit tags (our envelopes): seal and open', async () => {
    type Test = WycheproofTest & {
      key: string;
      iv: string;
      aad: string;
      msg: string;
      ct: string;
      tag: string;
    };
    type Group = { keySize: number; ivSize: number; tagSize: number; tests: Test[] };
    const file = 'wycheproof_aes_gcm_test.json';
    const data = await loadVectors<WycheproofFile<Group>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      if (group.keySize !== 256 || group.ivSize !== 96 || group.tagSize !== 128) {
        const reason =
          group.keySize !== 256
            ? 'key size other than 256 bits'
            : group.ivSize !== 96
              ? 'nonce other than 96 bits'
              : 'tag other than 128 bits';
        tally.skip(reason, group.tests.length);
        continue;
      }
      for (const test of group.tests) {
        const key = await importAesGcmKey(fromHex(test.key));
        const sealed = new Uint8Array([...fromHex(test.ct), ...fromHex(test.tag)]);
        let opened: Uint8Array | null;
        try {
          opened = await aesGcmDecrypt(key, fromHex(test.iv), sealed, fromHex(test.aad));
        } catch {
          opened = null;
        }
        if (test.result === 'valid') {
          const resealed = await aesGcmEncrypt(key, fromHex(test.iv), fromHex(test.msg), fromHex(test.aad));
          opened !== null && equalBytes(opened, fromHex(test.msg)) && equalBytes(resealed, sealed)
            ? tally.pass()
            : tally.fail(test.tcId, `valid vector failed (${test.comment})`);
        } else {
          opened === null
            ? tally.pass()
            : tally.fail(test.tcId, `tampered ciphertext opened (${test.comment})`);
        }
      }
    }
    finish(tally);
  });

  it('HKDF-SHA-256', async () => {
    type Test = WycheproofTest & { ikm: string; salt: string; info: string; size: number; okm: string };
    const file = 'wycheproof_hkdf_sha256_test.json';
    const data = await loadVectors<WycheproofFile<{ tests: Test[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      for (const test of group.tests) {
        let okm: Uint8Array | null;
        try {
          okm = await hkdfSha256(fromHex(test.ikm), fromHex(test.salt), fromHex(test.info), test.size);
        } catch {
          okm = null;
        }
        if (test.result === 'valid') {
          okm && equalBytes(okm, fromHex(test.okm)) ? tally.pass() : tally.fail(test.tcId, test.comment);
        } else {
          okm === null ? tally.pass() : tally.fail(test.tcId, `invalid size accepted (${test.comment})`);
        }
      }
    }
    finish(tally);
  });

  it('HMAC-SHA-256, including truncated tags', async () => {
    type Test = WycheproofTest & { key: string; msg: string; tag: string };
    const file = 'wycheproof_hmac_sha256_test.json';
    const data = await loadVectors<WycheproofFile<{ tagSize: number; tests: Test[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      for (const test of group.tests) {
        const ok = await hmacSha256Verify(fromHex(test.key), fromHex(test.msg), fromHex(test.tag));
        if (test.result === 'valid') {
          const full = await hmacSha256(fromHex(test.key), fromHex(test.msg));
          ok && equalBytes(full.subarray(0, group.tagSize / 8), fromHex(test.tag))
            ? tally.pass()
            : tally.fail(test.tcId, test.comment);
        } else {
          !ok ? tally.pass() : tally.fail(test.tcId, `invalid tag accepted (${test.comment})`);
        }
      }
    }
    finish(tally);
  });

  it('PBKDF2-HMAC-SHA-256 (the recovery passphrase derivation)', async () => {
    type Test = WycheproofTest & {
      password: string;
      salt: string;
      iterationCount: number;
      dkLen: number;
      dk: string;
    };
    const file = 'wycheproof_pbkdf2_hmacsha256_test.json';
    const data = await loadVectors<WycheproofFile<{ tests: Test[] }>>(file);
    const tally = new Tally(file);
    for (const group of data.testGroups) {
      for (const test of group.tests) {
        let dk: Uint8Array | null;
        try {
          dk = await pbkdf2Sha256(
            fromHex(test.password),
            fromHex(test.salt),
            test.iterationCount,
            test.dkLen,
          );
        } catch {
          dk = null;
        }
        if (test.result === 'valid') {
          dk && equalBytes(dk, fromHex(test.dk)) ? tally.pass() : tally.fail(test.tcId, test.comment);
        } else {
          dk === null || !equalBytes(dk, fromHex(test.dk))
            ? tally.pass()
            : tally.fail(test.tcId, test.comment);
        }
      }
    }
    finish(tally);
  });
});
