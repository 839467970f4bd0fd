// The agent-runtime controller in the real lane (issue 14): after `pulumi up` of the dev stack,
// `agent-runtime controller` runs as a process of the lane with a kubeconfig for its OWN
// ServiceAccount (a TokenRequest token for the ServiceAccount the platform chart created, so the
// RBAC the constructs emit is what is tested), against the real Nacos. Every expectation is a
// bounded polling wait; what is compared is read independently (Pods/Services from the API server,
// plain HTTP to Nacos, JWT verification with node:crypto against the gateway's JWKS).
//
//   node controller-check.mjs RUN_DIR ADMIN_KUBECONFIG STACK_CONFIG_FILE   (the issuer: gateway.jwt.internal.issuer)
//
// Last, Nacos itself restarts (scripts/e2e/start-cluster.sh RUN_DIR restart-nacos) under the running
// controller. The process's pid is in RUN_DIR/pids (stop-cluster.sh stops it on any failure). The platform's
// own controller Deployment runs under kwok too, but its pods are fake (they never take the
// Lease), so the lane's process is the leader.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';
import { k8s, kube } from '../../scripts/e2e/kube.mjs';

const here = path.dirname(url.fileURLToPath(import.meta.url));
const ROOT = path.join(here, '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const yaml = require('js-yaml');

const [run, adminKubeconfig, stackConfig] = process.argv.slice(2);
const stackCfg = yaml.load(fs.readFileSync(stackConfig, 'utf8')).config;
const internalIssuer = stackCfg['agent-runtime:gateway'].jwt.internal.issuer;
const gatewayHost = stackCfg['agent-runtime:gatewayHost'];
const PLATFORM_NS = 'agent-runtime';
const SA = 'agent-runtime-controller';
const AUDIENCE = 'agent-runtime-gateway';
const LISTEN = '127.0.0.1:18093';
const LABEL = { role: 'agentruntime.io/role', agent: 'agentruntime.io/agent', track: 'agentruntime.io/track', tenant: 'agentruntime.io/tenant' };
const ANN_NACOS_NS = 'agentruntime.io/nacos-namespace';
const PROBE = 'e2e-probe';

const { kc, core, apps, custom } = kube(adminKubeconfig);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (m) => console.error(`[controller-check +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const fail = (m) => { console.error(`[controller-check] FAIL: ${m}`); stopController(); process.exit(1); };

/** Polls `probe` (resolves to a list of problems) until it reports none, at most `seconds`. */
async function eventually(what, seconds, probe) {
  const end = Date.now() + seconds * 1000;
  let problems;
  for (;;) {
    problems = await probe();
    if (problems.length === 0) { log(`ok: ${what}`); return; }
    if (Date.now() > end) fail(`${what}: not within ${seconds}s:\n  ${problems.slice(0, 20).join('\n  ')}`);
    await sleep(1000);
  }
}

// ---------------------------------------------------------------- Nacos (plain HTTP)
const NACOS = `http://${process.env.NACOS_ADDR ?? '127.0.0.1:8848'}/nacos`;
let nacosToken;
async function nacos(p, params, method = 'GET') {
  if (!nacosToken) {
    const r = await fetch(`${NACOS}/v3/auth/user/login`, { method: 'POST', body: new URLSearchParams({ username: process.env.NACOS_USERNAME ?? 'nacos', password: process.env.NACOS_PASSWORD ?? '' }) });
    if (!r.ok) fail(`Nacos login: HTTP ${r.status}`);
    nacosToken = (await r.json()).accessToken;
  }
  const r = method === 'GET'
    ? await fetch(`${NACOS}${p}?${new URLSearchParams(params)}`, { headers: { accessToken: nacosToken } })
    : await fetch(`${NACOS}${p}`, { method, headers: { accessToken: nacosToken }, body: new URLSearchParams(params) });
  const text = await r.text();
  try { return { status: r.status, body: JSON.parse(text) }; } catch { return { status: r.status, body: text }; }
}
async function instancesOf(nacosNs, service) {
  const r = await nacos('/v3/admin/ns/instance/list', { namespaceId: nacosNs, groupName: 'DEFAULT_GROUP', serviceName: service });
  const data = r.body?.data;
  return Array.isArray(data) ? data : data?.hosts ?? [];
}
const cardStatus = async (nacosNs, agent, version) => (await nacos('/v3/admin/ai/a2a', { namespaceId: nacosNs, agentName: agent, version })).status;
const canonical = (v) => JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
/** Every agent version Nacos stores in `namespaces`, one line each: `ns/agent@version[*] <card>`, sorted (a duplicate shows twice). */
async function storedCards(namespaces) {
  const lines = [];
  for (const ns of namespaces) {
    const list = await nacos('/v3/admin/ai/a2a/list', { namespaceId: ns, agentName: '', search: 'blur', pageNo: 1, pageSize: 100 });
    if (list.status !== 200) { lines.push(`${ns}: agent list HTTP ${list.status}`); continue; }
    for (const { name } of list.body.data?.pageItems ?? []) {
      const versions = await nacos('/v3/admin/ai/a2a/version/list', { namespaceId: ns, agentName: name });
      if (versions.status !== 200) { lines.push(`${ns}/${name}: version list HTTP ${versions.status}`); continue; }
      for (const v of versions.body.data ?? []) {
        const card = await nacos('/v3/admin/ai/a2a', { namespaceId: ns, agentName: name, version: v.version });
        lines.push(`${ns}/${name}@${v.version}${v.latest ? '*' : ''} HTTP ${card.status} ${canonical(card.body?.data)}`);
      }
    }
  }
  return lines.sort();
}
/** Lines of `a` that `b` lacks, counting repeats. */
function missingFrom(a, b) {
  const left = [...b];
  return a.filter((x) => { const i = left.indexOf(x); if (i < 0) return true; left.splice(i, 1); return false; });
}

// ---------------------------------------------------------------- the cluster as it is
/** Every agent track from the card ConfigMaps: Nacos namespace, card, Service name. */
async function tracks() {
  const cms = await core.listConfigMapForAllNamespaces({ labelSelector: `${LABEL.role}=agent-card` });
  return cms.items.map((cm) => {
    const card = JSON.parse(cm.data['agent-card.json']);
    const agent = cm.metadata.labels[LABEL.agent];
    const track = cm.metadata.labels[LABEL.track] ?? 'stable';
    return { ns: cm.metadata.namespace, agent, card, nacosNs: cm.metadata.annotations?.[ANN_NACOS_NS] ?? cm.metadata.namespace, service: track === 'stable' ? agent : `${agent}-${track}` };
  });
}
/** IPs of the Ready pods a Service selects. */
async function readyPodIps(ns, service) {
  let svc;
  try { svc = await core.readNamespacedService({ name: service, namespace: ns }); } catch { return []; }
  const selector = Object.entries(svc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (!selector) return [];
  const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
  return pods.items
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => p.status.podIP).sort();
}
/** Problems: a card missing, or a Service whose Nacos instances are not exactly its Ready pods (once each). */
async function registryProblems(only) {
  const problems = [];
  for (const t of (await tracks()).filter((x) => !only || x.agent === only)) {
    const s = await cardStatus(t.nacosNs, t.card.name, t.card.version);
    if (s !== 200) problems.push(`card ${t.nacosNs}/${t.card.name}@${t.card.version}: HTTP ${s}`);
    const want = await readyPodIps(t.ns, t.service);
    const have = (await instancesOf(t.nacosNs, t.service)).map((i) => i.ip).sort();
    if (JSON.stringify(want) !== JSON.stringify(have)) problems.push(`${t.nacosNs}/${t.service}: Ready pods ${JSON.stringify(want)}, Nacos instances ${JSON.stringify(have)}`);
  }
  return problems;
}

// ---------------------------------------------------------------- the controller process
let child;
const logFile = path.join(run, 'logs', 'agent-runtime-controller.log');
function startController(kubeconfigFile) {
  const out = fs.openSync(logFile, 'a');
  child = spawn(process.execPath, [path.join(ROOT, 'bin', 'agent-runtime.js'), 'controller',
    '--gateway-host', gatewayHost, '--kubeconfig', kubeconfigFile, '--nacos', NACOS.replace(/\/nacos$/, ''), '--namespace', PLATFORM_NS,
    '--internal-issuer', internalIssuer, '--audience', AUDIENCE, '--token-ttl', '60', '--listen', LISTEN, '--renew', '5',
  ], { detached: true, stdio: ['ignore', out, out], env: { ...process.env, KUBECONFIG: '', POD_NAME: 'e2e-lane-controller' } });
  fs.writeFileSync(path.join(run, 'pids', 'agent-runtime-controller.pid'), String(child.pid));
  log(`started agent-runtime controller (pid ${child.pid}, log ${logFile})`);
}
function stopController(signal = 'SIGTERM') {
  if (!child || child.exitCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { /* gone */ }
}
async function waitExit(seconds) {
  const end = Date.now() + seconds * 1000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < end) await sleep(200);
  if (child.exitCode === null && child.signalCode === null) fail(`the controller did not exit within ${seconds}s`);
}

// ---------------------------------------------------------------- agent tokens
function b64json(s) { return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')); }
/** The internal JWKS the gateway's jwt-auth consumers carry (from the deployed WasmPlugins). */
async function gatewayInternalJwks() {
  const list = await custom.listClusterCustomObject({ group: 'extensions.higress.io', version: 'v1alpha1', plural: 'wasmplugins' });
  const consumers = list.items.flatMap((w) => w.spec?.defaultConfig?.consumers ?? []).filter((c) => c.issuer?.startsWith(`${internalIssuer}/`));
  if (!consumers.length) fail(`no jwt-auth consumer with an issuer under ${internalIssuer}/ in the deployed WasmPlugins`);
  return { consumers, jwks: JSON.parse(consumers[0].jwks) };
}
function verify(jwt, jwks) {
  const [h, p, sig] = jwt.split('.');
  const header = b64json(h);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return { error: `kid ${header.kid} is not in the gateway's JWKS (${jwks.keys.map((k) => k.kid).join(', ')})` };
  const alg = { ES256: ['sha256', { dsaEncoding: 'ieee-p1363' }], RS256: ['sha256', {}] }[header.alg];
  if (!alg) return { error: `alg ${header.alg}` };
  const ok = crypto.verify(alg[0], Buffer.from(`${h}.${p}`), { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), ...alg[1] }, Buffer.from(sig, 'base64url'));
  return ok ? { payload: b64json(p) } : { error: 'signature does not verify' };
}
/** Every agent token Secret verifies, with iss `<issuer>/<tenant>/<agent>`, our aud and a live exp. */
async function tokenProblems(jwks, seen) {
  const problems = [];
  const secrets = await core.listSecretForAllNamespaces({ labelSelector: `${LABEL.role}=a2a-token` });
  if (!secrets.items.length) return ['no Secret labelled a2a-token'];
  for (const s of secrets.items) {
    const ref = `${s.metadata.namespace}/${s.metadata.name}`;
    const jwt = s.data?.token && Buffer.from(s.data.token, 'base64').toString('utf8');
    if (!jwt) { problems.push(`${ref}: no token yet`); continue; }
    const { payload, error } = verify(jwt, jwks);
    if (error) { problems.push(`${ref}: ${error}`); continue; }
    const agent = s.metadata.labels[LABEL.agent];
    const iss = `${internalIssuer}/${s.metadata.namespace}/${agent}`;
    if (payload.iss !== iss) problems.push(`${ref}: iss ${payload.iss}, want ${iss}`);
    if (payload.aud !== AUDIENCE && !(Array.isArray(payload.aud) && payload.aud.includes(AUDIENCE))) problems.push(`${ref}: aud ${JSON.stringify(payload.aud)}`);
    if (!(payload.exp * 1000 > Date.now())) problems.push(`${ref}: expired (exp ${payload.exp})`);
    if (seen) seen.set(ref, jwt);
  }
  return problems;
}

// ---------------------------------------------------------------- the probe agent (created and deleted by the lane)
/** A copy of globex/researcher's card ConfigMap, Deployment and Service under another agent name. */
async function createProbe(version) {
  const ns = 'globex';
  const rename = (o) => JSON.parse(JSON.stringify(o).replaceAll('"researcher"', `"${PROBE}"`));
  const clean = (m) => ({ name: m.name.replace('researcher', PROBE), namespace: ns, labels: rename(m.labels ?? {}), annotations: Object.fromEntries(Object.entries(m.annotations ?? {}).filter(([k]) => !k.startsWith('pulumi') && !k.startsWith('kubectl'))) });
  const cms = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: `${LABEL.role}=agent-card,${LABEL.agent}=researcher` });
  const cm = cms.items.find((c) => (c.metadata.labels[LABEL.track] ?? 'stable') === 'stable');
  // Its url is the probe's own route: the controller accepts no other.
  const researcher = JSON.parse(cm.data['agent-card.json']);
  const own = (url) => url.replace(/\/researcher$/, `/${PROBE}`);
  // A 1.0 card names its route in every interface; a 0.3 card in `url`.
  const card = { ...researcher, name: PROBE, version,
    ...(researcher.supportedInterfaces ? { supportedInterfaces: researcher.supportedInterfaces.map((i) => ({ ...i, url: own(i.url) })) } : {}),
    ...(researcher.url !== undefined ? { url: own(researcher.url) } : {}) };
  const probeCm = { metadata: clean(cm.metadata), data: { ...cm.data, 'agent-card.json': JSON.stringify(card) } };
  try { await core.replaceNamespacedConfigMap({ name: probeCm.metadata.name, namespace: ns, body: probeCm }); } catch (e) {
    if (e.code !== 404) throw e;
    await core.createNamespacedConfigMap({ namespace: ns, body: probeCm });
  }
  if (version !== '1.0.0') return;
  // only the labels and selectors change: the pods keep researcher's ServiceAccount, volumes, ...
  const dep = await apps.readNamespacedDeployment({ name: 'researcher', namespace: ns });
  const { template } = dep.spec;
  await apps.createNamespacedDeployment({ namespace: ns, body: { metadata: clean(dep.metadata), spec: {
    ...dep.spec, replicas: 1, selector: rename(dep.spec.selector), template: { ...template, metadata: { ...template.metadata, labels: rename(template.metadata.labels) } },
  } } });
  const svc = await core.readNamespacedService({ name: 'researcher', namespace: ns });
  const { clusterIP, clusterIPs, ...spec } = svc.spec;
  await core.createNamespacedService({ namespace: ns, body: { metadata: clean(svc.metadata), spec: { ...spec, selector: rename(spec.selector) } } });
  // what TenantNamespace emits for a new agent: its (empty) token Secret, named in the controller's tenant Role
  const tokenSecret = await core.readNamespacedSecret({ name: 'researcher-a2a-token', namespace: ns });
  await core.createNamespacedSecret({ namespace: ns, body: { metadata: clean(tokenSecret.metadata), type: tokenSecret.type } });
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const binding = (await rbac.listNamespacedRoleBinding({ namespace: ns })).items.find((b) => b.subjects?.some((x) => x.kind === 'ServiceAccount' && x.name === SA && x.namespace === PLATFORM_NS));
  const role = await rbac.readNamespacedRole({ name: binding.roleRef.name, namespace: ns });
  const rule = role.rules.find((r) => r.resources?.includes('secrets'));
  rule.resourceNames = [...rule.resourceNames, `${PROBE}-a2a-token`];
  await rbac.replaceNamespacedRole({ name: role.metadata.name, namespace: ns, body: role });
  return probeCm.metadata.name;
}


