/**
 * Credentials stay with their owners: a workload mounts or references only Secrets that are its
 * own (no ServiceAccount-token Secret of another ServiceAccount, no other agent's A2A token), a
 * sandbox gets no credential at all (no Secret, no projected token), a long-lived ServiceAccount
 * token Secret is not created, and a model `baseUrl` that receives an API key lies inside the
 * agent's declared egress (https, an allowed port and address).
 */
import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { inCidr } from '../reachability';
import { workloadsOf, type Workload } from '../model/workloads';
import { isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'credentials-ownership';

const _SA_TOKEN = 'kubernetes.io/service-account-token';

export const credentialsOwnership: Rule = {
  id: ID,
  description: 'Workloads use only their own credentials: no ServiceAccount-token Secret of another ServiceAccount, no other agent\'s A2A token, none at all in sandboxes (no Secret, no projected token); no long-lived ServiceAccount token Secrets; a model baseUrl receiving an API key is https and inside the agent\'s declared egress.',
  severity: 'critical',
  remediation: 'Mount only the workload\'s own Secrets; give sandboxes no credentials; point model baseUrls at the provider the agent\'s egress declares.',
  enforcement: MANDATORY,
  checkSet: (obj, ctx) => {
    const out: Violation[] = [];
    if (obj.kind === 'Secret' && obj.type === _SA_TOKEN) {
      out.push(violation(ID, obj, 'type', `long-lived token of ServiceAccount ${obj.metadata?.annotations?.['kubernetes.io/service-account.name'] ?? '?'}: whoever reads or mounts this Secret acts as it, and it never expires`, 'use projected, expiring tokens (TokenRequest) instead'));
    }
    if (obj.kind === 'ModelConfig') out.push(..._modelConfig(obj, ctx));
    const byObject = ctx.index.memo(`${ID}:workloads`, () => {
      const m = new Map<K8sObject, Workload[]>();
      for (const w of workloadsOf(ctx.index, ctx.config)) m.set(w.obj, [...(m.get(w.obj) ?? []), w]);
      return m;
    });
    for (const w of byObject.get(obj) ?? []) out.push(..._workload(w, ctx));
    return out;
  },
};

function _workload(w: Workload, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  const ns = w.pod.namespace;
  const spec = w.view.spec ?? {};
  const sandbox = w.cls === 'sandbox';
  const refs: [string, string][] = [];
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: any, i: number) => {
    const at = `${w.view.path}.volumes[${i}]`;
    if (v?.secret?.secretName) refs.push([v.secret.secretName, `${at}.secret.secretName`]);
    (Array.isArray(v?.projected?.sources) ? v.projected.sources : []).forEach((s: any, j: number) => {
      if (s?.secret?.name) refs.push([s.secret.name, `${at}.projected.sources[${j}].secret.name`]);
      if (s?.serviceAccountToken && sandbox) out.push(violation(ID, w.obj, `${at}.projected.sources[${j}].serviceAccountToken`, 'a sandbox mounts a ServiceAccount token: untrusted code gets an API identity', 'remove the projected token from sandboxes'));
    });
  });
  for (const c of w.view.containers) {
    const container = c.container ?? {};
    (Array.isArray(container.env) ? container.env : []).forEach((e: any, i: number) => {
      if (e?.valueFrom?.secretKeyRef?.name) refs.push([e.valueFrom.secretKeyRef.name, `${c.path}.env[${i}].valueFrom.secretKeyRef.name`]);
    });
    (Array.isArray(container.envFrom) ? container.envFrom : []).forEach((e: any, i: number) => {
      if (e?.secretRef?.name) refs.push([e.secretRef.name, `${c.path}.envFrom[${i}].secretRef.name`]);
    });
  }
  const saName = w.serviceAccount.split('/')[1];
  const saPath = w.obj.kind === 'Agent' ? `${w.view.path}.serviceAccountName` : `${w.view.path}.serviceAccountName`;
  if (sandbox && saName !== 'default') out.push(violation(ID, w.obj, saPath, `a sandbox runs as ServiceAccount ${w.serviceAccount}: untrusted code gets that account's identity`, 'let sandboxes run as the namespace\'s default ServiceAccount with no token'));
  if (w.cls === 'agent' && saName !== w.self && saName !== 'default' && ctx.index.get('ServiceAccount', ns, saName)?.metadata?.labels?.[LABEL.agent] !== undefined && ctx.index.get('ServiceAccount', ns, saName)?.metadata?.labels?.[LABEL.agent] !== w.self) {
    out.push(violation(ID, w.obj, saPath, `agent ${w.self} runs as agent ${saName}'s ServiceAccount and gets its permissions`, `run as the agent's own ServiceAccount ${w.self}`));
  }
  for (const [name, at] of refs) {
    const secret = ctx.index.get('Secret', ns, name);
    const owner = _ownerOf(secret, name);
    if (sandbox) {
      out.push(violation(ID, w.obj, at, `a sandbox references Secret ${ns}/${name}${owner ? ` (${owner.what})` : ''}: untrusted code gets a credential`, 'give sandboxes no Secrets'));
      continue;
    }
    if (!owner) continue;
    if (owner.kind === 'sa' && `${ns}/${owner.name}` !== w.serviceAccount) out.push(violation(ID, w.obj, at, `uses the token of ServiceAccount ${ns}/${owner.name} (Secret ${name}) while running as ${w.serviceAccount}: it acts with that account's permissions`, 'remove the reference; use the workload\'s own projected token'));
    if (owner.kind === 'agent' && (w.cls !== 'agent' || owner.name !== w.self)) out.push(violation(ID, w.obj, at, `uses agent ${ns}/${owner.name}'s A2A token (Secret ${name}) while being ${w.obj.kind}/${ns}/${w.obj.metadata?.name}: it calls other agents as ${owner.name}`, 'mount only the workload\'s own <agent>-a2a-token'));
  }
  if (isTenantNs(ctx, ns)) out.push(..._baseUrls(w, ctx));
  return out;
}

