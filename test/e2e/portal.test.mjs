// The law-firm client portal (demo/portal/) end to end, on the demo site and the real reference server: the
// partner, the client and the assistant each sign in on a device of their own (a browser context of their own,
// so their own key vault). The partner opens the encrypted matter chat; partner and client exchange text, a PDF
// and a photo whose EXIF holds a GPS position; each reads the other's. Then: the server's database and blob
// folder hold none of it (no text, no file name, no file bytes, no GPS bytes), the photo the partner receives has
// no GPS left, the client's export of the thread (JSON and HTML) holds everything, and the assistant, whom the
// server refuses, is told so in plain words (test/e2e/harness.mjs). Runs in Chromium and in Firefox ESR.
/* global document */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { BROWSERS, startHarness } from './harness.mjs';

const unique = (label) => `${label} ${randomBytes(6).toString('hex')}`;

/** Every file under a folder, with its bytes. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath ?? entry.path, entry.name);
      return { path, bytes: readFileSync(path) };
    });
}

/** A one-page PDF whose page says `text` (valid enough for any reader: header, objects, xref, trailer). */
function pdfSaying(text) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null, // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const content = `BT /F1 12 Tf 20 50 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) body += `${String(at).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * An EXIF block (TIFF, big-endian) whose IFD0 points to a GPS IFD: latitude 48°51'30" N, and `mark` as the
 * GPS area information (ASCII), so its bytes can be looked for anywhere.
 */
function exifWithGps(mark) {
  const tiff = Buffer.alloc(92 + mark.length + 1);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 at 8
  tiff.writeUInt16BE(1, 8); // IFD0: one entry
  tiff.writeUInt16BE(0x8825, 10); // GPSInfo
  tiff.writeUInt16BE(4, 12); // LONG
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18); // the GPS IFD at 26
  tiff.writeUInt32BE(0, 22); // no next IFD
  tiff.writeUInt16BE(3, 26); // GPS IFD: three entries (28, 40, 52), then no next IFD (64)
  tiff.writeUInt16BE(1, 28); // GPSLatitudeRef
  tiff.writeUInt16BE(2, 30); // ASCII
  tiff.writeUInt32BE(2, 32);
  tiff.write('N\0', 36, 'latin1');
  tiff.writeUInt16BE(2, 40); // GPSLatitude
  tiff.writeUInt16BE(5, 42); // RATIONAL
  tiff.writeUInt32BE(3, 44);
  tiff.writeUInt32BE(68, 48); // three rationals at 68
  tiff.writeUInt16BE(0x1c, 52); // GPSAreaInformation
  tiff.writeUInt16BE(2, 54); // ASCII
  tiff.writeUInt32BE(mark.length + 1, 56);
  tiff.writeUInt32BE(92, 60); // the text at 92
  tiff.writeUInt32BE(0, 64);
  [48, 1, 51, 1, 30, 1].forEach((n, i) => tiff.writeUInt32BE(n, 68 + i * 4));
  tiff.write(`${mark}\0`, 92, 'latin1');
  return tiff;
}

/** A small JPEG drawn by the browser, with an APP1 Exif segment (GPS IFD holding `mark`) right after SOI. */
async function photoWithGps(person, mark) {
  const bytes = await person.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 24;
    canvas.height = 16;
    const context = canvas.getContext('2d');
    context.fillStyle = '#c33';
    context.fillRect(0, 0, 24, 16);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
    return [...new Uint8Array(await blob.arrayBuffer())];
  });
  const jpeg = Buffer.from(bytes);
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'the browser drew a JPEG');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifWithGps(mark)]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, jpeg.subarray(2)]);
}

/** Whether the bytes hold an APP1 Exif segment (before the image data starts). */
function hasExif(jpeg) {
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1];
    if (marker === 0xda) return false; // start of scan: no more metadata segments
    const size = jpeg.readUInt16BE(at + 2);
    if (marker === 0xe1 && jpeg.subarray(at + 4, at + 10).toString('latin1') === 'Exif\0\0') return true;
    at += 2 + size;
  }
  return false;
}

/** Errors a browser logs for a request the server refused (the page itself reports the refusal). */
const REFUSED = /status of 403|403 \(Forbidden\)/;

