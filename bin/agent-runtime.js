#!/usr/bin/env node
// The `agent-runtime` command (synth | review | cards | register | schema | controller).
// Installed from the package it runs the compiled CLI in dist-lib/: no TypeScript at run time.
// In a git checkout (the sources beside it) it runs the sources through the transpile cache, so an
// edit counts without a build, after generating the CRD types when they are missing or stale.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CHECKOUT = fs.existsSync(path.join(ROOT, 'cli', 'main.ts'));

async function loadCli() {
  if (!CHECKOUT) return require('../dist-lib/cli/main.js');
  const crds = require('../scripts/import-crds.js');
  try {
    if (await crds.importCrds()) console.error('agent-runtime: generated the typed CRD manifests in generated/imports/');
  } catch (err) {
    // Without ../shared the manifests generated before still serve; with none, say how to get them.
    if (!fs.existsSync(crds.OUT)) throw err;
  }
  require('./ts-cache.js').register();
  return require('../cli/main.ts');
}

loadCli().then((cli) => cli.main(process.argv.slice(2))).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`agent-runtime: ${err && err.message ? err.message : err}`); process.exitCode = 2; },
);