/** Who a Secret belongs to: a ServiceAccount (token Secret) or an agent (its A2A token). */
function _ownerOf(secret: K8sObject | undefined, name: string): { kind: 'sa' | 'agent'; name: string; what: string } | undefined {
  if (secret?.type === _SA_TOKEN) {
    const sa = secret.metadata?.annotations?.['kubernetes.io/service-account.name'] ?? '?';
    return { kind: 'sa', name: sa, what: `token of ServiceAccount ${sa}` };
  }
  const labelled = secret?.metadata?.labels?.[LABEL.role] === 'a2a-token' ? secret.metadata?.labels?.[LABEL.agent] : undefined;
  const agent = labelled ?? (name.endsWith('-a2a-token') ? name.slice(0, -'-a2a-token'.length) : undefined);
  return agent ? { kind: 'agent', name: agent, what: `A2A token of agent ${agent}` } : undefined;
}

/** Model endpoints in a ModelConfig spec: `spec.<provider>.{baseUrl,baseURL,azureEndpoint,host,endpoint}`. */
function _modelConfig(obj: K8sObject, ctx: RuleContext): Violation[] {
  const spec = obj.spec ?? {};
  const ns = obj.metadata?.namespace ?? 'default';
  const withKey = typeof spec.apiKeySecret === 'string' || typeof spec.apiKeySecretRef === 'string';
  if (!withKey) return [];
  const users = ctx.index.inNamespace(ns, 'Agent').filter((a) => a.spec?.declarative?.modelConfig === obj.metadata?.name);
  const agentPods = workloadsOf(ctx.index, ctx.config).filter((w) => users.includes(w.obj) || (users.length === 0 && w.pod.namespace === ns && w.pod.labels[LABEL.agent] === obj.metadata?.labels?.[LABEL.agent]));
  const out: Violation[] = [];
  const keyOwner = _ownerOf(ctx.index.get('Secret', ns, spec.apiKeySecret ?? spec.apiKeySecretRef), String(spec.apiKeySecret ?? spec.apiKeySecretRef));
  if (keyOwner) out.push(violation(ID, obj, 'apiKeySecret', `the model's API key is Secret ${spec.apiKeySecret ?? spec.apiKeySecretRef} (${keyOwner.what}): the agent would send that credential to the model provider`, 'reference the tenant\'s model key Secret'));
  for (const [provider, block] of Object.entries(spec)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const field of ['baseUrl', 'baseURL', 'azureEndpoint', 'host', 'endpoint']) {
      const url = (block as any)[field];
      if (typeof url !== 'string') continue;
      const problem = _outsideEgress(url, agentPods, ctx) ?? _notProvider(provider, url);
      if (problem) out.push(violation(ID, obj, `spec.${provider}.${field}`, `sends the API key of Secret ${ns}/${spec.apiKeySecret ?? spec.apiKeySecretRef} to ${url}: ${problem}`, 'point the model at the provider the agent\'s egress declares, over https'));
    }
  }
  return out;
}

