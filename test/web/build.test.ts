// The dashboard build: what web/dist must contain for the hub to serve it offline, with no inline
// script (a Content-Security-Policy without 'unsafe-inline' is planned).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTestWeb } from './helpers.js';

const build = suite<{ dir: string }>('dashboard build', { dir: '' });

build.before(async (context) => {
  context.dir = await buildTestWeb();
});

build.after((context) => {
  rmSync(context.dir, { recursive: true, force: true });
});

build('writes every file the page loads', ({ dir }) => {
  for (const file of ['index.html', 'app.js', 'app.js.map', 'style.css', 'pages.css', 'uPlot.min.css', 'icon.svg', 'i18n/fr.json', 'i18n/en.json']) {
    assert.ok(existsSync(join(dir, file)), `${file} is missing from the build`);
  }
});

build('references only local files', ({ dir }) => {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const match of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const target = match[1]!;
    if (target.startsWith('#')) continue;
    assert.not.match(target, /^(https?:)?\/\//, `${target} is not on the hub`);
    assert.ok(existsSync(join(dir, target)), `${target} is referenced but not built`);
  }
});

build('has no inline script or style attribute', ({ dir }) => {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(match[1]!, /\bsrc="/, 'every script is a file');
    assert.is(match[2]!.trim(), '', 'script elements have no body');
  }
  assert.not.match(html, /\son\w+="/, 'no inline event handlers');
  assert.not.match(html, /\sstyle="/, 'no style attributes');
});

build('bundles uPlot into app.js', ({ dir }) => {
  const script = readFileSync(join(dir, 'app.js'), 'utf8');
  assert.match(script, 'uplot', 'uPlot class names are in the bundle');
  assert.not.match(script, /\bimport\s*\(|\brequire\(/, 'nothing is loaded at run time');
});

build.run();
