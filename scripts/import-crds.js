#!/usr/bin/env node
// Generates typed manifests for the custom resources the constructs emit: `cdk8s import` of the
// upstream CRD files in ../shared/crds (AGENT_RUNTIME_SHARED overrides the shared folder) into the
// gitignored generated/imports/, one module per kind. The CRDs are never copied into the repo.
// Plain JavaScript so the up-to-date check (run before every typecheck and build) costs ~50 ms.
'use strict';
const { execFile } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'generated', 'imports');
const STAMP = '.source-hash';

/** Module prefix (the generated file is `<prefix>-<group>.ts`) → CRD file under the shared `crds/`. */
const CRD_IMPORTS = {
  mcpbridge: 'higress/networking.higress.io_mcpbridges.yaml',
  wasmplugin: 'higress/extensions.higress.io_wasmplugins.yaml',
  agent: 'kagent/kagent.dev_agents.yaml',
  modelconfig: 'kagent/kagent.dev_modelconfigs.yaml',
  remotemcpserver: 'kagent/kagent.dev_remotemcpservers.yaml',
  memory: 'kagent/kagent.dev_memories.yaml',
  scaledobject: 'keda/keda.sh_scaledobjects.yaml',
  sandboxtemplate: 'agent-sandbox/extensions.agents.x-k8s.io_sandboxtemplates.yaml',
  sandboxwarmpool: 'agent-sandbox/extensions.agents.x-k8s.io_sandboxwarmpools.yaml',
  servicemonitor: 'prometheus-operator/monitoring.coreos.com_servicemonitors.yaml',
  podmonitor: 'prometheus-operator/monitoring.coreos.com_podmonitors.yaml',
  prometheusrule: 'prometheus-operator/monitoring.coreos.com_prometheusrules.yaml',
};

function sharedCrdsDir() {
  return path.join(process.env.AGENT_RUNTIME_SHARED ?? path.resolve(ROOT, '..', 'shared'), 'crds');
}

/** Hash of everything the output depends on: the CRD files, this list and the generator version. */
function sourceHash(crds, imports) {
  const hash = crypto.createHash('sha256');
  hash.update(require('cdk8s-cli/package.json').version);
  hash.update(fs.readFileSync(__filename));
  for (const [prefix, file] of Object.entries(imports)) hash.update(`${prefix}\0${fs.readFileSync(path.join(crds, file))}\0`);
  return hash.digest('hex');
}

function cdk8sImport(prefix, crdFile, outdir) {
  const cli = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');
  const args = [cli, 'import', '--no-check-upgrade', '--language', 'typescript', '--output', outdir, `${prefix}:=${crdFile}`];
  return new Promise((resolve, reject) => execFile(process.execPath, args, { cwd: ROOT }, (err, _stdout, stderr) => (
    err ? reject(new Error(`cdk8s import of ${crdFile} failed: ${stderr || err.message}`)) : resolve()
  )));
}

/**
 * Writes each generated module's JavaScript beside it (`x.ts` → `x.js`, what ts-node would make of
 * it): Node resolves `.js` first, so ts-node runs (`synth`, the benchmark, each synth worker thread)
 * do not transpile the ~60,000 generated lines again, about 3 s per thread for the kagent Agent and
 * the SandboxTemplate alone. `tsc` and the build read the `.ts`.
 */
function transpileBeside(dir) {
  const ts = require('typescript');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    fs.writeFileSync(path.join(dir, file.replace(/\.ts$/, '.js')), ts.transpileModule(source, { compilerOptions, fileName: file }).outputText);
  }
}

/**
 * Generates `out` unless its stamp matches the sources; returns whether it generated.
 * The options exist for the tests (a modified copy of the CRDs, a temporary output).
 */
async function importCrds({ crds = sharedCrdsDir(), out = OUT, imports = CRD_IMPORTS } = {}) {
  const missing = Object.values(imports).map((f) => path.join(crds, f)).filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    throw new Error(`CRD file(s) not found: ${missing.join(', ')}; put the shared folder beside the repo (../shared) `
      + 'or set AGENT_RUNTIME_SHARED to it');
  }
  const hash = sourceHash(crds, imports);
  const stamp = path.join(out, STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return false;
  // Generate beside the output and swap it in whole, so an interrupted run never leaves half a folder.
  const tmp = `${out}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const jobs = Object.entries(imports);
    const worker = async () => { for (let job = jobs.shift(); job; job = jobs.shift()) await cdk8sImport(job[0], path.join(crds, job[1]), tmp); };
    await Promise.all([worker(), worker()]); // two at a time: the machine is shared
    transpileBeside(tmp);
    fs.writeFileSync(path.join(tmp, STAMP), hash);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

module.exports = { CRD_IMPORTS, OUT, importCrds, sharedCrdsDir };

if (require.main === module) {
  importCrds().then(
    (generated) => { if (generated) console.log(`generated typed CRD manifests in ${path.relative(ROOT, OUT)} from ${sharedCrdsDir()}`); },
    (err) => { console.error(`import-crds: ${err.message}`); process.exitCode = 1; },
  );
}
