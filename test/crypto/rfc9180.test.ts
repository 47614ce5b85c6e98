import { expect } from '@open-wc/testing';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { equalBytes, fromHex } from '../../src/crypto/encoding.js';
import { exportRawPublic } from '../../src/crypto/primitives.js';
import { Tally } from './vectors.js';

interface Vector {
  info: string;
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
    ikmR: value(setup!, 'ikmR'),
    pkRm: value(setup!, 'pkRm'),
    skRm: value(setup!, 'skRm'),
    enc: value(setup!, 'enc'),
    encryptions,
    exports,
  };
}

describe('RFC 9180 A.3: DHKEM(P-256, HKDF-SHA256) with HKDF-SHA256 through @hpke/core', () => {
  it('derives the recipient key pair from ikmR and opens every base-mode encryption', async () => {
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

    const recipient = await suite.createRecipientContext({
      recipientKey: derived,
      enc: fromHex(vector.enc),
      info: fromHex(vector.info),
    });
    // A recipient context opens in sequence order only: sequences 0, 1, 2 are checked through it; the later
    // ones (4, 255, 256) would need its counter advanced past messages the file does not list.
    for (const encryption of vector.encryptions) {
      if (encryption.seq > 2) {
        tally.skip('sequence not reachable through the in-order context API');
        continue;
      }
      try {
        const pt = new Uint8Array(await recipient.open(fromHex(encryption.ct), fromHex(encryption.aad)));
        equalBytes(pt, fromHex(encryption.pt))
          ? tally.pass()
          : tally.fail(encryption.seq, 'plaintext differs');
      } catch (error) {
        tally.fail(encryption.seq, String(error));
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
    expect(tally.passed).to.be.greaterThan(2);
  });
});
