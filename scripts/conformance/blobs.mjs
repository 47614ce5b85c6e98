// PROTOCOL.md 2.8: blob upload and download, their headers, who may fetch them, and the size limit.
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { Answer, assert, check, expectShape } from './lib.mjs';

const OCTETS = { 'content-type': 'application/octet-stream' };

async function uploadTo(t, who, thread, bytes) {
  const answer = await who.post(`/threads/${thread.id}/blobs`, { raw: bytes, headers: OCTETS });
  const ref = answer.body(201);
  expectShape(ref, { blobId: 'string', size: 'int' }, 'blob');
  return ref;
}

/**
 * Streams `total` bytes to the upload route with an honest content-length, stopping as soon as the backend
 * answers (a backend should refuse on the header without reading the body). Resolves the Answer.
 */
function streamUpload(t, who, thread, total) {
  const url = new URL(`${t.backend.base}/threads/${thread.id}/blobs`);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...OCTETS, 'content-length': String(total), authorization: `Bearer ${who.user.token}` },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error('no answer within 30 s'));
    }, 30000);
    request.on('response', (response) => {
      answered = true;
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers))
          headers.set(name, [].concat(value).join(', '));
        const answer = new Answer(
          'POST',
          `/threads/${thread.id}/blobs`,
          response.statusCode,
          headers,
          Buffer.concat(chunks),
        );
        if (answer.status >= 400) t.backend.refusals.push(answer);
        resolve(answer);
        request.destroy();
      });
    });
    request.on('error', (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(new Error(`the upload failed before an answer: ${error.message}`));
      }
    });
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!request.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
          return request.once('drain', pump);
      }
      if (sent >= total) request.end();
    };
    pump();
  });
}

export const checks = [
  check('blobs', 'an uploaded blob downloads byte-identical', async (t) => {
    const thread = await t.thread(t.alice, [t.bob]);
    const bytes = randomBytes(Math.min(70000, t.caps.maxUploadBytes)); // more than one 64 KiB chunk if allowed
    const ref = await uploadTo(t, t.alice, thread, bytes);
    assert(ref.size === bytes.length, `size is ${ref.size}, sent ${bytes.length}`);
    const answer = (await t.bob.get(`/threads/${thread.id}/blobs/${ref.blobId}`)).expect(200);
    assert(answer.bytes.equals(bytes), `downloaded ${answer.bytes.length} bytes that differ from the upload`);
  }),

  check(
    'blobs',
    'a download carries octet-stream, nosniff, attachment, no-store and content-length',
    async (t) => {
      const thread = await t.thread(t.alice, [t.bob]);
      const ref = await uploadTo(t, t.alice, thread, randomBytes(1234));
      const { headers } = (await t.bob.get(`/threads/${thread.id}/blobs/${ref.blobId}`)).expect(200);
      const wrong = [];
      const type = headers.get('content-type') ?? '';
      if (!/^application\/octet-stream\s*(;|$)/i.test(type)) wrong.push(`content-type "${type}"`);
      if ((headers.get('x-content-type-options') ?? '').toLowerCase() !== 'nosniff') {
        wrong.push(`x-content-type-options "${headers.get('x-content-type-options')}"`);
      }
      if (!/^attachment\b/i.test(headers.get('content-disposition') ?? '')) {
        wrong.push(`content-disposition "${headers.get('content-disposition')}"`);
      }
      const cache = (headers.get('cache-control') ?? '').toLowerCase();
      if (!cache.includes('private') || !cache.includes('no-store')) wrong.push(`cache-control "${cache}"`);
      if (headers.get('content-length') !== '1234')
        wrong.push(`content-length "${headers.get('content-length')}"`);
      assert(wrong.length === 0, wrong.join(', '));
    },
  ),

  check('blobs', 'a non-participant is 403 not-a-participant on upload and download', async (t) => {
    const thread = await t.thread(t.alice, [t.bob, t.dave]);
    const ref = await uploadTo(t, t.alice, thread, randomBytes(100));
    (await t.carol.get(`/threads/${thread.id}/blobs/${ref.blobId}`)).refused(
      403,
      'forbidden',
      'not-a-participant',
    );
    const up = await t.carol.post(`/threads/${thread.id}/blobs`, { raw: randomBytes(10), headers: OCTETS });
    up.refused(403, 'forbidden', 'not-a-participant');
    (await t.alice.delete(`/threads/${thread.id}/participants/${t.users.dave.id}`)).expect(200);
    const removed = await t.dave.get(`/threads/${thread.id}/blobs/${ref.blobId}`);
    removed.refused(403, 'forbidden', 'not-a-participant');
  }),

  check('blobs', 'a blob id of another thread, or no blob, is 404 not-found (unknown-blob)', async (t) => {
    const home = await t.thread(t.alice, [t.bob]);
    const elsewhere = await t.thread(t.alice, [t.bob]);
    const ref = await uploadTo(t, t.alice, home, randomBytes(100));
    (await t.alice.get(`/threads/${elsewhere.id}/blobs/${ref.blobId}`)).refused(
      404,
      'not-found',
      'unknown-blob',
    );
    (await t.alice.get(`/threads/${home.id}/blobs/no-such-blob-${t.run}`)).refused(
      404,
      'not-found',
      'unknown-blob',
    );
  }),

  check(
    'blobs',
    'an upload over maxUploadBytes is 413 too-large (blob-too-large)',
    async (t) => {
      const max = t.caps.maxUploadBytes;
      assert(Number.isInteger(max) && max > 0, 'the session has no maxUploadBytes');
      const thread = await t.thread(t.alice, [t.bob]);
      const answer = await streamUpload(t, t.alice, thread, max + 1);
      answer.refused(413, 'too-large', 'blob-too-large');
      const fits = await uploadTo(t, t.alice, thread, randomBytes(Math.min(max, 4096)));
      assert(fits.size === Math.min(max, 4096), 'an upload within the limit was not stored');
    },
    { timeoutMs: 60000 },
  ),
];
