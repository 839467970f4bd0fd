#!/usr/bin/env node
// The `agent-runtime` command: synth | review | cards | register.
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
require('../cli/main').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`agent-runtime: ${err && err.message ? err.message : err}`); process.exitCode = 2; },
);
