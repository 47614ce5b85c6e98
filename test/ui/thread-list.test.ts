import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryHub } from '../../src/adapter/memory.js';
import type { BmSecureChat } from '../../src/bm-secure-chat.js';
import { activityLabel } from '../../src/components/secure-chat/thread-list.js';
import { cleanUpVaults, uniqueUserId } from '../vault/helpers.js';
import { chatWith, post, until } from './helpers.js';

const XSS = '<img src=x onerror="window.__bmXss=1">';

/** Lets the clock move on, so two activities never share a millisecond. */
const tick = () => new Promise((r) => setTimeout(r, 5));

/** Alice with three threads: Dana in one, Chris in another, both in the third (the newest). */
async function aliceWithThreads() {
  const hub = new MemoryHub();
  const alice = uniqueUserId('alice');
  const dana = uniqueUserId('dana');
  const chris = uniqueUserId('chris');
  hub.addUser({ id: alice, displayName: 'Alice' });
  hub.addUser({ id: dana, displayName: 'Dana Müller' });
  hub.addUser({ id: chris, displayName: 'Chris' });
  const as = hub.adapterFor(alice);
  const matter = await as.createThread({ title: 'Matter 42', participantIds: [dana], encrypted: true });
  await tick();
  const lunch = await as.createThread({ title: 'Lunch', participantIds: [chris], encrypted: false });
  const budget = await as.createThread({ title: 'Budget', participantIds: [dana, chris], encrypted: false });
  // Activity orders the list: Lunch gets the newest message, then Budget, and Matter 42 stays oldest.
  await tick();
  await post(hub, chris, budget.id, { type: 'text', text: 'numbers attached' });
  await tick();
  await post(hub, chris, lunch.id, { type: 'text', text: 'noon?' });
  await post(hub, chris, lunch.id, { type: 'text', text: 'or one?' });
  const el = await chatWith(as, alice);
  return { hub, alice, dana, chris, el, matter, lunch, budget };
}

function items(el: BmSecureChat) {
  return [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="thread-item"]')];
}

function titles(el: BmSecureChat) {
  return items(el).map((item) => item.querySelector('.title')!.textContent);
}

async function typeFilter(el: BmSecureChat, text: string) {
  const filter = el.shadowRoot!.querySelector<HTMLInputElement>('[part~="filter"]')!;
  filter.focus();
  await sendKeys({ type: text });
  await el.updateComplete;
}

async function clearFilter(el: BmSecureChat) {
  const filter = el.shadowRoot!.querySelector<HTMLInputElement>('[part~="filter"]')!;
  filter.focus();
  await sendKeys({ press: 'Escape' });
  await el.updateComplete;
}