for (const kind of BROWSERS) {
  describe(`the law-firm portal (${kind})`, () => {
    /** @type {Awaited<ReturnType<typeof startHarness>>} */
    let harness;
    before(async () => {
      harness = await startHarness(kind);
    });
    after(async () => {
      await harness?.close();
    });

    /** Opens the portal on a device of its own and signs in as the person whose button says `name`. */
    async function signIn(name) {
      const person = await harness.openPage('demo/portal/', name);
      await person.clickInPage('.people button', name);
      await person.findInPage('.account', name);
      const session = JSON.parse(await person.evaluate(() => sessionStorage.getItem('bm-portal-session')));
      person.user = { ...person.user, id: session.userId, token: session.token };
      person.threads = session.threads;
      return person;
    }

    /** Waits until the server lists a device of this user's (their widget published its keys). */
    async function devicePublished(userId, token) {
      for (let i = 0; i < 200; i++) {
        const bundles = await harness.api('GET', `/v1/keys?users=${userId}`, { token });
        if (bundles[0]?.devices?.length) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail(`${userId} published no device`);
    }

    /** Attaches a file and waits until the person's own row for it shows it as sent. */
    async function sendFile(person, name, bytes) {
      await person.attach(harness.writeFile(name, bytes));
      await person.find({ selector: '[part~="message"]:has([part~="receipt"]) .file-name', text: name });
    }

    it(
      'partner and client exchange text, a PDF and a GPS-tagged photo; the server holds none of it, the export all of it, and the assistant is refused',
      { timeout: 110_000 },
      async () => {
        const partner = await signIn('Dana Whitfield');
        const matterThread = partner.threads['miller-estate'];
        await partner.find({ selector: '[part~="input"]', visible: true });
        const client = await signIn('Chris Miller');
        assert.deepEqual(client.threads, partner.threads, 'both devices found the same matter chats');
        await client.find({ selector: '[part~="input"]', visible: true });
        await devicePublished(client.user.id, partner.user.token);

        const hello = unique('Chris, the inventory lists the house at 4 Orchard Lane');
        await partner.send(hello);
        await partner.find({ message: hello, selector: '[part~="receipt"]' });
        await client.find({ message: hello, selector: '[part~="sender"]', text: 'Dana Whitfield' });

        const pdfText = unique('Draft letter to the probate court');
        const pdfName = `court-letter-${randomBytes(4).toString('hex')}.pdf`;
        const pdf = pdfSaying(pdfText);
        await sendFile(partner, pdfName, pdf);
        await client.find({ selector: '[part~="attachment"] .file-name', text: pdfName });

        const answer = unique('Thank you, a photo of the deed is attached');
        await client.send(answer);
        await partner.find({ message: answer, selector: '[part~="sender"]', text: 'Chris Miller' });
        const gps = `GPS-51.5072N-0.1276W-${randomBytes(4).toString('hex')}`;
        const photoName = `deed-photo-${randomBytes(4).toString('hex')}.jpg`;
        const photo = await photoWithGps(client, gps);
        assert.ok(hasExif(photo) && photo.includes(gps), 'the photo carries its EXIF GPS block');
        await sendFile(client, photoName, photo);
        await partner.waitFor(() => {
          const canvas = document
            .querySelector('bm-secure-chat')
            ?.shadowRoot?.querySelector('[part~="attachment"] canvas[part~="preview"]');
          return canvas && !canvas.hidden && canvas.width === 24;
        });

        // What each received: the client's PDF as sent; the partner's photo without its GPS.
        await client.catchDownloads();
        await client.click({ selector: '[part~="download-button"]', text: pdfName });
        const receivedPdf = await client.saved(0);
        assert.equal(receivedPdf.name, pdfName);
        assert.ok(receivedPdf.bytes.equals(pdf), 'the client received the PDF byte for byte');
        await partner.catchDownloads();
        await partner.click({ selector: '[part~="download-button"]', text: photoName });
        const receivedPhoto = await partner.saved(0);
        assert.deepEqual([...receivedPhoto.bytes.subarray(0, 2)], [0xff, 0xd8], 'still a JPEG');
        assert.ok(!hasExif(receivedPhoto.bytes), 'no EXIF segment left');
        assert.ok(!receivedPhoto.bytes.includes(gps), 'no GPS bytes left');

        // The server's data folder: its SQLite database and its blobs.
        const db = new Database(join(harness.dataDir, 'chat.db'), { readonly: true, fileMustExist: true });
        let bodies;
        try {
          bodies = db
            .prepare('SELECT body FROM messages WHERE thread_id = ? ORDER BY seq')
            .all(matterThread)
            .map((row) => JSON.parse(row.body));
        } finally {
          db.close();
        }
        assert.equal(bodies.length, 4);
        for (const body of bodies) assert.deepEqual(Object.keys(body).sort(), ['envelope', 'kind']);
        const files = filesUnder(harness.dataDir);
        assert.ok(
          files.some((f) => f.path.startsWith(join(harness.dataDir, 'blobs'))),
          'blobs were stored',
        );
        const secrets = [hello, answer, pdfText, pdfName, photoName, gps];
        for (const text of secrets) {
          const found = files.filter((f) => f.bytes.includes(Buffer.from(text))).map((f) => f.path);
          assert.deepEqual(found, [], `"${text}" is stored in plain text`);
        }
        const photoData = photo.subarray(photo.length - 64);
        const pdfData = pdf.subarray(0, 64);
        for (const [what, bytes] of [
          ['the photo', photoData],
          ['the PDF', pdfData],
        ]) {
          const found = files.filter((f) => f.bytes.includes(bytes)).map((f) => f.path);
          assert.deepEqual(found, [], `bytes of ${what} are stored in plain`);
        }

        // The client's export of the thread, as JSON and as HTML.
        for (const [format, button] of [
          ['json', '.export-json'],
          ['html', '.export-html'],
        ]) {
          const count = format === 'json' ? 1 : 2;
          await client.click('[part~="export-button"]');
          await client.click(`[part~="export-dialog"] ${button}`);
          const exported = await client.saved(count);
          assert.match(exported.name, new RegExp(`\\.${format}$`));
          const text = exported.bytes.toString('utf8');
          for (const expected of [hello, answer, pdfName, photoName, 'Dana Whitfield', 'Chris Miller']) {
            assert.ok(text.includes(expected), `the ${format} export holds "${expected}"`);
          }
        }

        // The assistant: the server refuses the thread, and the portal says so in words.
        const assistant = await signIn('Sam Reyes');
        const notice = await assistant.findInPage('#portal .notice', 'refused');
        const said = (await notice.evaluate((el) => el.textContent)).replace(/\s+/g, ' ');
        assert.match(said, /not a participant/);
        assert.ok(!(await assistant.evaluate(() => document.querySelector('bm-secure-chat'))));
        await assert.rejects(
          harness.api('GET', `/v1/threads/${matterThread}/messages?limit=50`, {
            token: assistant.user.token,
          }),
          /403/,
        );

        for (const person of [partner, client]) {
          assert.deepEqual(person.errors, [], `${person.user.displayName}'s page`);
        }
        assert.deepEqual(
          assistant.errors.filter((error) => !REFUSED.test(error)),
          [],
          "the assistant's page",
        );
      },
    );
  });
}
