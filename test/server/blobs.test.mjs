// Blobs (PROTOCOL.md 2.8): stored as files, readable only by the thread's current participants, with the
// download headers that keep a browser from interpreting them, and the upload limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { client, request, startTestServer } from './helpers.mjs';

const LIMIT = 64 * 1024;

describe('blobs', () => {
  let t;
  let tokens;
  let alice;
  let bob;
  let eve;
  before(async () => {
    t = await startTestServer({ maxUploadBytes: LIMIT });
    tokens = await t.users([{ id: 'alice' }, { id: 'bob' }, { id: 'eve' }]);
    alice = client(t.url, tokens.alice);
    bob = client(t.url, tokens.bob);
    eve = client(t.url, tokens.eve);
  });
  after(() => t.close());

  const octets = { 'content-type': 'application/octet-stream' };
  const thread = async (participantIds = ['bob']) =>
    (await alice.post('/v1/threads', { title: 'B', participantIds, encrypted: false })).json;

  it('round-trips bytes with the download headers that keep browsers from interpreting them', async () => {
    const { id } = await thread();
    const bytes = randomBytes(5000);
    const up = await alice.post(`/v1/threads/${id}/blobs`, bytes, octets);
    assert.equal(up.status, 201);
    assert.equal(up.json.size, bytes.length);
    assert.ok(existsSync(join(t.dataDir, 'blobs', up.json.blobId)));
    const down = await bob.get(`/v1/threads/${id}/blobs/${up.json.blobId}`);
    assert.equal(down.status, 200);
    assert.deepEqual(down.bytes, bytes);
    assert.equal(down.headers.get('content-type'), 'application/octet-stream');
    assert.equal(down.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(down.headers.get('content-disposition'), 'attachment');
    assert.equal(down.headers.get('cache-control'), 'private, no-store');
    assert.equal(down.headers.get('content-length'), String(bytes.length));
  });

  it("refuses a blob to anyone outside its thread (403), and another thread's blob id (404)", async () => {
    const secret = await thread();
    const { blobId } = (await alice.post(`/v1/threads/${secret.id}/blobs`, Buffer.from('secret'), octets))
      .json;
    const outsider = await eve.get(`/v1/threads/${secret.id}/blobs/${blobId}`);
    assert.equal(outsider.status, 403);
    assert.equal(outsider.json.error.reason, 'not-a-participant');
    assert.ok(!outsider.text.includes('secret'));
    // Eve's own thread with alice does not open alice's other thread's blob.
    const shared = await thread(['eve']);
    const crossed = await eve.get(`/v1/threads/${shared.id}/blobs/${blobId}`);
    assert.equal(crossed.status, 404);
    assert.equal(crossed.json.error.reason, 'unknown-blob');
    assert.equal((await eve.post(`/v1/threads/${secret.id}/blobs`, Buffer.from('x'), octets)).status, 403);
    // A removed participant loses access at once.
    await alice.delete(`/v1/threads/${secret.id}/participants/bob`);
    assert.equal((await bob.get(`/v1/threads/${secret.id}/blobs/${blobId}`)).status, 403);
  });

  it('refuses an upload over the limit by content-length and while streaming, keeping no file', async () => {
    const { id } = await thread();
    const declared = await alice.post(`/v1/threads/${id}/blobs`, Buffer.alloc(LIMIT + 1), octets);
    assert.equal(declared.status, 413);
    assert.equal(declared.json.error.reason, 'blob-too-large');
    // Chunked, without a content-length: the server counts.
    const chunks = [Buffer.alloc(40 * 1024), Buffer.alloc(40 * 1024)];
    const response = await fetch(`${t.url}/v1/threads/${id}/blobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.alice}`, ...octets },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error.reason, 'blob-too-large');
    const exactly = await alice.post(`/v1/threads/${id}/blobs`, Buffer.alloc(LIMIT), octets);
    assert.equal(exactly.status, 201);
    const files = readdirSync(join(t.dataDir, 'blobs')).filter((f) => f !== 'tmp');
    const rows = t.server.db.prepare('SELECT id FROM blobs').pluck().all();
    assert.deepEqual(files.sort(), rows.sort());
    assert.deepEqual(readdirSync(join(t.dataDir, 'blobs', 'tmp')), []);
  });

  it('refuses an upload of another media type with 415', async () => {
    const { id } = await thread();
    const r = await request(t.url, 'POST', `/v1/threads/${id}/blobs`, {
      token: tokens.alice,
      body: '<html>',
      headers: { 'content-type': 'text/html' },
    });
    assert.equal(r.status, 415);
    assert.equal(r.json.error.reason, 'unsupported-media-type');
  });
});