/** The providers' own API hosts (an address-range egress cannot tell hosts apart, so the host is checked here). */
const _PROVIDER_HOSTS: Readonly<Record<string, RegExp>> = {
  openAI: /^api\.openai\.com$/,
  anthropic: /^api\.anthropic\.com$/,
  azureOpenAI: /\.openai\.azure\.com$/,
  gemini: /^generativelanguage\.googleapis\.com$/,
  geminiVertexAI: /(^|\.)aiplatform\.googleapis\.com$/,
  anthropicVertexAI: /(^|\.)aiplatform\.googleapis\.com$/,
};

function _notProvider(provider: string, url: string): string | undefined {
  const want = _PROVIDER_HOSTS[provider];
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'not a URL';
  }
  return want && !want.test(host) ? `${host} is not the ${provider} API; the agent's declared egress is an address range, so the key would go to whoever serves that host` : undefined;
}

/** BYO agents: a URL env var (`*_BASE_URL`, `*_API_BASE`, `*_ENDPOINT`) next to an API key from a Secret. */
function _baseUrls(w: Workload, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  for (const c of w.view.containers) {
    const env: any[] = Array.isArray(c.container?.env) ? c.container.env : [];
    const key = env.some((e) => /KEY|TOKEN/i.test(String(e?.name)) && e?.valueFrom?.secretKeyRef);
    if (!key) continue;
    env.forEach((e, i) => {
      if (!/(BASE_?URL|API_BASE|ENDPOINT)$/i.test(String(e?.name)) || typeof e?.value !== 'string' || /OTEL_/.test(e.name)) return;
      const problem = _outsideEgress(e.value, [w], ctx);
      if (problem) out.push(violation(ID, w.obj, `${c.path}.env[${i}].value`, `${e.name} sends the container's API key to ${e.value}: ${problem}`, 'point it at the provider the agent\'s egress declares, over https'));
    });
  }
  return out;
}

/** Why `url` is outside the egress the agent's NetworkPolicies declare, or undefined. */
function _outsideEgress(url: string, pods: readonly Workload[], ctx: RuleContext): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'https:') return `${u.protocol} sends the key in clear text`;
  const port = Number(u.port || 443);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : undefined;
  const inCluster = !ip && (/\.(svc|cluster\.local)$/.test(host) || !host.includes('.'));
  const rules = pods.flatMap((p) => _egressRules(p, ctx));
  const allowed = rules.some((r) => {
    const ports: any[] = Array.isArray(r?.ports) ? r.ports : [];
    if (ports.length && !ports.some((p) => Number(p?.port) === port || (typeof p?.endPort === 'number' && port >= Number(p.port) && port <= p.endPort))) return false;
    const peers: any[] = Array.isArray(r?.to) ? r.to : [];
    return peers.some((peer) => {
      if (inCluster) {
        const ns = host.split('.')[1];
        return peer?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns;
      }
      const cidr = peer?.ipBlock?.cidr;
      if (typeof cidr !== 'string') return false;
      const except: string[] = Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : [];
      const probe = ip ?? '93.184.216.34';
      return inCidr(probe, cidr) && !except.some((x) => inCidr(probe, x));
    });
  });
  if (!allowed) return `${host}:${port} is outside the agent's declared egress`;
  return undefined;
}

/**
 * The agent's declared egress: egress rules of the NetworkPolicies that select this agent by name
 * (its `egress` config), not the platform-wide allows every agent has (the registry, DNS, tracing).
 */
function _egressRules(w: Workload, ctx: RuleContext): any[] {
  return ctx.index.inNamespace(w.pod.namespace, 'NetworkPolicy')
    .filter((p) => (p.spec?.policyTypes ?? []).includes('Egress') && p.spec?.podSelector?.matchLabels?.[LABEL.agent] !== undefined && _selects(p.spec?.podSelector, w.pod.labels))
    .flatMap((p) => (Array.isArray(p.spec?.egress) ? p.spec.egress : []));
}

function _selects(sel: any, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && !(sel?.matchExpressions?.length);
}

