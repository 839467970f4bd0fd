// Scale to zero with the real KEDA operator (issue 15): a ScaledObject with the platform's wake-up
// trigger shape (Prometheus query on the gateway's upstream metrics of the agent's Service) scales
// its Deployment 0 -> 1+ when the signal appears and back to 0 when it is gone.
//
//   node keda-check.mjs RUN_DIR KUBECONFIG KEDA_OPERATOR_BIN
//
// The signal comes from a Prometheus-HTTP-API stand-in on 127.0.0.1 (GET /api/v1/query, the
// documented response envelope) that this check serves, standing in for Prometheus scraping the
// gateway. KEDA, the API server, the controller-manager and kwok are real. The operator runs as a
// process of the lane (pid in RUN_DIR/pids, so stop-cluster.sh stops it on any failure).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { kube } from '../../scripts/e2e/kube.mjs';

const [run, kubeconfig, operator] = process.argv.slice(2);
const { core, apps, custom } = kube(kubeconfig);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.error(`[keda-check] ${m}`);
const NS = 'e2e-keda';
const NAME = 'sleepy-agent';
const CLUSTER = `outbound|8080||${NAME}.${NS}.svc.cluster.local`;

// ---------------------------------------------------------------- Prometheus API stand-in
let requestsPerSecond = 0;
let queries = 0;
const prom = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://127.0.0.1');
  if (u.pathname !== '/api/v1/query') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', errorType: 'not_found', error: `no handler for ${u.pathname}` }));
    return;
  }
  const query = u.searchParams.get('query') ?? '';
  queries++;
  if (!query.includes(CLUSTER)) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: `unexpected query ${query}` }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, String(requestsPerSecond)] }] },
  }));
});
await new Promise((r) => prom.listen(0, '127.0.0.1', r));
const promUrl = `http://127.0.0.1:${prom.address().port}`;
log(`Prometheus API stand-in on ${promUrl}`);

// ---------------------------------------------------------------- KEDA operator
const certs = path.join(run, 'keda-certs');
fs.mkdirSync(certs, { recursive: true });
// The operator's metrics gRPC server loads ca.crt/tls.crt/tls.key (cert rotation is off outside a cluster).
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=keda-operator',
  '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', path.join(certs, 'tls.key'), '-out', path.join(certs, 'tls.crt')], { stdio: 'ignore' });
fs.copyFileSync(path.join(certs, 'tls.crt'), path.join(certs, 'ca.crt'));
try { await core.createNamespace({ body: { metadata: { name: 'keda' } } }); } catch (e) { if (e.code !== 409) throw e; }
try { await core.createNamespace({ body: { metadata: { name: NS } } }); } catch (e) { if (e.code !== 409) throw e; }
const logFile = fs.openSync(path.join(run, 'logs', 'keda-operator.log'), 'a');
const port = (n) => `127.0.0.1:${n}`;
const child = spawn(operator, [
  `--cert-dir=${certs}`, '--leader-elect=false',
  `--metrics-bind-address=${port(18090)}`, `--health-probe-bind-address=${port(18091)}`, `--metrics-service-bind-address=${port(19666)}`,
  '--enable-webhook-patching=false', '--enable-apiservice-patching=false', '--zap-log-level=info',
], { detached: true, stdio: ['ignore', logFile, logFile], env: { ...process.env, KUBECONFIG: kubeconfig, KEDA_CLUSTER_OBJECT_NAMESPACE: 'keda', POD_NAMESPACE: 'keda', WATCH_NAMESPACE: '' } });
fs.writeFileSync(path.join(run, 'pids', 'keda-operator.pid'), String(child.pid));
let exited = null;
child.on('exit', (code) => { exited = code; });
const stopOperator = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } };

async function replicas() {
  const d = await apps.readNamespacedDeployment({ namespace: NS, name: NAME });
  return { spec: d.spec?.replicas ?? 0, ready: d.status?.readyReplicas ?? 0 };
}
async function until(what, pred, seconds) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (exited !== null) throw new Error(`keda-operator exited (${exited}) while waiting for ${what}; see logs/keda-operator.log`);
    const r = await replicas();
    if (pred(r)) return r;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: replicas ${JSON.stringify(r)}, ${queries} queries served`);
    await sleep(1000);
  }
}

try {
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: NAME },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: NAME } },
        template: { metadata: { labels: { app: NAME } }, spec: { containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }] } },
      },
    },
  });
  // The shape Agent emits for minReplicas 0 (AgentScaler / _gatewayWakeTrigger), with short timers.
  await custom.createNamespacedCustomObject({
    group: 'keda.sh', version: 'v1alpha1', namespace: NS, plural: 'scaledobjects',
    body: {
      apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: NAME },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
        minReplicaCount: 0, maxReplicaCount: 3, pollingInterval: 2, cooldownPeriod: 5,
        triggers: [{
          type: 'prometheus',
          metadata: {
            serverAddress: promUrl,
            query: `(sum(rate(envoy_cluster_upstream_rq_total{cluster_name="${CLUSTER}"}[1m])) or vector(0)) + (sum(rate(envoy_cluster_upstream_cx_none_healthy{cluster_name="${CLUSTER}"}[1m])) or vector(0))`,
            threshold: '5', activationThreshold: '0',
          },
        }],
      },
    },
  });
  // No demand: KEDA keeps it at 0 (and has asked the stand-in).
  const q0 = queries;
  await sleep(8000);
  if (queries === q0) throw new Error('KEDA never queried the Prometheus API stand-in');
  const idle = await replicas();
  if (idle.spec !== 0) throw new Error(`scaled without demand: ${JSON.stringify(idle)}`);
  log(`idle: 0 replicas, ${queries} queries served`);

  // A request hits the gateway while the agent has no pods: the upstream metric appears.
  requestsPerSecond = 0.2;
  // KEDA sets spec.replicas (the scale subresource); readiness is the ReplicaSet controller's and kwok's.
  const up = await until('0 -> 1+ replicas', (r) => r.spec >= 1, 120);
  log(`woke: ${JSON.stringify(up)}`);

  // Demand is gone: back to zero after the cooldown.
  requestsPerSecond = 0;
  await until('back to 0 replicas', (r) => r.spec === 0, 180);
  log('scaled back to 0');
  await custom.deleteNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace: NS, plural: 'scaledobjects', name: NAME });
  await core.deleteNamespace({ name: NS });
  console.log('KEDA scaled the Deployment 0 -> 1+ on the gateway signal and back to 0');
} finally {
  stopOperator();
  prom.close();
}
process.exit(0);