// ---------------------------------------------------------------- a forged card in another tenant
/**
 * A card ConfigMap in acme claiming globex/researcher (annotation and label naming globex, a new
 * latest version, a foreign url) and an EndpointSlice in acme under researcher's names: globex's
 * cards and instances stay exactly as they were, and the ConfigMap gets a CrossTenantAgentCard Event.
 */
async function registryReconciles() {
  const text = await (await fetch(`http://${LISTEN}/metrics`)).text();
  return Number(/agent_runtime_controller_reconciles_total\{kind="registry",result="success"\} (\d+)/.exec(text)?.[1] ?? 0);
}
async function forgedCardCheck() {
  const reconcilesBefore = await registryReconciles();
  const globexCards = await storedCards(['globex']);
  const globexInstances = (await instancesOf('globex', 'researcher')).map((i) => `${i.ip}:${i.port}`).sort();
  const cms = await core.listNamespacedConfigMap({ namespace: 'globex', labelSelector: `${LABEL.role}=agent-card,${LABEL.agent}=researcher` });
  const original = cms.items.find((c) => (c.metadata.labels[LABEL.track] ?? 'stable') === 'stable');
  const name = 'forged-researcher-agent-card';
  const stolen = JSON.parse(original.data['agent-card.json']);
  const card = { ...stolen, version: '9.9.9', url: 'http://10.9.9.9:8080/',
    ...(stolen.supportedInterfaces ? { supportedInterfaces: stolen.supportedInterfaces.map((i) => ({ ...i, url: 'http://10.9.9.9:8080/' })) } : {}) };
  await core.createNamespacedConfigMap({ namespace: 'acme', body: {
    metadata: { name, namespace: 'acme', labels: { ...original.metadata.labels, [LABEL.tenant]: 'globex' }, annotations: { [ANN_NACOS_NS]: 'globex', 'agentruntime.io/set-as-latest': 'true' } },
    data: { 'agent-card.json': JSON.stringify(card) },
  } });
  const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  await discovery.createNamespacedEndpointSlice({ namespace: 'acme', body: {
    metadata: { name: 'forged-researcher', namespace: 'acme', labels: { [LABEL.agent]: 'researcher', [LABEL.tenant]: 'globex', [LABEL.role]: 'agent', 'kubernetes.io/service-name': 'researcher', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    addressType: 'IPv4', endpoints: [{ addresses: ['10.9.9.9'], conditions: { ready: true } }], ports: [{ name: 'a2a', port: 8080, protocol: 'TCP' }],
  } });
  log('created a forged card ConfigMap and EndpointSlice in acme claiming globex/researcher');
  await eventually('the forged card ConfigMap gets a CrossTenantAgentCard Event naming both tenants', 60, async () => {
    const events = await core.listNamespacedEvent({ namespace: 'acme', fieldSelector: `involvedObject.kind=ConfigMap,involvedObject.name=${name}` });
    const e = events.items.find((x) => x.reason === 'CrossTenantAgentCard');
    if (!e) return [`no CrossTenantAgentCard Event yet (${events.items.map((x) => x.reason).join(', ') || 'none'})`];
    return /"globex"/.test(e.message) && /"acme"/.test(e.message) ? [] : [`Event message does not name both tenants: ${e.message}`];
  });
  // The reconcile that recorded the Event went on to Nacos: wait until it (and the slice's) completed, then compare.
  await eventually('the reconciles of acme/researcher after the forged objects completed', 60, async () => {
    const n = await registryReconciles();
    return n >= reconcilesBefore + 1 ? [] : [`${n - reconcilesBefore} registry reconciles completed since`];
  });
  const problems = [];
  const cardsNow = await storedCards(['globex']);
  for (const l of missingFrom(globexCards, cardsNow)) problems.push(`globex lost or changed: ${l}`);
  for (const l of missingFrom(cardsNow, globexCards)) problems.push(`globex gained: ${l}`);
  const instancesNow = (await instancesOf('globex', 'researcher')).map((i) => `${i.ip}:${i.port}`).sort();
  if (JSON.stringify(instancesNow) !== JSON.stringify(globexInstances)) problems.push(`globex/researcher instances ${JSON.stringify(globexInstances)} -> ${JSON.stringify(instancesNow)}`);
  if (problems.length) fail(`a forged card in acme changed globex:\n  ${problems.join('\n  ')}`);
  log('ok: globex\'s cards and instances untouched by the forged card');
  const beforeDelete = await registryReconciles();
  await core.deleteNamespacedConfigMap({ name, namespace: 'acme' });
  await discovery.deleteNamespacedEndpointSlice({ name: 'forged-researcher', namespace: 'acme' });
  await eventually('the reconciles after deleting the forged objects completed', 60, async () => {
    const n = await registryReconciles();
    return n >= beforeDelete + 1 ? [] : ['not yet'];
  });
  const afterDelete = await storedCards(['globex']);
  if (missingFrom(globexCards, afterDelete).length) fail(`deleting the forged card removed globex cards: ${missingFrom(globexCards, afterDelete).join('; ')}`);
  log('ok: deleting the forged card removes nothing of globex');
}

// ---------------------------------------------------------------- the check
try {
  // 1. a kubeconfig for the controller's own ServiceAccount (TokenRequest API)
  const tr = await core.createNamespacedServiceAccountToken({ name: SA, namespace: PLATFORM_NS, body: { spec: { expirationSeconds: 3600, audiences: [] } } });
  const cluster = kc.getCurrentCluster();
  const saKubeconfig = path.join(run, 'controller.kubeconfig');
  fs.writeFileSync(saKubeconfig, yaml.dump({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'controller',
    clusters: [{ name: 'lane', cluster: { server: cluster.server, 'certificate-authority': cluster.caFile } }],
    users: [{ name: SA, user: { token: tr.status.token } }],
    contexts: [{ name: 'controller', context: { cluster: 'lane', user: SA } }],
  }), { mode: 0o600 });
  log(`kubeconfig for system:serviceaccount:${PLATFORM_NS}:${SA} (TokenRequest, 1 h)`);

  const { consumers, jwks } = await gatewayInternalJwks();
  log(`gateway internal JWKS: kids ${jwks.keys.map((k) => k.kid).join(', ')}; consumers ${consumers.map((c) => c.issuer).join(', ')}`);

  startController(saKubeconfig);
  await eventually('every card in Nacos and one instance per Ready agent pod', 90, () => registryProblems());

  // 2. scale an agent 2 -> 0 -> 3: the instances follow
  const scale = async (n) => apps.patchNamespacedDeploymentScale({ name: 'orchestrator', namespace: 'acme', body: { spec: { replicas: n } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  await scale(2);
  await eventually('acme/orchestrator at 2 replicas: 2 instances', 90, async () => {
    const ips = await readyPodIps('acme', 'orchestrator');
    return ips.length === 2 ? registryProblems('orchestrator') : [`${ips.length} Ready pods`];
  });
  await scale(0);
  await eventually('acme/orchestrator scaled to 0: no instance', 90, async () => {
    const ips = await readyPodIps('acme', 'orchestrator');
    const inst = await instancesOf('acme', 'orchestrator');
    return ips.length === 0 && inst.length === 0 ? [] : [`${ips.length} Ready pods, ${inst.length} instances`];
  });
  await scale(3);
  await eventually('acme/orchestrator scaled to 3: 3 instances', 90, async () => {
    const ips = await readyPodIps('acme', 'orchestrator');
    return ips.length === 3 ? registryProblems('orchestrator') : [`${ips.length} Ready pods`];
  });

  // 3. a new agent, then a new version of it: a new card each, its instance
  const cmName = await createProbe('1.0.0');
  await eventually(`new agent globex/${PROBE}@1.0.0: card and 1 instance`, 90, async () => {
    const ips = await readyPodIps('globex', PROBE);
    return ips.length === 1 ? registryProblems(PROBE) : [`${ips.length} Ready pods`];
  });
  await createProbe('1.1.0');
  await eventually(`new version globex/${PROBE}@1.1.0 registered as a new card`, 60, () => registryProblems(PROBE));

  // 4. agent tokens verify against the gateway's JWKS, and rotate (60 s lifetime: by 40 s)
  const before = new Map();
  await eventually('every agent token Secret verifies (kid, signature, iss, aud, exp)', 60, () => tokenProblems(jwks, before));
  await eventually('every agent token rotated and still verifies', 75, async () => {
    const now = new Map();
    const problems = await tokenProblems(jwks, now);
    for (const [ref, jwt] of before) if (now.get(ref) === jwt) problems.push(`${ref}: not rotated yet`);
    return problems;
  });

  // 4b. a forged card in acme leaves globex untouched, and gets an Event
  await forgedCardCheck();

  // 5. a deleted agent: its cards and instances are gone
  await core.deleteNamespacedConfigMap({ name: cmName, namespace: 'globex' });
  await apps.deleteNamespacedDeployment({ name: PROBE, namespace: 'globex' });
  await core.deleteNamespacedService({ name: PROBE, namespace: 'globex' });
  await core.deleteNamespacedSecret({ name: `${PROBE}-a2a-token`, namespace: 'globex' });
  await eventually(`deleted agent globex/${PROBE}: cards and instances gone`, 90, async () => {
    const problems = [];
    for (const v of ['1.0.0', '1.1.0']) { const s = await cardStatus('globex', PROBE, v); if (s === 200) problems.push(`card ${PROBE}@${v} still registered`); }
    const inst = await instancesOf('globex', PROBE);
    if (inst.length) problems.push(`${inst.length} instance(s) of ${PROBE} left`);
    return problems;
  });

  // 6. kill -9, scale down while it is down, restart: converges (the stale instance goes, none twice)
  stopController('SIGKILL');
  await waitExit(10);
  log('controller killed (SIGKILL)');
  await scale(2);
  await eventually('acme/orchestrator back at 2 Ready pods while the controller is down', 60, async () => {
    const n = (await readyPodIps('acme', 'orchestrator')).length;
    return n === 2 ? [] : [`${n} Ready pods`];
  });
  startController(saKubeconfig);
  await eventually('after restart: every card and one instance per Ready pod (none twice)', 120, () => registryProblems());
  const ready = await fetch(`http://${LISTEN}/readyz`);
  if (!ready.ok) fail(`controller /readyz: HTTP ${ready.status}`);
  const metrics = await (await fetch(`http://${LISTEN}/metrics`)).text();
  log(`controller /readyz 200; metrics: ${metrics.split('\n').filter((l) => /^agent_runtime_controller_(leader|reconciles_total)/.test(l)).slice(0, 4).join('; ')}`);

  // 7. Nacos restarts (same config and Derby data, as a pod restart) while the controller keeps
  // running. Cards are stored (Derby): the same agents, versions, latest flags and contents come
  // back, none twice. Ephemeral instances live in Nacos' memory: gone, as a lane-made one nobody
  // renews shows; the controller's come back with its renewal, one per Ready pod.
  const nacosNamespaces = [...new Set((await tracks()).map((t) => t.nacosNs))].sort();
  const cardsBefore = await storedCards(nacosNamespaces);
  const unreadable = cardsBefore.filter((l) => !/^\S+@\S+ HTTP 200 \{/.test(l));
  if (!cardsBefore.length || unreadable.length) fail(`Nacos' cards before the restart: ${cardsBefore.length} read, unreadable: ${unreadable.join('; ')}`);
  const marker = { namespaceId: 'globex', groupName: 'DEFAULT_GROUP', serviceName: 'e2e-restart-marker', ip: '10.255.0.1', port: '8080', ephemeral: 'true',
    metadata: JSON.stringify({ 'preserved.heart.beat.interval': '300000', 'preserved.heart.beat.timeout': '600000', 'preserved.ip.delete.timeout': '600000' }) };
  const reg = await nacos('/v3/admin/ns/instance', marker, 'POST');
  if (reg.status !== 200) fail(`register the marker instance: HTTP ${reg.status} ${JSON.stringify(reg.body).slice(0, 200)}`);
  await eventually('an unrenewed ephemeral marker instance is in Nacos', 30, async () => ((await instancesOf('globex', marker.serviceName)).length === 1 ? [] : ['not listed yet']));
  log(`restarting Nacos; it stores ${cardsBefore.length} agent versions in ${nacosNamespaces.join(', ')}`);
  // Not execFileSync: a blocked event loop would miss the close of fetch's pooled keep-alive
  // connection to the old Nacos, and the next request would go down that dead socket.
  const restart = spawn('bash', [path.join(ROOT, 'scripts', 'e2e', 'start-cluster.sh'), run, 'restart-nacos'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => restart.on('exit', resolve));
  if (code !== 0) fail(`start-cluster.sh restart-nacos: exit ${code}`);
  nacosToken = undefined;
  if (child.exitCode !== null || child.signalCode !== null) fail('the controller exited while Nacos restarted');
  await eventually(`the ${cardsBefore.length} agent versions back from Derby unchanged, none twice`, 30, async () => {
    const cardsAfter = await storedCards(nacosNamespaces);
    return [...missingFrom(cardsBefore, cardsAfter).map((l) => `lost or changed: ${l}`), ...missingFrom(cardsAfter, cardsBefore).map((l) => `new or twice: ${l}`)];
  });
  const markerLeft = await instancesOf('globex', marker.serviceName);
  if (markerLeft.length) fail(`the unrenewed ephemeral marker instance survived the Nacos restart (${JSON.stringify(markerLeft)}): ephemeral instances are not lost on restart?`);
  log('ok: the unrenewed ephemeral marker instance is gone after the restart');
  await eventually('after the Nacos restart: every card and one instance per Ready pod (none twice), the controller still running', 90, async () => {
    if (child.exitCode !== null || child.signalCode !== null) fail('the controller exited after the Nacos restart');
    return registryProblems();
  });

  stopController('SIGTERM');
  await waitExit(40);
  log(`controller stopped (SIGTERM, exit ${child.exitCode})`);
} catch (e) {
  fail(e?.stack ?? String(e));
}
