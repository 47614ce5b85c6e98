import { expect } from '@open-wc/testing';
import { encode } from 'uqr';
import { QR_OPTIONS } from '../../src/components/secure-chat/verify-dialog.js';
import { cleanUpVaults } from '../vault/helpers.js';
import { until } from './helpers.js';
import { twoPeople } from './two-people.js';
import { digitsIn, openContact, openPeople, toggle } from './verify-helpers.js';

describe('verification dialog (two people, two vaults, real crypto)', () => {
  afterEach(cleanUpVaults);

  it('shows both people the same 60 digits in twelve groups of five, read digit by digit', async () => {
    const { ra, rb } = await twoPeople(true);
    const mine = await openContact(ra, 'Bob');
    const theirs = await openContact(rb, 'Alice');
    expect(digitsIn(mine)).to.match(/^\d{60}$/);
    expect(digitsIn(theirs)).to.equal(digitsIn(mine));
    const groups = mine.querySelectorAll('[part~="safety-number"] li');
    expect(groups).to.have.length(12);
    const first = groups[0]!;
    const spoken = first.querySelector('.visually-hidden')!.textContent;
    expect(spoken).to.equal([...first.querySelector('[aria-hidden="true"]')!.textContent!.trim()].join(' '));
    expect(mine.querySelector('[part~="safety-number"]')!.getAttribute('aria-label')).to.equal(
      'Safety number',
    );
  });

  it('draws the QR code of BMSN1: and the digits as the square grid uqr encodes', async () => {
    const { ra } = await twoPeople(true);
    const dialog = await openContact(ra, 'Bob');
    const expected = encode(`BMSN1:${digitsIn(dialog)}`, QR_OPTIONS);
    const qr = dialog.querySelector<SVGSVGElement>('svg[part~="qr-code"]')!;
    expect(qr.getAttribute('viewBox')).to.equal(`0 0 ${expected.size} ${expected.size}`);
    expect(qr.getAttribute('role')).to.equal('img');
    const drawn = new Set<string>();
    for (const rect of qr.querySelectorAll('.dark rect')) {
      const [x, y, width] = ['x', 'y', 'width'].map((name) => Number(rect.getAttribute(name)));
      for (let i = 0; i < width!; i++) drawn.add(`${x! + i},${y}`);
    }
    const dark = new Set<string>();
    expected.data.forEach((row, y) => row.forEach((on, x) => on && dark.add(`${x},${y}`)));
    expect(drawn).to.deep.equal(dark);
  });

  it('marks a contact verified: the badge shows in the dialog, the people list and the header; clearing removes it', async () => {
    const { ra } = await twoPeople(true);
    const header = ra.querySelector('[part~="header"]')!;
    expect(header.querySelector('[part~="verified-badge"]')).to.equal(null);
    const dialog = await openContact(ra, 'Bob');
    expect(toggle(dialog).textContent!.trim()).to.equal('Mark as verified');
    toggle(dialog).click();
    await until(() => toggle(dialog).textContent!.trim() === 'Clear verification');
    expect(dialog.querySelector('.status [part~="verified-badge"]')!.textContent).to.contain('Verified');
    await expect(dialog).to.be.accessible();
    dialog.querySelector<HTMLButtonElement>('.cancel')!.click(); // back to everyone
    await until(() => !!dialog.querySelector('[part~="participants"]'));
    const bob = [...dialog.querySelectorAll('[part~="participant"]')].find((p) =>
      p.textContent!.includes('Bob'),
    )!;
    expect(bob.querySelector('[part~="verified-badge"]')).to.exist;
    await expect(dialog).to.be.accessible();
    expect(header.querySelector('[part~="verified-badge"]')!.textContent).to.contain('Verified');

    dialog.querySelector<HTMLButtonElement>('[part~="verify-button"]')!.click();
    await until(() => toggle(dialog)?.textContent!.trim() === 'Clear verification');
    toggle(dialog).click();
    await until(() => !header.querySelector('[part~="verified-badge"]'));
  });

  it('moves focus into the dialog and back to the people button when it closes', async () => {
    const { ra } = await twoPeople(true);
    const dialog = await openPeople(ra);
    expect(dialog.contains(ra.activeElement)).to.equal(true);
    dialog.close();
    await until(() => ra.activeElement?.getAttribute('part') === 'participants-button');
  });

  it('keeps a display name with markup as text in the dialog', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">Bob';
    const { ra } = await twoPeople(true, { bob: hostile });
    const dialog = await openContact(ra, 'Bob');
    expect(dialog.querySelector('img')).to.equal(null);
    expect(dialog.querySelector('#verify-title')!.textContent).to.contain(hostile);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
