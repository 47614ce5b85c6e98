// Blobs (PROTOCOL.md 2.8): opaque bytes stored as files under `<dataDir>/blobs/`. An upload streams to a
// temporary file, counting bytes against the limit, is flushed to disk, renamed into place and only then
// recorded and acknowledged.
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { mediaType } from './http.mjs';
import { HttpError, newId, notFound, tooLarge } from './util.mjs';

/**
 * Streams a request body into a new file, refusing it past `limit` bytes. Answers the byte count.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} path
 * @param {number} limit
 */
async function receive(req, path, limit) {
  const file = await open(path, 'wx');
  let size = 0;
  try {
    await new Promise((resolve, reject) => {
      let writing = Promise.resolve();
      const fail = (error) => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('close', onClose);
        reject(error);
      };
      const onData = (chunk) => {
        size += chunk.length;
        if (size > limit) {
          fail(tooLarge('blob-too-large', `A blob is at most ${limit} bytes`));
          return;
        }
        req.pause();
        writing = writing.then(() => file.write(chunk)).then(() => req.resume(), fail);
      };
      const onEnd = () => {
        req.off('close', onClose);
        writing.then(resolve, reject);
      };
      const onClose = () => fail(new Error('The upload was interrupted'));
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('close', onClose);
      req.on('error', fail);
    });
    await file.sync();
  } finally {
    await file.close();
  }
  return size;
}

/**
 * POST /threads/:t/blobs
 * @param {import('./server.mjs').RequestContext} ctx
 */
export async function uploadBlob(ctx) {
  const { app, req, user, params, write } = ctx;
  app.requireParticipant(params.t, user.id);
  if (mediaType(req) !== 'application/octet-stream') {
    throw new HttpError(
      415,
      'invalid',
      'unsupported-media-type',
      'A blob is sent as application/octet-stream',
    );
  }
  const limit = app.config.maxUploadBytes;
  if (Number(req.headers['content-length'] ?? NaN) > limit) {
    throw tooLarge('blob-too-large', `A blob is at most ${limit} bytes`);
  }
  const blobId = newId('b_');
  const partial = join(app.tmpDir, `${blobId}.part`);
  const final = join(app.blobsDir, blobId);
  let size;
  try {
    size = await receive(req, partial, limit);
    await rename(partial, final);
    await app.syncDir(app.blobsDir);
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  try {
    write((w) => {
      // Checked again: the uploader may have been removed from the thread while the bytes arrived.
      app.requireParticipant(params.t, user.id);
      const now = Date.now();
      app
        .q(
          'INSERT INTO blobs (id, thread_id, uploader_id, size, created_at, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(blobId, params.t, user.id, size, new Date(now).toISOString(), now);
      w.audit('blob.upload', params.t);
    });
  } catch (error) {
    await unlink(final).catch(() => undefined);
    throw error;
  }
  return { status: 201, json: { blobId, size } };
}

/**
 * GET /threads/:t/blobs/:b
 * @param {import('./server.mjs').RequestContext} ctx
 */
export async function downloadBlob(ctx) {
  const { app, res, user, params, write } = ctx;
  app.requireParticipant(params.t, user.id);
  const row = app.q('SELECT id, size FROM blobs WHERE id = ? AND thread_id = ?').get(params.b, params.t);
  if (!row) throw notFound('unknown-blob', 'No such blob in this thread');
  const path = join(app.blobsDir, row.id);
  const info = await stat(path).catch(() => null);
  if (!info) throw notFound('unknown-blob', 'The blob is no longer stored');
  write((w) => w.audit('blob.download', params.t));
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': info.size,
    'content-disposition': 'attachment',
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  });
  await pipeline(createReadStream(path), res).catch(() => res.destroy());
  return undefined;
}
