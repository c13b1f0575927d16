// Pot photos and the displayed name with accounts on: uploads checked by type, content and size,
// stored under data/photos/<id>/, served back as images, listed in the care timeline, and refused
// to a member who may only read the pot.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CSRF_HEADER } from '../../hub/plugins/auth.js';
import { member, ownPot, startAuthStack, stopAuthStack, type AuthStack, type Client } from '../auth/support.js';
import { onePixelPng } from './support.js';

const POT = '0200000079bb';
const MAC = '02:00:00:00:79:BB';

/** Sends a binary body as a logged-in client would (the shared client only sends text). */
async function upload(client: Client, method: string, path: string, type: string, bytes: Buffer): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': type };
  if (client.cookie !== null) headers['cookie'] = client.cookie;
  if (client.csrf !== null) headers[CSRF_HEADER] = client.csrf;
  const response = await fetch(client.base + path, { method, headers, body: new Uint8Array(bytes) });
  return { status: response.status, body: await response.json().catch(() => null), headers: response.headers };
}

async function download(client: Client, path: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await fetch(client.base + path, { headers: client.cookie === null ? {} : { cookie: client.cookie } });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

interface Context {
  stack: AuthStack;
  owner: Client;
  reader: Client;
}

const photos = suite<Context>('pot photos', {} as Context);

photos.before(async (context) => {
  context.stack = await startAuthStack();
  context.owner = await member(context.stack, 'owner2');
  context.reader = await member(context.stack, 'reader2');
  await ownPot(context.stack, context.owner, POT);
  const shared = await context.owner.request('PUT', `/api/pots/${POT}/shares`, { body: { kind: 'user', target: 'reader2', level: 'read' } });
  assert.ok(shared.status < 300, `${shared.status} ${shared.text}`);
});

photos.after(async (context) => stopAuthStack(context.stack));

photos('pot photo is stored and served', async (context) => {
  const png = onePixelPng(40, 160, 60);
  const sent = await upload(context.owner, 'PUT', `/api/pots/${POT}/photo`, 'image/png', png);
  assert.is(sent.status, 200, JSON.stringify(sent.body));
  const file: string = sent.body.data.file;
  assert.match(file, /^[0-9a-z]+-[0-9a-f]{8}\.png$/);
  assert.ok(existsSync(join(context.stack.hub.dataDir, 'photos', POT, file)));
  assert.equal(readdirSync(join(context.stack.hub.dataDir, 'photos', POT)), [file], 'no partial file left');

  for (const path of [`/api/pots/${POT}/photos/${file}`, `/api/pots/${MAC}/photos/${file}`]) {
    const got = await download(context.reader, path);
    assert.is(got.status, 200, path);
    assert.is(got.headers.get('content-type'), 'image/png');
    assert.is(got.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(got.bytes.equals(png), path);
  }
  const care = await context.reader.request('GET', `/api/pots/${POT}/care`);
  assert.is(care.body.care.photo, file);
});

photos('HTML sent as PNG is rejected', async (context) => {
  const html = Buffer.from('<html><script>alert(1)</script></html>');
  const sent = await upload(context.owner, 'PUT', `/api/pots/${POT}/photo`, 'image/png', html);
  assert.is(sent.status, 415);
  assert.match(sent.body.error, 'not a JPEG, PNG or WebP image');
  // The PNG signature alone, without the IHDR chunk that must follow it, is no PNG either.
  const disguised = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), html]);
  assert.is((await upload(context.owner, 'POST', `/api/pots/${POT}/photos`, 'image/png', disguised)).status, 415);
  const png = onePixelPng(1, 2, 3);
  assert.is((await upload(context.owner, 'PUT', `/api/pots/${POT}/photo`, 'image/jpeg', png)).status, 415, 'a PNG sent as JPEG');
  assert.is((await upload(context.owner, 'PUT', `/api/pots/${POT}/photo`, 'text/html', html)).status, 415);
});

photos('photo over 2 MiB is rejected', async (context) => {
  const big = Buffer.concat([onePixelPng(9, 9, 9), Buffer.alloc(2 * 1024 * 1024)]);
  const sent = await upload(context.owner, 'PUT', `/api/pots/${POT}/photo`, 'image/png', big);
  assert.is(sent.status, 413);
  assert.match(sent.body.error, '2 MiB');
});

photos('timeline lists an added photo', async (context) => {
  const before = readdirSync(join(context.stack.hub.dataDir, 'photos', POT)).length;
  const sent = await upload(context.owner, 'POST', `/api/pots/${POT}/photos?caption=${encodeURIComponent('Nouvelle feuille')}`, 'image/png', onePixelPng(200, 30, 30));
  assert.is(sent.status, 201, JSON.stringify(sent.body));
  assert.is(readdirSync(join(context.stack.hub.dataDir, 'photos', POT)).length, before + 1);
  const timeline = await context.reader.request('GET', `/api/pots/${POT}/timeline`);
  const photoEvents = timeline.body.events.filter((event: any) => event.kind === 'photo');
  assert.is(photoEvents.length, 2, 'the pot photo and the added one');
  assert.is(photoEvents[1].data.caption, 'Nouvelle feuille');
  assert.is((await download(context.reader, `/api/pots/${POT}/photos/${photoEvents[1].data.file}`)).status, 200);
});

photos('read-only member cannot upload', async (context) => {
  const png = onePixelPng(5, 5, 5);
  assert.is((await upload(context.reader, 'PUT', `/api/pots/${POT}/photo`, 'image/png', png)).status, 403);
  assert.is((await upload(context.reader, 'POST', `/api/pots/${POT}/photos`, 'image/png', png)).status, 403);
  const stranger = await member(context.stack, 'stranger2');
  assert.is((await upload(stranger, 'PUT', `/api/pots/${POT}/photo`, 'image/png', png)).status, 404);
  const file = (await context.owner.request('GET', `/api/pots/${POT}/care`)).body.care.photo;
  assert.is((await download(stranger, `/api/pots/${POT}/photos/${file}`)).status, 404);
});

photos('photo names are checked', async (context) => {
  for (const file of ['..%2F..%2Fcare.json', 'x.html', '.hidden.png.partial']) {
    assert.is((await download(context.owner, `/api/pots/${POT}/photos/${file}`)).status, 400, file);
  }
  assert.is((await download(context.owner, `/api/pots/${POT}/photos/abc-0123abcd.png`)).status, 404);
});

photos.run();

const names = suite<Context>('displayed pot name', {} as Context);

names.before(async (context) => {
  context.stack = await startAuthStack();
  context.owner = await member(context.stack, 'owner3');
  await ownPot(context.stack, context.owner, POT);
});

names.after(async (context) => stopAuthStack(context.stack));

names('care name is the registry name', async (context) => {
  assert.is((await context.owner.request('GET', `/api/pots/${POT}`)).body.name, MAC, 'the MAC until named');
  const put = await context.owner.request('PUT', `/api/pots/${POT}`, { body: { name: 'Basilic de la cuisine' } });
  assert.is(put.status, 200, put.text);
  assert.is((await context.owner.request('GET', `/api/pots/${POT}`)).body.name, 'Basilic de la cuisine');
  const list = await context.owner.request('GET', '/api/pots');
  assert.equal(list.body.pots.map((pot: { name: string }) => pot.name), ['Basilic de la cuisine']);
  assert.is(context.stack.hub.app.care.potName(POT), 'Basilic de la cuisine');

  await context.owner.request('PUT', `/api/pots/${POT}`, { body: { name: '' } });
  assert.is((await context.owner.request('GET', `/api/pots/${POT}`)).body.name, MAC, 'back to the MAC');
});

names.run();
