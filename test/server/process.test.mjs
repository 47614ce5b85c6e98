// The server as a process: every acknowledged message survives a SIGKILL, and SIGTERM shuts it down cleanly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { client, plain, request, until } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../../demo/server/main.mjs', import.meta.url));

/** Spawns the server on a free port and waits for the URL it prints. @param {string} dataDir */
async function spawnServer(dataDir) {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--data', dataDir, '--test-hooks'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    exited.then(() => reject(new Error(`the server exited: ${output}`)));
  });
  return { child, url, exited };
}

describe('the server process', () => {
  it('keeps every acknowledged message across a SIGKILL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bm-kill-'));
    try {
      const first = await spawnServer(dataDir);
      const made = await request(first.url, 'POST', '/v1/test/users', {
        body: {
          users: [
            { id: 'alice', displayName: 'Alice' },
            { id: 'bob', displayName: 'Bob' },
          ],
        },
      });
      const [alice] = made.json.users;
      const api = client(first.url, alice.token);
      const thread = (
        await api.post('/v1/threads', { title: 'K', participantIds: ['bob'], encrypted: false })
      ).json;
      /** @type {string[]} */
      const acknowledged = [];
      // Sends in parallel streams, and kills the server in the middle of them.
      let stop = false;
      const sender = async (stream) => {
        for (let i = 0; !stop; i++) {
          const clientId = `s${stream}-${i}`;
          try {
            const r = await api.post(`/v1/threads/${thread.id}/messages`, {
              clientId,
              body: plain(clientId),
            });
            if (r.status === 201) acknowledged.push(clientId);
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const streams = [0, 1, 2, 3].map(sender);
      await until(() => acknowledged.length >= 30, 20_000);
      first.child.kill('SIGKILL');
      stop = true;
      await Promise.all(streams);
      assert.equal((await first.exited).signal, 'SIGKILL');

      const second = await spawnServer(dataDir);
      try {
        const again = client(second.url, alice.token);
        const stored = new Set();
        let before;
        for (;;) {
          const page = await again.get(
            `/v1/threads/${thread.id}/messages?limit=200${before ? `&before=${before}` : ''}`,
          );
          for (const m of page.json.items) stored.add(m.clientId);
          if (!page.json.next) break;
          before = page.json.next;
        }
        const missing = acknowledged.filter((id) => !stored.has(id));
        assert.deepEqual(missing, []);
        const seqs = (await again.get(`/v1/threads/${thread.id}`)).json.lastSeq;
        assert.equal(seqs, stored.size);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 0 on SIGTERM, closing its sockets, and starts again on the same data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bm-term-'));
    try {
      const server = await spawnServer(dataDir);
      assert.equal((await request(server.url, 'GET', '/v1/session')).status, 401);
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      const again = await spawnServer(dataDir);
      again.child.kill('SIGINT');
      assert.deepEqual(await again.exited, { code: 0, signal: null });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
