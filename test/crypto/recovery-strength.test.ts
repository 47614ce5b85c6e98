import { expect } from '@open-wc/testing';
import { estimatePassphraseStrength } from '../../src/crypto/recovery-strength.js';

describe('recovery passphrase strength', () => {
  it('rejects anything shorter than 12 characters, however random', () => {
    const result = estimatePassphraseStrength('k8#Qz!r2Lp@');
    expect(result.acceptable).to.equal(false);
    expect(result.feedback).to.include('too-short');
  });

  it('rejects common passwords behind capitals, leetspeak, digits and symbols', () => {
    for (const passphrase of [
      'password1234567',
      'P@ssw0rd2024!!',
      'Qwerty123456789',
      'correcthorsebatterystaple',
      'correct horse battery staple',
    ]) {
      const result = estimatePassphraseStrength(passphrase);
      expect(result.acceptable, passphrase).to.equal(false);
      expect(result.feedback, passphrase).to.include('common-password');
      expect(result.score, passphrase).to.equal(0);
    }
  });

  it('rejects repeated characters and repeated chunks', () => {
    for (const passphrase of ['aaaaaaaaaaaaaaaa', 'abc1abc1abc1abc1', 'horse horse horse horse']) {
      const result = estimatePassphraseStrength(passphrase);
      expect(result.acceptable, passphrase).to.equal(false);
      expect(result.feedback, passphrase).to.include('repeated');
    }
  });

  it('rejects alphabet, digit and keyboard sequences', () => {
    for (const passphrase of ['abcdefghijklmnop', 'zyxwvutsrqponm', 'qwertyuiop 9876543210']) {
      const result = estimatePassphraseStrength(passphrase);
      expect(result.acceptable, passphrase).to.equal(false);
      expect(result.feedback, passphrase).to.include('sequence');
    }
  });

  it('rejects three ordinary words and asks for more', () => {
    const result = estimatePassphraseStrength('purple dishwasher lantern');
    expect(result.acceptable).to.equal(false);
    expect(result.feedback).to.include('add-words');
  });

  it('accepts four unrelated words', () => {
    const result = estimatePassphraseStrength('orbit lantern quietly seven');
    expect(result.acceptable).to.equal(true);
    expect(result.bits).to.be.at.least(50);
    expect(result.score).to.be.at.least(3);
  });

  it('accepts a long random password from a password manager', () => {
    const result = estimatePassphraseStrength('k8#Qz!r2Lp@w9Xv$');
    expect(result).to.include({ acceptable: true, score: 4 });
    expect(result.feedback).to.deep.equal([]);
  });

  it('scores more words higher', () => {
    const scores = [
      'orbit lantern',
      'orbit lantern quietly',
      'orbit lantern quietly seven',
      'orbit lantern quietly seven cobalt fig',
    ].map((passphrase) => estimatePassphraseStrength(passphrase).bits);
    expect([...scores].sort((a, b) => a - b)).to.deep.equal(scores);
  });

  it('flags a year as a date', () => {
    expect(estimatePassphraseStrength('Summerhouse 2019 Lisbon').feedback).to.include('date');
  });
});