describe('<bm-secure-chat> thread list', () => {
  afterEach(cleanUpVaults);

  it('lists threads by last activity with time, unread count, lock and the other participants', async () => {
    const { el } = await aliceWithThreads();
    expect(titles(el)).to.deep.equal(['Lunch', 'Budget', 'Matter 42']);
    const [lunch, budget, matter] = items(el);
    expect(lunch!.querySelector('.unread')!.textContent).to.equal('2 unread');
    expect(budget!.querySelector('.unread')!.textContent).to.equal('1 unread');
    expect(matter!.querySelector('.unread')).to.equal(null);
    expect(matter!.querySelector('[aria-label="End-to-end encrypted"]')).to.exist;
    expect(lunch!.querySelector('[aria-label="Not encrypted"]')).to.exist;
    expect(budget!.querySelector('[part~="thread-participants"]')!.textContent).to.equal(
      'Dana Müller and Chris',
    );
    expect(matter!.querySelector('[part~="thread-participants"]')!.textContent).to.equal('Dana Müller');
    const time = lunch!.querySelector<HTMLTimeElement>('[part~="thread-time"]')!;
    expect(time.textContent).to.equal('now');
    expect(new Date(time.dateTime).getTime()).to.be.closeTo(Date.now(), 60_000);
    await expect(el).to.be.accessible();
  });

  it('filters by title and by participant names as the user types, and restores the list', async () => {
    const { el } = await aliceWithThreads();
    await typeFilter(el, 'mull');
    expect(titles(el)).to.deep.equal(['Budget', 'Matter 42']);
    await typeFilter(el, 'er 4');
    expect(titles(el)).to.deep.equal([]);
    await clearFilter(el);
    await typeFilter(el, 'LUN');
    expect(titles(el)).to.deep.equal(['Lunch']);
    // The reader's own name matches nothing: every thread has them.
    await clearFilter(el);
    await typeFilter(el, 'Alice');
    expect(titles(el)).to.deep.equal([]);
    await clearFilter(el);
    expect(titles(el)).to.deep.equal(['Lunch', 'Budget', 'Matter 42']);
    expect(el.shadowRoot!.querySelector('[part~="filter"]')).to.have.property('value', '');
  });

  it('says so when the filter matches nothing, with the query as text', async () => {
    const { el } = await aliceWithThreads();
    await typeFilter(el, XSS);
    const empty = el.shadowRoot!.querySelector('[part~="thread-list-empty"]')!;
    expect(empty.getAttribute('role')).to.equal('status');
    expect(empty.textContent!.trim()).to.equal(`No conversation matches “${XSS}”.`);
    expect(el.shadowRoot!.querySelector('[part~="thread-list"] ul')).to.equal(null);
    expect(el.shadowRoot!.querySelectorAll('img')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('moves between threads with the arrow keys, Home and End, as one Tab stop', async () => {
    const { el } = await aliceWithThreads();
    const root = el.shadowRoot!;
    const tabStop = () => {
      const stops = items(el).filter((item) => item.tabIndex === 0);
      expect(stops).to.have.length(1);
      return stops[0];
    };
    expect(tabStop()).to.equal(items(el)[0]);

    root.querySelector<HTMLInputElement>('[part~="filter"]')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(root.activeElement).to.equal(items(el)[0]);
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(root.activeElement).to.equal(items(el)[1]);
    expect(tabStop()).to.equal(items(el)[1]);
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(root.activeElement).to.equal(items(el)[2]);
    await sendKeys({ press: 'ArrowDown' });
    expect(root.activeElement).to.equal(items(el)[2]);
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(root.activeElement).to.equal(items(el)[0]);
    await sendKeys({ press: 'ArrowUp' });
    expect(root.activeElement).to.equal(items(el)[0]);

    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await until(() => root.querySelector('[part~="title"]')?.textContent === 'Budget');
    expect(items(el)[1]!.getAttribute('aria-current')).to.equal('true');
    // Shift+Tab from the list leaves it at once: one Tab stop, not three.
    items(el)[1]!.focus();
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(root.activeElement).to.equal(root.querySelector('[part~="filter"]'));
    await expect(el).to.be.accessible();
  });

  it('speaks Arabic right to left: labels, list of names and times', async () => {
    const hub = new MemoryHub();
    const alice = uniqueUserId('alice');
    const dana = uniqueUserId('dana');
    const chris = uniqueUserId('chris');
    hub.addUser({ id: alice, displayName: 'Alice' });
    hub.addUser({ id: dana, displayName: 'دانة' });
    hub.addUser({ id: chris, displayName: 'Chris' });
    await hub
      .adapterFor(alice)
      .createThread({ title: 'قضية ٤٢', participantIds: [dana, chris], encrypted: true });
    const el = await chatWith(hub.adapterFor(alice), alice, { lang: 'ar' });
    const root = el.shadowRoot!;
    expect(root.querySelector('[part~="base"]')!.getAttribute('dir')).to.equal('rtl');
    expect(root.querySelector('[part~="filter"]')!.getAttribute('aria-label')).to.equal('تصفية المحادثات');
    expect(root.querySelector('[part~="thread-participants"]')!.textContent).to.equal('دانة وChris');
    expect(root.querySelector('[part~="thread-time"]')!.textContent).to.equal('الآن');
    await typeFilter(el, 'xyz');
    expect(root.querySelector('[part~="thread-list-empty"]')!.textContent!.trim()).to.equal(
      'لا توجد محادثة تطابق «xyz».',
    );
    await expect(el).to.be.accessible();
  });

  it('labels the last activity briefly, in the element’s language', () => {
    const now = new Date(2026, 5, 10, 15, 0);
    const at = (days: number, hours: number, minutes = 0) => new Date(2026, 5, 10 - days, hours, minutes);
    expect(activityLabel(at(0, 14, 59), now, 'en')).to.equal('1 min. ago');
    expect(activityLabel(at(0, 14, 30), now, 'de')).to.equal('vor 30 Min.');
    expect(activityLabel(at(0, 9, 5), now, 'en')).to.equal('9:05 AM');
    // Browsers differ on a leading zero in German ("9:05" or "09:05").
    expect(activityLabel(at(0, 9, 5), now, 'de')).to.match(/^0?9:05$/);
    expect(activityLabel(at(1, 9), now, 'en')).to.equal('yesterday');
    expect(activityLabel(at(1, 9), now, 'de')).to.equal('gestern');
    expect(activityLabel(at(3, 9), now, 'en')).to.equal('Sun');
    expect(activityLabel(at(30, 9), now, 'en')).to.equal('May 11');
    expect(activityLabel(new Date(2024, 2, 3), now, 'en')).to.equal('Mar 3, 2024');
    expect(activityLabel(now, now, 'not a tag!')).to.equal('now');
  });
});
