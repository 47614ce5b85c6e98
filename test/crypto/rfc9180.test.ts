import { expect } from '@open-wc/testing';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { equalBytes, fromHex } from '../../src/crypto/encoding.js';
import { exportRawPublic } from '../../src/crypto/primitives.js';
import { Tally } from './vectors.js';

interface Vector {
  info: string;
  ikmE: string;
  pkEm: string;
  ikmR: string;
  pkRm: string;
  skRm: string;
  enc: string;
  encryptions: Array<{ pt: string; aad: string; ct: string; seq: number }>;
  exports: Array<{ context: string; length: number; value: string }>;
}

/** Reads the base-mode section of the RFC 9180 A.3 text (hex values may wrap across lines). */
function parseBaseMode(text: string): Vector {
  const base = text.split('### PSK Setup Information')[0]!;
  const value = (section: string, name: string): string => {
    const match = section.match(new RegExp(`^${name}:\\s*([0-9a-f\\s]+?)(?=^[A-Za-z_ ]+:|~~~)`, 'm'));
    if (!match) throw new Error(`no ${name} in the vector file`);
    return match[1]!.replace(/\s+/g, '');
  };
  const [setup, rest = ''] = base.split('#### Encryptions');
  const [encryptionsText = '', exportsText = ''] = rest.split('#### Exported Values');
  const exports = [
    ...exportsText.matchAll(/exporter_context:\s*([0-9a-f]*)\s*L:\s*(\d+)\s*exported_value:\s*([0-9a-f]+)/g),
  ].map((m) => ({ context: m[1]!, length: Number(m[2]), value: m[3]! }));
  const encryptions = encryptionsText
    .split('sequence number:')
    .slice(1)
    .map((block) => {
      const section = `sequence number:${block}`;
      return {
        seq: Number(block.trim().split(/\s/)[0]),
        pt: value(section, 'pt'),
        aad: value(section, 'aad'),
        ct: value(`${section}\n~~~`, 'ct'),
      };
    });
  return {
    info: value(setup!, 'info'),
    ikmE: value(setup!, 'ikmE'),
    pkEm: value(setup!, 'pkEm'),
    ikmR: value(setup!, 'ikmR'),
    pkRm: value(setup!, 'pkRm'),
    skRm: value(setup!, 'skRm'),
    enc: value(setup!, 'enc'),
    encryptions,
    exports,
  };
}

describe('RFC 9180 A.3: DHKEM(P-256, HKDF-SHA256) with HKDF-SHA256 through @hpke/core', () => {
  it('derives both key pairs, reproduces enc and every listed ciphertext, and opens each with skRm', async () => {
    const file = 'rfc9180_A3_dhkem_p256_hkdf_sha256_aes128gcm.txt';
    const text = await (await fetch(`/vectors/${file}`)).text();
    const vector = parseBaseMode(text);
    const tally = new Tally(file);
    // Our suite pairs the same KEM and KDF with AES-256-GCM; the RFC's A.3 vectors use AES-128-GCM.
    const suite = new CipherSuite({
      kem: new DhkemP256HkdfSha256(),
      kdf: new HkdfSha256(),
      aead: new Aes128Gcm(),
    });

    const derived = await suite.kem.deriveKeyPair(fromHex(vector.ikmR));
    equalBytes(await exportRawPublic(derived.publicKey), fromHex(vector.pkRm))
      ? tally.pass()
      : tally.fail('ikmR', 'derived public key differs from pkRm');

    // The sender side, with the ephemeral key the RFC derives from ikmE, must produce the listed enc.
    const ephemeral = await suite.kem.deriveKeyPair(fromHex(vector.ikmE));
    equalBytes(await exportRawPublic(ephemeral.publicKey), fromHex(vector.pkEm))
      ? tally.pass()
      : tally.fail('ikmE', 'derived ephemeral key differs from pkEm');
    const sender = await suite.createSenderContext({
      recipientPublicKey: derived.publicKey,
      info: fromHex(vector.info),
      ekm: ephemeral,
    });
    equalBytes(new Uint8Array(sender.enc), fromHex(vector.enc))
      ? tally.pass()
      : tally.fail('enc', 'sender enc differs from the listed enc');

    // The recipient opens with the listed skRm itself, not only with the key derived from ikmR.
    const listedPrivateKey = await suite.kem.importKey(
      'raw',
      fromHex(vector.skRm).buffer as ArrayBuffer,
      false,
    );
    const recipient = await suite.createRecipientContext({
      recipientKey: listedPrivateKey,
      enc: fromHex(vector.enc),
      info: fromHex(vector.info),
    });
    // Contexts count sequence numbers themselves, so the listed ones (0, 1, 2, 4, 255, 256) are reached by
    // sealing and opening filler messages in between: the sender must produce each listed ciphertext at its
    // sequence number, and the recipient must open it there.
    const listed = new Map(vector.encryptions.map((e) => [e.seq, e]));
    const last = Math.max(...listed.keys());
    for (let seq = 0; seq <= last; seq++) {
      const encryption = listed.get(seq);
      const pt = encryption ? fromHex(encryption.pt) : Uint8Array.of(seq & 0xff);
      const aad = encryption ? fromHex(encryption.aad) : new Uint8Array(0);
      const ct = new Uint8Array(await sender.seal(pt, aad));
      if (encryption && !equalBytes(ct, fromHex(encryption.ct))) tally.fail(seq, 'sealed ciphertext differs');
      try {
        const opened = new Uint8Array(await recipient.open(ct, aad));
        if (!encryption) continue;
        equalBytes(opened, pt) ? tally.pass() : tally.fail(seq, 'plaintext differs');
      } catch (error) {
        tally.fail(seq, String(error));
      }
    }
    // The exporter values check the whole key schedule independently of the AEAD.
    for (const exported of vector.exports) {
      const value = new Uint8Array(await recipient.export(fromHex(exported.context), exported.length));
      equalBytes(value, fromHex(exported.value))
        ? tally.pass()
        : tally.fail('export', exported.context || '(empty)');
    }
    tally.report();
    expect(tally.failures, tally.failures.join('\n')).to.deep.equal([]);
    expect(tally.passed).to.equal(3 + vector.encryptions.length + vector.exports.length);
    expect(tally.skipped).to.equal(0);
  });
});
