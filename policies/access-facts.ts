/**
 * "Who can do what" of a set, as comparable facts drawn from the model: RBAC grants, allowed network
 * connections, what each route admits and with which issuers and keys, the effective Nacos auth
 * switches, and the tenants' effective limits. Two sets' facts diff into what a change grants.
 */
import { parseQuantity } from '../constructs/_quantity';
import { resolveConfig, type PolicyConfig } from './config';
import { gatewayTable } from './model/gateway-table';
import { nacosAuthSettings } from './model/nacos-settings';
import { networkEdges } from './model/network-edges';
import { rbacGraph } from './model/rbac-graph';
import { ObjectIndex } from './object-index';
import { podSpecsOf } from './pod-specs';
import type { Env, K8sObject } from './types';

/** A fact: its stable text, and for numeric limits the value (a higher value grants more). */
export interface AccessFact {
  readonly category: 'rbac' | 'network' | 'gateway' | 'nacos' | 'quota' | 'admission';
  readonly key: string;
  readonly text: string;
  /** For limits: the value; the fact's key then names the limit only. */
  readonly limit?: number;
  /** For limits: the value as written. */
  readonly limitText?: string;
}

/** Every access fact of a set of objects. */
export function accessFacts(objects: readonly K8sObject[], env: Env = 'prod', config: PolicyConfig = resolveConfig(env)): AccessFact[] {
  const index = new ObjectIndex(objects);
  const out: AccessFact[] = [];
  const add = (category: AccessFact['category'], text: string): void => {
    out.push({ category, key: `${category}:${text}`, text });
  };
  for (const g of rbacGraph(index).grants) {
    const r = g.source.rule;
    add('rbac', `${g.principal.kind} ${g.principal.id} may ${[...r.verbs].sort().join(',')} ${(r.apiGroups ?? ['']).map((x) => x || 'core').join(',')}/${(r.resources ?? r.nonResourceURLs ?? []).join(',')}${r.resourceNames?.length ? `[${r.resourceNames.join(',')}]` : ''} ${g.scope === '*' ? 'cluster-wide' : `in ${g.scope}`}`);
  }
  const { edges, fromOutside } = networkEdges(index, config);
  const name = (e: any): string => ('pod' in e ? (e.workload ? `${e.workload.obj.kind}/${e.pod.namespace}/${e.workload.obj.metadata?.name}` : `${e.pod.namespace}/${e.probe}`) : e.name);
  for (const e of [...edges, ...fromOutside]) add('network', `${name(e.src)} reaches ${name(e.dst)} on ${e.port}/${e.protocol}`);
  const table = gatewayTable(index);
  for (const a of table.admissions) for (const who of a.allow) add('gateway', `route ${a.ingress} admits consumer ${who}`);
  for (const c of table.consumers) for (const t of c.thumbprints) add('gateway', `consumer ${c.name} (${c.plugin.metadata?.name}) trusts issuer ${c.issuer} with key ${t}`);
  for (const o of index.all) {
    if (o.kind === 'Ingress') {
      const backends = (o.spec?.rules ?? []).flatMap((r: any) => (r?.http?.paths ?? []).map((p: any) => `${r?.host ?? '*'}${p?.path ?? '/'} -> ${p?.backend?.service?.name ?? '?'}:${p?.backend?.service?.port?.number ?? p?.backend?.service?.port?.name ?? '?'}`));
      add('gateway', `Ingress ${o.metadata?.namespace}/${o.metadata?.name} (${o.spec?.ingressClassName ?? 'no class'}) routes ${backends.join(', ')}${o.metadata?.annotations?.['higress.io/destination'] ? ` and to ${o.metadata.annotations['higress.io/destination']}` : ''}`);
    }
    if (o.kind === 'McpBridge') for (const r of o.spec?.registries ?? []) add('gateway', `McpBridge ${o.metadata?.name} lists ${r?.type} ${r?.domain}:${r?.port}`);
    if (o.kind === 'WasmPlugin') add('gateway', `WasmPlugin ${o.metadata?.namespace}/${o.metadata?.name} runs ${o.spec?.url} (${o.spec?.failStrategy ?? 'default fail strategy'})`);
    if (['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'IngressClass', 'PriorityClass'].includes(o.kind ?? '')) add('admission', `${o.kind} ${o.metadata?.name}: ${JSON.stringify(o.webhooks ?? o.spec ?? { value: o.value, globalDefault: o.globalDefault })}`);
    if (o.kind === 'Namespace') add('admission', `Namespace ${o.metadata?.name} Pod Security ${o.metadata?.labels?.['pod-security.kubernetes.io/enforce'] ?? 'none'}@${o.metadata?.labels?.['pod-security.kubernetes.io/enforce-version'] ?? 'latest'}`);
    for (const view of podSpecsOf(o)) {
      const containers: any[] = Array.isArray(view.spec?.containers) ? view.spec.containers : [];
      containers.forEach((c, i) => {
        if (view.implicit || typeof c?.image !== 'string' || !/nacos-server/.test(c.image)) return;
        for (const [k, e] of nacosAuthSettings(o, view.spec, view.path, i, index)) add('nacos', `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name} runs with ${k}=${e.unknown ? '(from a Secret)' : e.value}`);
      });
      const s = view.spec ?? {};
      if (s.priorityClassName || s.tolerations || s.nodeSelector || s.nodeName) add('admission', `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name} schedules with ${JSON.stringify({ priorityClassName: s.priorityClassName, tolerations: s.tolerations, nodeSelector: s.nodeSelector, nodeName: s.nodeName })}`);
    }
    if (o.kind === 'ResourceQuota') {
      const scope = o.spec?.scopes || o.spec?.scopeSelector ? ` scoped ${JSON.stringify(o.spec.scopes ?? o.spec.scopeSelector)}` : '';
      for (const [k, v] of Object.entries(o.spec?.hard ?? {})) out.push(_limit(`ResourceQuota ${o.metadata?.namespace}/${o.metadata?.name}${scope} ${k}`, String(v)));
      if (scope) add('quota', `ResourceQuota ${o.metadata?.namespace}/${o.metadata?.name} counts only pods in${scope}`);
    }
    if (o.kind === 'LimitRange') {
      for (const l of o.spec?.limits ?? []) for (const f of ['max', 'default', 'defaultRequest', 'maxLimitRequestRatio']) for (const [k, v] of Object.entries(l?.[f] ?? {})) out.push(_limit(`LimitRange ${o.metadata?.namespace}/${o.metadata?.name} ${l?.type} ${f}.${k}`, String(v)));
    }
  }
  return out;
}

function _limit(key: string, value: string): AccessFact {
  return { category: 'quota', key: `quota:${key}`, text: `${key} = ${value}`, limit: parseQuantity(value) ?? Number.POSITIVE_INFINITY, limitText: value };
}

/** What `after` grants that `before` does not (weakenings), and what it no longer grants. */
export interface AccessDiff {
  readonly added: readonly AccessFact[];
  readonly removed: readonly AccessFact[];
  /** Limits raised (or removed: a limit gone is no limit). */
  readonly raised: readonly { before: AccessFact; after?: AccessFact }[];
  readonly lowered: readonly { before: AccessFact; after: AccessFact }[];
}

/** Diffs two fact sets. */
export function diffFacts(before: readonly AccessFact[], after: readonly AccessFact[]): AccessDiff {
  const b = new Map(before.map((f) => [f.key, f]));
  const a = new Map(after.map((f) => [f.key, f]));
  const added: AccessFact[] = [];
  const removed: AccessFact[] = [];
  const raised: { before: AccessFact; after?: AccessFact }[] = [];
  const lowered: { before: AccessFact; after: AccessFact }[] = [];
  for (const [k, f] of a) {
    const old = b.get(k);
    if (!old) {
      if (f.limit === undefined) added.push(f);
      continue;
    }
    if (f.limit !== undefined && old.limit !== undefined && f.limit > old.limit) raised.push({ before: old, after: f });
    if (f.limit !== undefined && old.limit !== undefined && f.limit < old.limit) lowered.push({ before: old, after: f });
  }
  for (const [k, f] of b) {
    if (a.has(k)) continue;
    if (f.limit !== undefined) raised.push({ before: f });
    else removed.push(f);
  }
  return { added, removed, raised, lowered };
}
