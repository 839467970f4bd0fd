// Checks of the real e2e lane (test/e2e/run.sh). Independent of the code under test: plain HTTP to
// Nacos, @kubernetes/client-node to the API server, js-yaml for the synthesized manifests.
//
//   node checks.mjs apply-crds DIR                  create every CRD under DIR, wait until Established
//   node checks.mjs write-config IN OUT             the dev stack config + e2e overrides
//   node checks.mjs internal-jwks IN OUT PEM        IN with gateway.jwt.internal.jwks = the public JWK of PEM (what synth takes from config)
//   node checks.mjs tenant-secrets STACK_YAML       {"tenant/secret/key": random} for every secret the tenants reference
//   node checks.mjs objects SYNTH_DIR EXPORT        every synthesized object (and every k8s resource in state) exists
//   node checks.mjs nacos SYNTH_DIR present|absent  every AgentCard version + tenant namespace in Nacos (or none)
//   node checks.mjs edit-card SYNTH_DIR             edits one card by hand in Nacos, prints "<ns>/<agent>@<version>"
//   node checks.mjs refresh-detected JSON CARD      the refresh output shows the edited card as updated
//   node checks.mjs no-plaintext EXPORT VALUES      none of the secret values appears in the exported state
//   node checks.mjs gone SYNTH_DIR EXPORT           none of our objects is left in the API server
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

const here = path.dirname(url.fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'package.json'));
const yaml = require('js-yaml');
const k8s = await import(url.pathToFileURL(require.resolve('@kubernetes/client-node')).href);

const LABEL_ROLE = 'agentruntime.io/role';
const ANN_NACOS_NS = 'agentruntime.io/nacos-namespace';
const AGENT_CARD_KEY = 'agent-card.json';
const AGENT_CARD_ROLE = 'agent-card';

const log = (m) => console.error(`[checks] ${m}`);
const fail = (m) => { console.error(`[checks] FAIL: ${m}`); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function kube() {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG);
  return { kc, objects: k8s.KubernetesObjectApi.makeApiClient(kc), ext: kc.makeApiClient(k8s.ApiextensionsV1Api) };
}

/** A raw JSON request to the API server (client-node's typed serializer drops `x-kubernetes-*` schema keys). */
async function raw(method, apiPath, body) {
  const https = await import('node:https');
  const { kc } = kube();
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const opts = {
    method,
    ca: fs.readFileSync(cluster.caFile),
    cert: fs.readFileSync(user.certFile),
    key: fs.readFileSync(user.keyFile),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  };
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(apiPath, cluster.server), opts, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data ? JSON.parse(data) : undefined }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

function walkYaml(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkYaml(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(...yaml.loadAll(fs.readFileSync(p, 'utf8')).filter((o) => o?.apiVersion && o?.kind && o?.metadata).map((o) => ({ ...o, __file: p })));
  }
  return out;
}

const strip = ({ __file, ...o }) => o;
const ref = (o) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
const CORE_GROUPS = /^(v1|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v2|networking\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1|node\.k8s\.io\/v1|scheduling\.k8s\.io\/v1|storage\.k8s\.io\/v1|admissionregistration\.k8s\.io\/v1|apiextensions\.k8s\.io\/v1|coordination\.k8s\.io\/v1|discovery\.k8s\.io\/v1)$/;

async function read(api, o) {
  try {
    return await api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } });
  } catch (e) {
    if (e.code === 404) return undefined;
    throw e;
  }
}

