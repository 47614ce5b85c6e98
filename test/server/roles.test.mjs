// The reference server's role matrix (PROTOCOL.md 2.13, demo/server/roles.json): who may share a thread with
// whom, who may start or be in encrypted threads, who may remove others; and the audit log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, envelope, plain, startTestServer } from './helpers.mjs';

describe('role matrix', () => {
  let t;
  /** @type {Record<string, ReturnType<typeof client>>} */
  const as = {};
  before(async () => {
    t = await startTestServer();
    const tokens = await t.users([
      { id: 'partner', role: 'partner' },
      { id: 'associate', role: 'associate' },
      { id: 'client', role: 'client', assigned: ['partner'] },
      { id: 'other-client', role: 'client', assigned: ['associate'] },
      { id: 'assistant', role: 'assistant' },
      { id: 'admin', role: 'administrator' },
      { id: 'member' },
    ]);
    for (const [id, token] of Object.entries(tokens)) as[id] = client(t.url, token);
  });
  after(() => t.close());

  const create = (who, participantIds, encrypted = false) =>
    as[who].post('/v1/threads', { title: 'Matter', participantIds, encrypted });
  const ids = (r) => r.json.map((u) => u.id).sort();

  it('lets a client reach only their assigned attorney', async () => {
    assert.deepEqual(ids(await as.client.get('/v1/contacts')), ['partner']);
    assert.equal((await create('client', ['partner'])).status, 201);
    const refused = await create('client', ['associate']);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.reason, 'not-allowed-to-message');
    // Neither may an attorney put two clients, or a client and someone not assigned, in one thread.
    assert.equal(
      (await create('partner', ['client', 'associate'])).json.error.reason,
      'not-allowed-to-message',
    );
    assert.equal((await create('associate', ['client'])).json.error.reason, 'not-allowed-to-message');
    const matter = (await create('partner', ['associate'])).json;
    const added = await as.partner.post(`/v1/threads/${matter.id}/participants`, { userIds: ['client'] });
    assert.equal(added.json.error.reason, 'not-allowed-to-message');
    assert.ok(ids(await as.partner.get('/v1/contacts')).includes('client'));
    assert.ok(!ids(await as.associate.get('/v1/contacts')).includes('client'));
  });

  it('keeps an assistant out of encrypted threads', async () => {
    const session = await as.assistant.get('/v1/session');
    assert.equal(session.json.user.role, 'assistant');
    assert.equal(session.json.capabilities.canStartEncryptedThreads, false);
    assert.equal(
      (await create('assistant', ['partner'], true)).json.error.reason,
      'role-cannot-start-encrypted',
    );
    const withAssistant = await create('partner', ['assistant'], true);
    assert.equal(withAssistant.status, 403);
    assert.deepEqual(
      [withAssistant.json.error.code, withAssistant.json.error.reason],
      ['encryption-disabled', 'role-cannot-join-encrypted'],
    );
    const encrypted = (await create('partner', ['associate'], true)).json;
    const add = await as.partner.post(`/v1/threads/${encrypted.id}/participants`, { userIds: ['assistant'] });
    assert.equal(add.json.error.reason, 'role-cannot-join-encrypted');
    const plainThread = (await create('partner', ['assistant'])).json;
    const enable = await as.partner.post(`/v1/threads/${plainThread.id}/encryption`);
    assert.equal(enable.json.error.reason, 'role-cannot-join-encrypted');
    assert.equal((await as.partner.get(`/v1/threads/${plainThread.id}`)).json.encrypted, false);
    assert.ok(!ids(await as.assistant.get('/v1/contacts')).includes('client'));
  });

  it('lets only the creator or a managing role remove others; anyone may leave', async () => {
    const thread = (await create('associate', ['partner', 'member'])).json;
    const byMember = await as.member.delete(`/v1/threads/${thread.id}/participants/partner`);
    assert.equal(byMember.json.error.reason, 'not-allowed-to-remove');
    assert.equal((await as.partner.delete(`/v1/threads/${thread.id}/participants/member`)).status, 200);
    assert.equal((await as.member.get(`/v1/threads/${thread.id}`)).status, 403);
    const left = await as.partner.delete(`/v1/threads/${thread.id}/participants/partner`);
    assert.equal(left.status, 200);
    assert.deepEqual(
      (await as.associate.get(`/v1/threads/${thread.id}`)).json.participants.map((p) => p.userId),
      ['associate'],
    );
  });
});

