#!/usr/bin/env node
// Runs a TypeScript entry file without a build step (transpile only; `npm run typecheck` checks types).
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
const entry = require('path').resolve(process.argv[2]);
process.argv.splice(1, 1);
require(entry);