/** every leaf of `want` is in `have` (arrays compared element-wise): nothing was pruned or rejected */
function missingLeaves(want, have, at = '') {
  if (want === null || typeof want !== 'object') {
    // quantities and ints-or-strings may be normalized by the server; compare loosely
    return String(want) === String(have) || (have !== undefined && typeof want === 'number') ? [] : [`${at}: want ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
  }
  if (have === null || typeof have !== 'object') return [`${at}: missing`];
  return Object.entries(want).flatMap(([k, v]) => missingLeaves(v, have[k], `${at}.${k}`));
}

// ------------------------------------------------------------------ Nacos
const NACOS = `http://${process.env.NACOS_ADDR ?? '127.0.0.1:8848'}/nacos`;
let token;
async function nacos(method, p, params = {}) {
  if (!token) {
    const r = await fetch(`${NACOS}/v3/auth/user/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: process.env.NACOS_USERNAME ?? 'nacos', password: process.env.NACOS_PASSWORD ?? '' }),
    });
    if (!r.ok) fail(`Nacos login: HTTP ${r.status}`);
    token = (await r.json()).accessToken;
  }
  const qs = new URLSearchParams({ ...params });
  const init = { method, headers: { accessToken: token } };
  let u = `${NACOS}${p}`;
  if (method === 'GET' || method === 'DELETE') u += `?${qs}`;
  else init.body = qs;
  const r = await fetch(u, init);
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, body };
}

function cardsOf(objects) {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.[LABEL_ROLE] === AGENT_CARD_ROLE)
    .map((o) => ({ namespace: o.metadata.annotations?.[ANN_NACOS_NS] ?? o.metadata.namespace, card: JSON.parse(o.data[AGENT_CARD_KEY]) }));
}
function tenantsOf(objects) {
  return [...new Set(cardsOf(objects).map((c) => c.namespace))];
}

// ------------------------------------------------------------------ commands
const [cmd, ...args] = process.argv.slice(2);

if (cmd === 'apply-crds') {
  const { ext } = kube();
  const crds = walkYaml(args[0]).filter((o) => o.kind === 'CustomResourceDefinition').map(strip);
  for (const crd of crds) {
    // Conversion webhooks (agent-sandbox) point at a controller that does not run here; the lane
    // serves every version without conversion instead (objects are created in the storage version).
    if (crd.spec?.conversion?.strategy === 'Webhook') crd.spec.conversion = { strategy: 'None' };
    const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    const existing = await raw('GET', `${base}/${crd.metadata.name}`);
    const r = existing.status === 200
      ? await raw('PUT', `${base}/${crd.metadata.name}`, { ...crd, metadata: { ...crd.metadata, resourceVersion: existing.body.metadata.resourceVersion } })
      : await raw('POST', base, crd);
    if (r.status >= 300) fail(`CRD ${crd.metadata.name} rejected by the API server: HTTP ${r.status} ${r.body?.message ?? ''}`);
  }
  const end = Date.now() + 60_000;
  for (const crd of crds) {
    for (;;) {
      const c = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
      if (c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')) break;
      if (Date.now() > end) fail(`CRD ${crd.metadata.name} not Established`);
      await sleep(200);
    }
  }
  log(`${crds.length} CRDs Established: ${crds.map((c) => c.metadata.name).join(', ')}`);
} else if (cmd === 'write-config') {
  const [inFile, outFile] = args;
  const doc = yaml.load(fs.readFileSync(inFile, 'utf8')) ?? {};
  doc.config = doc.config ?? {};
  doc.config['agent-runtime:thirdParty'] = { higress: false, kagent: false, agentSandbox: false, keda: false };
  doc.config['agent-runtime:registration'] = { enabled: true, endpoint: `http://${process.env.NACOS_ADDR}` };
  fs.writeFileSync(outFile, yaml.dump(doc, { lineWidth: -1 }));
  log(`wrote ${outFile}`);
} else if (cmd === 'internal-jwks') {
  // Derived here with node:crypto alone (RFC 7638 thumbprint as kid), not with the code under test:
  // the objects check then proves the program derives the same JWKS from the secret key.
  const [inFile, outFile, pemFile] = args;
  const { kty, crv, x, y } = crypto.createPublicKey(fs.readFileSync(pemFile, 'utf8')).export({ format: 'jwk' });
  if (kty !== 'EC' || crv !== 'P-256') fail(`${pemFile}: the lane's issuer key is P-256, got ${kty} ${crv ?? ''}`);
  const kid = crypto.createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  const doc = yaml.load(fs.readFileSync(inFile, 'utf8'));
  const gw = doc.config['agent-runtime:gateway'];
  gw.jwt.internal.jwks = JSON.stringify({ keys: [{ kty, kid, alg: 'ES256', use: 'sig', crv, x, y }] });
  fs.writeFileSync(outFile, yaml.dump(doc, { lineWidth: -1 }));
  log(`wrote ${outFile} (internal JWKS kid ${kid})`);
} else if (cmd === 'tenant-secrets') {
  const doc = yaml.load(fs.readFileSync(args[0], 'utf8'));
  const out = {};
  for (const t of doc.config?.['agent-runtime:tenants'] ?? []) {
    for (const a of t.agents ?? []) {
      const model = a.declarative?.model;
      if (model?.apiKeySecret) out[`${t.name}/${model.apiKeySecret.name}/${model.apiKeySecret.key}`] = `e2e-${crypto.randomBytes(18).toString('hex')}`;
      for (const s of (a.declarative?.mcpServers ?? []).flatMap((m) => m.headersFromSecret ?? [])) {
        if (s?.secretName) out[`${t.name}/${s.secretName}/${s.key ?? 'token'}`] = `e2e-${crypto.randomBytes(18).toString('hex')}`;
      }
      // Memory keys (the store's, the embedding model's): every key an agent reads must be set, or pulumi up refuses.
      for (const ref of [a.memory?.store?.apiKeySecret, a.memory?.embedding?.apiKeySecret]) {
        if (ref?.name && ref.key) out[`${t.name}/${ref.name}/${ref.key}`] = `e2e-${crypto.randomBytes(18).toString('hex')}`;
      }
    }
  }
  process.stdout.write(JSON.stringify(out));
} else if (cmd === 'objects') {
  const [synthDir, exportFile] = args;
  const { objects } = kube();
  const synthesized = walkYaml(synthDir).map(strip);
  const missing = [];
  const pruned = [];
  let crs = 0;
  for (const o of synthesized) {
    const live = await read(objects, o);
    if (!live) { missing.push(ref(o)); continue; }
    if (!CORE_GROUPS.test(o.apiVersion)) {
      crs++;
      for (const field of ['spec', 'data']) if (o[field]) pruned.push(...missingLeaves(o[field], live[field], `${ref(o)} ${field}`));
    }
  }
  // and every Kubernetes resource Pulumi holds in state
  const state = JSON.parse(fs.readFileSync(exportFile, 'utf8'));
  const inState = (state.deployment?.resources ?? []).filter((r) => r.type?.startsWith('kubernetes:') && !r.type.startsWith('kubernetes:yaml') && !r.type.startsWith('pulumi:') && r.type !== 'pulumi:providers:kubernetes' && r.outputs?.metadata);
  for (const r of inState) {
    const o = { apiVersion: r.outputs.apiVersion, kind: r.outputs.kind, metadata: { name: r.outputs.metadata.name, namespace: r.outputs.metadata.namespace } };
    if (!(await read(objects, o))) missing.push(`${ref(o)} (in state)`);
  }
  if (missing.length) fail(`${missing.length} object(s) missing in the API server:\n  ${missing.join('\n  ')}`);
  if (pruned.length) fail(`custom resources changed by the API server (pruned/defaulted against the CRDs):\n  ${pruned.slice(0, 30).join('\n  ')}`);
  log(`${synthesized.length} synthesized objects exist (${crs} custom resources, stored unpruned); ${inState.length} Kubernetes resources in state exist`);
} else if (cmd === 'nacos') {
  const [synthDir, mode] = args;
  const objects = walkYaml(synthDir);
  const cards = cardsOf(objects);
  const tenants = tenantsOf(objects);
  if (mode === 'present' && cards.length === 0) fail('no AgentCards in the synthesized charts');
  const problems = [];
  for (const ns of tenants) {
    const r = await nacos('GET', '/v3/admin/core/namespace', { namespaceId: ns });
    const exists = r.status === 200 && r.body?.data?.namespace === ns;
    if (mode === 'present' && !exists) problems.push(`namespace ${ns}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    if (mode === 'absent' && exists) problems.push(`namespace ${ns} still exists`);
  }
  for (const { namespace, card } of cards) {
    const r = await nacos('GET', '/v3/admin/ai/a2a', { namespaceId: namespace, agentName: card.name, version: card.version });
    const got = r.body?.data;
    if (mode === 'present') {
      if (r.status !== 200 || got?.version !== card.version) problems.push(`card ${namespace}/${card.name}@${card.version}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else if (got.description !== card.description) problems.push(`card ${namespace}/${card.name}@${card.version}: description ${JSON.stringify(got.description)} != ${JSON.stringify(card.description)}`);
    } else if (r.status === 200) {
      problems.push(`card ${namespace}/${card.name}@${card.version} still registered`);
    }
  }
  // and nothing else of ours: list per tenant namespace (the real server lists nothing without agentName)
  if (mode === 'absent') {
    for (const ns of tenants) {
      const r = await nacos('GET', '/v3/admin/ai/a2a/list', { namespaceId: ns, agentName: '', search: 'blur', pageNo: 1, pageSize: 100 });
      const items = r.body?.data?.pageItems ?? [];
      if (items.length) problems.push(`namespace ${ns} still lists ${items.map((i) => i.name).join(', ')}`);
    }
  }
  if (problems.length) fail(`Nacos (${mode}):\n  ${problems.join('\n  ')}`);
  log(`Nacos: ${tenants.length} tenant namespaces and ${cards.length} AgentCard versions ${mode}: ${cards.map((c) => `${c.namespace}/${c.card.name}@${c.card.version}`).join(', ')}`);
} else if (cmd === 'edit-card') {
  const objects = walkYaml(args[0]);
  const { namespace, card } = cardsOf(objects)[0];
  const r = await nacos('GET', '/v3/admin/ai/a2a', { namespaceId: namespace, agentName: card.name, version: card.version });
  if (r.status !== 200) fail(`GET card: HTTP ${r.status}`);
  const { registrationType, latestVersion, ...stored } = r.body.data;
  const edited = { ...stored, description: `${stored.description} (edited by hand in Nacos)` };
  const u = await nacos('PUT', '/v3/admin/ai/a2a', { namespaceId: namespace, agentCard: JSON.stringify(edited), setAsLatest: String(latestVersion ?? true) });
  if (u.status !== 200) fail(`PUT edited card: HTTP ${u.status} ${JSON.stringify(u.body)}`);
  log(`edited ${namespace}/${card.name}@${card.version} by hand`);
  process.stdout.write(`${namespace}/${card.name}@${card.version}`);
} else if (cmd === 'refresh-detected') {
  // `pulumi refresh --json` streams engine events, one JSON object a line
  const [jsonFile, cardRef] = args;
  const events = fs.readFileSync(jsonFile, 'utf8').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
  const summary = events.find((e) => e.summaryEvent)?.summaryEvent;
  if (!summary) fail('pulumi refresh printed no summary event');
  const updated = events.filter((e) => e.resOutputsEvent && e.resOutputsEvent.metadata.op === 'update').map((e) => e.resOutputsEvent.metadata.urn);
  const [ns, rest] = cardRef.split('/');
  const agent = rest.split('@')[0];
  const hit = updated.filter((u) => u.includes('AgentCard::') && u.includes(`-${ns}-${agent}-`));
  if (hit.length === 0) fail(`pulumi refresh did not report the hand edit of ${cardRef}; updated: ${JSON.stringify(updated)}; summary ${JSON.stringify(summary.resourceChanges)}`);
  const others = updated.filter((u) => !hit.includes(u));
  if (others.length) fail(`pulumi refresh also changed ${others.join(', ')}`);
  log(`pulumi refresh detected the hand edit of ${cardRef} (${hit[0].split('::').pop()}); changes ${JSON.stringify(summary.resourceChanges)}`);
} else if (cmd === 'no-plaintext') {
  const [exportFile, valuesFile] = args;
  const state = fs.readFileSync(exportFile, 'utf8');
  const values = JSON.parse(fs.readFileSync(valuesFile, 'utf8')).filter((v) => typeof v === 'string' && v.length >= 8);
  const leaks = [];
  for (const v of values) {
    for (const form of [v, Buffer.from(v).toString('base64'), JSON.stringify(v).slice(1, -1)]) {
      if (state.includes(form)) leaks.push(`${v.slice(0, 3)}… (${form === v ? 'plain' : 'encoded'})`);
    }
  }
  if (!state.includes('4dabf18193072939515e22adb298388d')) fail('the export holds no secret at all (expected Pulumi secret envelopes)');
  if (leaks.length) fail(`exported state holds ${leaks.length} plain-text secret(s): ${leaks.join(', ')}`);
  log(`exported state: ${values.length} secret values checked, none in plain text (nor Base64)`);
} else if (cmd === 'gone') {
  const [synthDir, exportFile] = args;
  const { objects } = kube();
  const synthesized = walkYaml(synthDir).map(strip);
  const state = JSON.parse(fs.readFileSync(exportFile, 'utf8'));
  const fromState = (state.deployment?.resources ?? []).filter((r) => r.type?.startsWith('kubernetes:') && r.outputs?.metadata)
    .map((r) => ({ apiVersion: r.outputs.apiVersion, kind: r.outputs.kind, metadata: { name: r.outputs.metadata.name, namespace: r.outputs.metadata.namespace } }));
  const end = Date.now() + 120_000;
  let left;
  for (;;) {
    left = [];
    for (const o of [...synthesized, ...fromState]) {
      const live = await read(objects, o);
      if (live) left.push(`${ref(o)}${live.metadata?.deletionTimestamp ? ' (terminating)' : ''}`);
    }
    if (left.length === 0 || Date.now() > end) break;
    await sleep(2000);
  }
  if (left.length) fail(`${left.length} object(s) left after destroy:\n  ${[...new Set(left)].join('\n  ')}`);
  log(`destroy: none of ${synthesized.length} synthesized / ${fromState.length} state objects left`);
} else {
  fail(`unknown command ${cmd}`);
}
