// PROTOCOL.md 2.6 ("What the server checks of a body") with the envelope layout of 1.6.
import { assert, b64url, check, envelope, envelopeBytes, text, uid } from './lib.mjs';

/** Posts `body` as alice into `thread` under `clientId`. */
const post = (t, thread, clientId, body) =>
  t.alice.post(`/threads/${thread.id}/messages`, { json: { clientId, body } });

/** Sends an envelope whose header differs from the request in one field; expects envelope-malformed. */
async function refuseMismatch(t, change) {
  const thread = await t.encryptedThread(t.alice, [t.bob]);
  const clientId = uid('env');
  const fields = { threadId: thread.id, senderId: t.users.alice.id, clientId, ...change(t, thread) };
  (await post(t, thread, clientId, envelope(fields))).refused(400, 'invalid', 'envelope-malformed');
  const history = (await t.alice.get(`/threads/${thread.id}/messages`)).body(200);
  assert(history.items.length === 0, 'the refused envelope was stored');
}

export const checks = [
  check('envelopes', 'a plain body in an encrypted thread is 400 encryption-required', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    (await post(t, thread, uid('plain'), text('in the clear'))).refused(
      400,
      'encryption-required',
      'encryption-required',
    );
    const history = (await t.alice.get(`/threads/${thread.id}/messages`)).body(200);
    assert(history.items.length === 0, 'the plain message was stored');
  }),

  check('envelopes', 'a well-formed envelope is stored and served byte-identical', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    const clientId = uid('env');
    const body = envelope({ threadId: thread.id, senderId: t.users.alice.id, clientId });
    const record = (await post(t, thread, clientId, body)).body(201);
    assert(record.body?.kind === 'envelope', `stored body kind ${record.body?.kind}`);
    assert(record.body.envelope === body.envelope, 'the answered envelope differs from the one sent');
    const history = (await t.bob.get(`/threads/${thread.id}/messages`)).body(200);
    const stored = history.items.find((m) => m.clientId === clientId);
    assert(stored?.body?.envelope === body.envelope, 'the envelope in history differs from the one sent');
  }),

  check('envelopes', 'malformed envelopes are 400 invalid (envelope-malformed)', async (t) => {
    const thread = await t.encryptedThread(t.alice, [t.bob]);
    const variants = {
      'a truncated signature': { signatureLength: 63 },
      'a trailing byte': { trailing: 1 },
      'a 15-byte ciphertext': { ciphertextLength: 15 },
      'version 2': { version: 2 },
      'suite 2': { suite: 2 },
      'sequence 0': { sequence: 0 },
      'an empty device id': { deviceId: '' },
    };
    const failures = [];
    for (const [name, change] of Object.entries(variants)) {
      const clientId = uid('bad');
      const bytes = envelopeBytes({ threadId: thread.id, senderId: t.users.alice.id, clientId, ...change });
      const answer = await post(t, thread, clientId, { kind: 'envelope', envelope: b64url(bytes) });
      if (answer.status !== 400 || answer.json?.error?.reason !== 'envelope-malformed') {
        failures.push(`${name}: ${answer.status} ${answer.json?.error?.reason ?? ''}`);
      }
    }
    for (const [name, value] of [
      ['not base64url', '***not base64***'],
      ['padded base64', b64url(Buffer.from('abcd')) + '=='],
    ]) {
      const answer = await post(t, thread, uid('bad'), { kind: 'envelope', envelope: value });
      if (answer.status !== 400) failures.push(`${name}: ${answer.status}`);
    }
    assert(failures.length === 0, `accepted or misnamed: ${failures.join('; ')}`);
    const history = (await t.alice.get(`/threads/${thread.id}/messages`)).body(200);
    assert(history.items.length === 0, `${history.items.length} malformed envelope(s) were stored`);
  }),

  check('envelopes', 'an envelope naming another thread is 400 invalid (envelope-malformed)', (t) =>
    refuseMismatch(t, () => ({ threadId: `other-thread-${t.run}` })),
  ),

  check('envelopes', 'an envelope naming another sender is 400 invalid (envelope-malformed)', (t) =>
    refuseMismatch(t, () => ({ senderId: t.users.bob.id })),
  ),

  check('envelopes', 'an envelope naming another clientId is 400 invalid (envelope-malformed)', (t) =>
    refuseMismatch(t, () => ({ clientId: uid('other') })),
  ),

  check('envelopes', 'an envelope in a plain thread is 400 invalid (thread-not-encrypted)', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const clientId = uid('env');
    const body = envelope({ threadId: thread.id, senderId: t.users.alice.id, clientId });
    (await post(t, thread, clientId, body)).refused(400, 'invalid', 'thread-not-encrypted');
  }),
];