describe('encryption switched off for the site', () => {
  it('refuses encrypted threads and says so in the capabilities', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bm-roles-'));
    const rolesFile = join(dir, 'roles-off.json');
    await writeFile(
      rolesFile,
      JSON.stringify({
        encryptionEnabled: false,
        defaultRole: 'member',
        roles: {
          member: {
            messages: ['*'],
            startEncrypted: true,
            joinEncrypted: true,
            manageThreads: false,
            audit: false,
          },
        },
      }),
    );
    const off = await startTestServer({ rolesFile });
    try {
      const tokens = await off.users([{ id: 'a' }, { id: 'b' }]);
      const a = client(off.url, tokens.a);
      const session = await a.get('/v1/session');
      assert.equal(session.json.capabilities.encryptionEnabled, false);
      assert.equal(session.json.capabilities.canStartEncryptedThreads, false);
      const r = await a.post('/v1/threads', { title: 'x', participantIds: ['b'], encrypted: true });
      assert.deepEqual(
        [r.status, r.json.error.code, r.json.error.reason],
        [403, 'encryption-disabled', 'encryption-disabled'],
      );
    } finally {
      await off.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('audit log', () => {
  let t;
  const as = {};
  before(async () => {
    t = await startTestServer();
    const tokens = await t.users([
      { id: 'admin', role: 'administrator' },
      { id: 'partner', role: 'partner' },
      { id: 'member' },
    ]);
    for (const [id, token] of Object.entries(tokens)) as[id] = client(t.url, token);
  });
  after(() => t.close());

  it('is readable by the administrator only and holds metadata, never content', async () => {
    const plainThread = (
      await as.partner.post('/v1/threads', {
        title: 'Title-Marker-77',
        participantIds: ['member'],
        encrypted: false,
      })
    ).json;
    await as.partner.post(`/v1/threads/${plainThread.id}/messages`, {
      clientId: 'c1',
      body: plain('Body-Marker-42'),
    });
    const encrypted = (
      await as.partner.post('/v1/threads', { title: 'E', participantIds: ['member'], encrypted: true })
    ).json;
    const env = envelope({ threadId: encrypted.id, senderId: 'partner', clientId: 'e1' });
    await as.partner.post(`/v1/threads/${encrypted.id}/messages`, { clientId: 'e1', body: env });

    for (const who of ['partner', 'member']) {
      const refused = await as[who].get('/v1/admin/audit');
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.reason, 'not-an-administrator');
    }
    const log = await as.admin.get('/v1/admin/audit?limit=200');
    assert.equal(log.status, 200);
    const sends = log.json.items.filter((r) => r.action === 'message.send');
    assert.deepEqual(sends.map((r) => r.threadId).sort(), [plainThread.id, encrypted.id].sort());
    assert.ok(sends.every((r) => r.userId === 'partner' && r.address && r.at));
    const everything = JSON.stringify(t.server.db.prepare('SELECT * FROM audit').all());
    assert.ok(!everything.includes('Body-Marker-42'));
    assert.ok(!everything.includes('Title-Marker-77'));
    assert.ok(!everything.includes(env.envelope.slice(0, 40)));

    const byThread = await as.admin.get(`/v1/admin/audit?threadId=${encrypted.id}`);
    assert.ok(byThread.json.items.length >= 2);
    assert.ok(byThread.json.items.every((r) => r.threadId === encrypted.id));
    const page = await as.admin.get('/v1/admin/audit?limit=2');
    assert.equal(page.json.items.length, 2);
    const next = await as.admin.get(`/v1/admin/audit?limit=2&cursor=${page.json.next}`);
    assert.ok(Number(next.json.items[0].id) < Number(page.json.items[1].id));
  });
});
