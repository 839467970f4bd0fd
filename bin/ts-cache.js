// Loads the package's TypeScript sources through a content-addressed transpile cache (in the user's
// cache folder, never the repo). ts-node loads the TypeScript compiler and transpiles every module
// again in each process and thread; a synth worker thread then spends ~1 s of CPU starting, against
// ~0.15 s from the cache. Transpile only, like ts-node's transpileOnly (`npm run typecheck` checks types).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const TSCONFIG = path.join(__dirname, '..', 'tsconfig.json');
const CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'agent-runtime', 'transpiled');

let salt;
let transpiler;

/** What else decides the output: the compiler's version and the tsconfig. */
function cacheSalt() {
  salt ??= `${require('typescript/package.json').version}\n${fs.readFileSync(TSCONFIG, 'utf8')}\n`;
  return salt;
}

/** Entries older than this are removed at the first miss of a process (an edited file leaves its old entry behind). */
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

function prune() {
  try {
    const before = Date.now() - MAX_AGE_MS;
    for (const f of fs.readdirSync(CACHE)) {
      const file = path.join(CACHE, f);
      if (fs.statSync(file).mtimeMs < before) fs.rmSync(file, { force: true });
    }
  } catch {
    // No cache folder yet, or a file another process just removed.
  }
}

/** TypeScript -> CommonJS with an inline source map, loading the compiler only on a cache miss. */
function transpile(source, filename) {
  if (!transpiler) {
    prune();
    const ts = require('typescript');
    const { options } = ts.convertCompilerOptionsFromJson(JSON.parse(fs.readFileSync(TSCONFIG, 'utf8')).compilerOptions, path.dirname(TSCONFIG));
    const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: false, declaration: false };
    transpiler = (text, fileName) => ts.transpileModule(text, { compilerOptions, fileName }).outputText;
  }
  return transpiler(source, filename);
}

function load(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(cacheSalt()).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transpile(source, filename);
    try {
      // Written aside and renamed: a concurrent reader sees the whole file or none.
      fs.mkdirSync(CACHE, { recursive: true });
      const tmp = `${cached}.${process.pid}.${require('worker_threads').threadId}`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // A read-only home only costs the cache.
    }
  }
  module._compile(code, filename);
}

/** Makes `require` load `.ts` files (once per process or thread). */
exports.register = function register() {
  if (require.extensions['.ts'] === load) return;
  require.extensions['.ts'] = load;
  process.setSourceMapsEnabled(true);
};
