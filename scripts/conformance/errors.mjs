// PROTOCOL.md 2.1 (bodies, unknown fields, the 256 KiB limit) and 2.2 (the error body and its statuses).
import { assert, check, errorBodyProblem } from './lib.mjs';

const MAX_JSON = 256 * 1024;

export const checks = [
  check('errors', 'malformed JSON is 400 invalid (bad-json)', async (t) => {
    const answer = await t.alice.post('/threads', {
      raw: '{"title": "half a body",',
      headers: { 'content-type': 'application/json' },
    });
    answer.refused(400, 'invalid', 'bad-json');
  }),

  check('errors', 'an unknown field is 400 invalid (unknown-field)', async (t) => {
    const answer = await t.alice.post('/threads', {
      json: { title: 'Unknown field', participantIds: [], encrypted: false, colour: 'red' },
    });
    answer.refused(400, 'invalid', 'unknown-field');
  }),

  check('errors', 'a missing field is 400 invalid (missing-field)', async (t) => {
    const answer = await t.alice.post('/threads', { json: { participantIds: [], encrypted: false } });
    answer.refused(400, 'invalid', 'missing-field');
  }),

  check('errors', 'a JSON body over 256 KiB is 413 too-large (body-too-large)', async (t) => {
    const title = 'x'.repeat(MAX_JSON);
    const answer = await t.alice.post('/threads', { json: { title, participantIds: [], encrypted: false } });
    answer.refused(413, 'too-large', 'body-too-large');
  }),

  check(
    'errors',
    'a JSON route given another content-type is 415 invalid (unsupported-media-type)',
    async (t) => {
      const answer = await t.alice.post('/threads', {
        raw: JSON.stringify({ title: 'Text plain', participantIds: [], encrypted: false }),
        headers: { 'content-type': 'text/plain' },
      });
      answer.refused(415, 'invalid', 'unsupported-media-type');
    },
  ),

  check('errors', 'an unknown route is 404 not-found (unknown-route) with a JSON body', async (t) => {
    (await t.alice.get(`/no-such-route-${t.run}`)).refused(404, 'not-found', 'unknown-route');
    (await t.backend.request('GET', `/no-such-route-${t.run}`)).expect([401, 404]);
  }),

  check('errors', 'a known path with another method is 405 invalid (method-not-allowed)', async (t) => {
    (await t.alice.delete('/session')).refused(405, 'invalid', 'method-not-allowed');
  }),

  check('errors', 'a thread that does not exist is 404 not-found (unknown-thread)', async (t) => {
    (await t.alice.get(`/threads/no-such-thread-${t.run}`)).refused(404, 'not-found', 'unknown-thread');
  }),

  check('errors', 'a participant who is not a user is 404 not-found (unknown-user)', async (t) => {
    const answer = await t.alice.post('/threads', {
      json: { title: 'Ghost', participantIds: [`no-such-user-${t.run}`], encrypted: false },
    });
    answer.refused(404, 'not-found', 'unknown-user');
  }),
];

/** Statuses and the codes PROTOCOL.md 2.2 pairs with them. */
const CODES = {
  400: ['invalid', 'encryption-required'],
  401: ['unauthorized'],
  403: ['forbidden', 'encryption-disabled'],
  404: ['not-found'],
  405: ['invalid'],
  409: ['conflict'],
  413: ['too-large'],
  415: ['invalid'],
  429: ['rate-limited'],
};

/** Run last: audits every refusal the other checks saw. */
export const finalChecks = [
  check(
    'errors',
    'every refusal of the run had the error body and the code its status calls for',
    async (t) => {
      const seen = t.backend.refusals;
      assert(seen.length > 0, 'no refusal was seen (did the other checks run?)');
      const wrong = [];
      for (const answer of seen) {
        const problem = errorBodyProblem(answer);
        const expected = answer.status >= 500 ? ['server'] : CODES[answer.status];
        if (problem) wrong.push(`${answer.label} ${answer.status}: ${problem}`);
        else if (expected && !expected.includes(answer.json.error.code)) {
          wrong.push(
            `${answer.label} ${answer.status}: code ${answer.json.error.code}, expected ${expected}`,
          );
        }
      }
      assert(
        wrong.length === 0,
        `${wrong.length} of ${seen.length} refusals: ${wrong.slice(0, 3).join('; ')}${wrong.length > 3 ? '; …' : ''}`,
      );
    },
  ),
];
