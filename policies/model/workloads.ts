/**
 * Every workload of the effective state as a principal: its pods' labels, ports and ServiceAccount,
 * and its class, which comes from what the object IS (its kind, namespace, name and image), never
 * from the labels it wears, so a pod that wears another workload's labels is seen as itself.
 */
import { LABEL } from '../../constructs/labels';
import type { ObjectIndex } from '../object-index';
import { podSpecsOf, type PodSpecView } from '../pod-specs';
import { containerPorts, type Pod } from '../reachability';
import { isNacos } from '../roles';
import type { PolicyConfig } from '../config';
import type { K8sObject } from '../types';

/** Principal classes the invariants are stated for. */
export type WorkloadClass = 'nacos' | 'controller' | 'gateway' | 'platform' | 'agent' | 'sandbox' | 'tenant-workload' | 'outside';

/** A workload: one representative pod per pod spec of an object. */
export interface Workload {
  readonly obj: K8sObject;
  readonly view: PodSpecView;
  readonly pod: Pod;
  readonly cls: WorkloadClass;
  /** `namespace/serviceAccount` its pods run as. */
  readonly serviceAccount: string;
  /** For agents: the agent it is (the object's own name, `-canary` stripped for the canary track); for sandboxes: the pool. */
  readonly self: string;
}

/** Namespace of the controller, the gateway and the registry (the platform's facts). */
export const CONTROLLER = { namespace: 'agent-runtime', name: 'agent-runtime-controller' } as const;
export const GATEWAY_NS = 'higress-system';
export const REGISTRY_NS = 'nacos';

/** Kinds whose pods are sandboxes (the agent-sandbox kinds), whatever their labels say. */
const _SANDBOX_KINDS = new Set(['Sandbox', 'SandboxTemplate', 'SandboxClaim']);

/** The workloads of the set, computed once per index. */
export function workloadsOf(index: ObjectIndex, config: PolicyConfig): readonly Workload[] {
  return index.memo('model:workloads', () => {
    const out: Workload[] = [];
    let next = 1;
    for (const obj of index.all) {
      if (obj.kind === 'Pod' && obj.metadata?.ownerReferences) continue;
      for (const view of podSpecsOf(obj)) {
        const ns = obj.metadata?.namespace ?? 'default';
        const i = next++;
        const ip = `10.244.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`;
        const labels = _podLabels(obj, view);
        const ports = view.implicit ? [{ port: 8080, protocol: 'TCP' }] : containerPorts(view.spec?.containers);
        const cls = classOf(obj, ns, config);
        out.push({ obj, view, cls, serviceAccount: `${ns}/${_serviceAccount(obj, view)}`, self: selfOf(obj),
          pod: { namespace: ns, name: `${obj.kind}/${obj.metadata?.name ?? ''}`, labels, ports, ip } });
      }
    }
    return out;
  });
}

/** The class of a pod-carrying object, from its kind, namespace, name and image. */
export function classOf(obj: K8sObject, ns: string, config: PolicyConfig): WorkloadClass {
  if (ns === REGISTRY_NS && isNacos(obj) && _runsNacos(obj)) return 'nacos';
  if (ns === CONTROLLER.namespace && obj.metadata?.name === CONTROLLER.name && obj.kind === 'Deployment') return 'controller';
  if (ns === GATEWAY_NS) return 'gateway';
  if (config.platformNamespaces.includes(ns)) return 'platform';
  if (ns === 'default') return 'outside';
  if (_SANDBOX_KINDS.has(obj.kind ?? '')) return 'sandbox';
  return obj.kind === 'Agent' || _TEMPLATE_AGENT_KINDS.has(obj.kind ?? '') ? 'agent' : 'tenant-workload';
}

/** Kinds an agent runs as (the constructs emit Deployments and kagent Agents). */
const _TEMPLATE_AGENT_KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout']);

/** The agent (or sandbox pool) an object is: its name, without `-canary` for a canary. */
export function selfOf(obj: K8sObject): string {
  const name = obj.metadata?.name ?? '';
  return name.endsWith('-canary') ? name.slice(0, -'-canary'.length) : name;
}

function _runsNacos(obj: K8sObject): boolean {
  return podSpecsOf(obj).some((v) => v.containers.some((c) => typeof c.container?.image === 'string' && /(^|\/)nacos-server[:@]/.test(c.container.image)));
}

/** Pod labels; kagent adds its own `app`/`kagent` labels, not ones that would widen a selector. */
function _podLabels(obj: K8sObject, view: PodSpecView): Record<string, string> {
  const l = view.labels && typeof view.labels === 'object' ? view.labels : {};
  return obj.kind === 'Agent' ? { ...l, app: 'kagent', kagent: obj.metadata?.name ?? '' } : { ...l };
}

function _serviceAccount(obj: K8sObject, view: PodSpecView): string {
  const sa = view.spec?.serviceAccountName ?? view.spec?.serviceAccount;
  if (typeof sa === 'string' && sa !== '') return sa;
  // kagent creates a ServiceAccount named after the Agent when none is given.
  return obj.kind === 'Agent' ? obj.metadata?.name ?? 'default' : 'default';
}

/** Whether pod labels claim to be the platform's registry, controller or gateway. */
export function platformIdentityClaimed(labels: Record<string, string>): 'nacos' | 'controller' | 'gateway' | undefined {
  if (labels[LABEL.name] === 'nacos' && labels[LABEL.component] === 'registry') return 'nacos';
  if (labels[LABEL.name] === CONTROLLER.name) return 'controller';
  if (labels.app === 'higress-gateway' || labels.app === 'higress-controller') return 'gateway';
  return undefined;
}
