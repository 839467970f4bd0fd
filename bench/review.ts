/**
 * Review throughput: >= 100,000 objects of realistic shape (tenant namespaces with agents, Services,
 * NetworkPolicies, quotas, cards) in one YAML file; js-yaml `loadAll` of the same file is measured in
 * the same run as the baseline. Target: the full review (read + parse + rules) costs at most 2x the parse.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { reviewAgainstBaseline } from '../policies/baseline-review';
import { checkManifests } from '../policies/check-manifests';
import { loadManifests } from '../policies/load-manifests';

/** Objects per tenant: Namespace, 3 NetworkPolicies, ResourceQuota, LimitRange, then 4 objects per agent. */
const _AGENTS_PER_TENANT = 10;

/** Generates the YAML, then times `loadAll` and the review alternately (best of `rounds`). */
export async function benchReview(targetObjects = 100_000, rounds = 3): Promise<Record<string, unknown>> {
  const tenants = Math.ceil(targetObjects / (6 + 4 * _AGENTS_PER_TENANT));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-review-')), 'objects.yaml');
  const objects = writeBenchManifests(file, tenants);
  const bytes = fs.statSync(file).size;
  let parse = Infinity;
  let review = Infinity;
  let baselineMode = Infinity;
  let weakenings = -1;
  let violations = 0;
  let verdict = '';
  for (let i = 0; i < rounds; i++) {
    parse = Math.min(parse, _time(() => {
      const docs = yaml.loadAll(fs.readFileSync(file, 'utf8'));
      if (docs.length !== objects) throw new Error(`parsed ${docs.length} documents, wrote ${objects}`);
    }));
    review = Math.min(review, _time(() => {
      const loaded = loadManifests([file]);
      const report = checkManifests(loaded.objects, { env: 'prod', sourceOf: loaded.sourceOf });
      violations = report.violations.length;
      verdict = report.verdict;
    }));
  }
  // Baseline mode once (it reviews both sets and diffs their access facts): the file against itself.
  baselineMode = _time(() => {
    const loaded = loadManifests([file]);
    weakenings = reviewAgainstBaseline(loaded.objects, loadManifests([file]).objects, 'prod').weakenings;
  });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return {
    objects,
    megabytes: +(bytes / 2 ** 20).toFixed(1),
    parseSeconds: +parse.toFixed(3),
    reviewSeconds: +review.toFixed(3),
    objectsPerSecond: Math.round(objects / review),
    ratioToParse: +(review / parse).toFixed(2),
    target: 'review <= 2x js-yaml loadAll',
    met: review / parse <= 2,
    baselineModeSeconds: +baselineMode.toFixed(3),
    baselineModeRatioToParse: +(baselineMode / parse).toFixed(2),
    baselineWeakenings: weakenings,
    violations,
    verdict,
  };
}

/** Seconds `run` takes; its results are garbage once it returns, so rounds do not hold each other's heaps. */
function _time(run: () => void): number {
  const t = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Writes `tenants` compliant tenants as multi-document YAML (violation-free, so rule cost is measured, not reporting). */
export function writeBenchManifests(file: string, tenants: number): number {
  const fd = fs.openSync(file, 'w');
  let count = 0;
  const put = (obj: unknown): void => {
    fs.writeSync(fd, '---\n' + yaml.dump(obj, { noRefs: true, lineWidth: -1 }));
    count++;
  };
  for (let t = 0; t < tenants; t++) {
    const ns = `tenant-${t}`;
    for (const obj of _tenant(ns)) put(obj);
    for (let a = 0; a < _AGENTS_PER_TENANT; a++) for (const obj of _agent(ns, `agent-${a}`)) put(obj);
  }
  fs.closeSync(fd);
  return count;
}

function _meta(name: string, namespace?: string, extra: Record<string, string> = {}): Record<string, unknown> {
  return { name, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'agent-runtime', ...extra } };
}

function _tenant(ns: string): unknown[] {
  const tenantLabels = { 'agentruntime.io/tenant': ns, 'agentruntime.io/role': 'tenant', 'pod-security.kubernetes.io/enforce': 'restricted' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: _meta(ns, undefined, tenantLabels) },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: _meta('default-deny', ns), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: _meta('allow-dns', ns),
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: _meta('allow-gateway', ns),
      spec: { podSelector: { matchLabels: { 'agentruntime.io/role': 'agent' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'higress-system' } }, podSelector: { matchLabels: { app: 'higress-gateway' } } }], ports: [{ port: 8080 }] }] } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: _meta('quota', ns), spec: { hard: { 'requests.cpu': '20', 'requests.memory': '40Gi', 'limits.cpu': '40', 'limits.memory': '80Gi', pods: '100', 'services.loadbalancers': '0', 'services.nodeports': '0' } } },
    { apiVersion: 'v1', kind: 'LimitRange', metadata: _meta('limits', ns), spec: { limits: [{ type: 'Container', default: { cpu: '1', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] } },
  ];
}

function _agent(ns: string, agent: string): unknown[] {
  const labels = { 'agentruntime.io/tenant': ns, 'agentruntime.io/agent': agent, 'agentruntime.io/role': 'agent' };
  const card = { protocolVersion: '0.3.0', name: agent, description: 'bench agent', version: '1.0.0', url: `https://agents.example.com/api/v1/agents/${agent}`,
    skills: [{ id: 'answer', name: 'Answer', description: 'answers', tags: ['bench'] }], securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } };
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: _meta(agent, ns, labels),
      spec: { selector: { matchLabels: { 'agentruntime.io/agent': agent } }, template: { metadata: { labels: { 'app.kubernetes.io/name': agent, ...labels } },
        spec: { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'agent', image: `ghcr.io/acme/${agent}:1.0.0@sha256:${'0'.repeat(64)}`, ports: [{ containerPort: 8080, name: 'a2a' }],
            env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'model-key', key: 'api-key' } } }],
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            readinessProbe: { httpGet: { path: '/.well-known/agent-card.json', port: 8080 } }, livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } }] } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: _meta(agent, ns, labels), spec: { selector: { 'agentruntime.io/agent': agent }, ports: [{ port: 8080, name: 'a2a' }] } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: _meta(agent, ns, labels),
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: agent }, minReplicas: 1, maxReplicas: 5 } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ..._meta(`${agent}-card`, ns, { ...labels, 'agentruntime.io/role': 'agent-card' }), annotations: { 'agentruntime.io/nacos-namespace': ns, 'agentruntime.io/set-as-latest': 'true' } },
      data: { 'agent-card.json': JSON.stringify(card) } },
  ];
}

// Run alone (`node bin/run-ts.js bench/review.ts`): run-ts makes this file argv[1].
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  benchReview().then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
