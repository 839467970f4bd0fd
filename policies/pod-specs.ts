/** Finds the pod specs inside any workload kind, with their field paths, so pod rules are written once. */
import type { K8sObject } from './types';

/** A container (or kagent's implicit agent container) and its field path. */
export interface ContainerView {
  readonly path: string;
  readonly container: any;
  readonly init: boolean;
  /** kagent's agent container: described by the `deployment` block, image chosen by the controller unless BYO. */
  readonly implicit: boolean;
}

/** A pod spec found inside an object. */
export interface PodSpecView {
  /** Path of the pod spec (for a kagent Agent, of its `deployment` block). */
  readonly path: string;
  readonly spec: any;
  /** Pod-level security context and its path. */
  readonly securityContext: any;
  readonly securityContextPath: string;
  /** Labels of the pods and their path. */
  readonly labels: Record<string, string> | undefined;
  readonly labelsPath: string;
  readonly containers: readonly ContainerView[];
  /** kagent Agent: there is no pod spec in the object, only the fields the controller copies. */
  readonly implicit: boolean;
}

/** Kinds whose pod template is at `spec.template`. */
const _TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

/** Kinds that carry pods: rules that read pod specs list these. */
export const POD_KINDS: readonly string[] = [..._TEMPLATE_KINDS, 'Pod', 'CronJob', 'Sandbox', 'SandboxTemplate', 'Agent'];

const _cache = new WeakMap<object, readonly PodSpecView[]>();

/** The pod specs of an object (none for kinds without pods). Computed once per object. */
export function podSpecsOf(obj: K8sObject): readonly PodSpecView[] {
  let views = _cache.get(obj);
  if (!views) {
    views = _compute(obj);
    _cache.set(obj, views);
  }
  return views;
}

function _compute(obj: K8sObject): readonly PodSpecView[] {
  const spec = obj.spec;
  switch (true) {
    case obj.kind === 'Pod':
      return _view(spec, 'spec', obj.metadata, 'metadata');
    case _TEMPLATE_KINDS.has(obj.kind ?? ''):
      return _view(spec?.template?.spec, 'spec.template.spec', spec?.template?.metadata, 'spec.template.metadata');
    case obj.kind === 'CronJob': {
      const t = spec?.jobTemplate?.spec?.template;
      return _view(t?.spec, 'spec.jobTemplate.spec.template.spec', t?.metadata, 'spec.jobTemplate.spec.template.metadata');
    }
    case obj.kind === 'Sandbox' || obj.kind === 'SandboxTemplate':
      return _view(spec?.podTemplate?.spec, 'spec.podTemplate.spec', spec?.podTemplate?.metadata, 'spec.podTemplate.metadata');
    case obj.kind === 'Agent' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('kagent.dev/'):
      return _kagent(obj);
    default:
      return [];
  }
}

function _view(spec: any, path: string, metadata: any, metadataPath: string): PodSpecView[] {
  if (!spec || typeof spec !== 'object') return [];
  const containers: ContainerView[] = [];
  for (const [field, init] of [['initContainers', true], ['containers', false], ['ephemeralContainers', false]] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) containers.push({ path: `${path}.${field}[${i}]`, container: list[i] ?? {}, init, implicit: false });
  }
  return [{
    path, spec, securityContext: spec.securityContext, securityContextPath: `${path}.securityContext`,
    labels: metadata?.labels, labelsPath: `${metadataPath}.labels`, containers, implicit: false,
  }];
}

/** kagent v1alpha2 Agent: `spec.declarative.deployment` or `spec.byo.deployment` become a pod spec. */
function _kagent(obj: K8sObject): PodSpecView[] {
  const byo = obj.spec?.type === 'BYO' || obj.spec?.byo !== undefined;
  const path = byo ? 'spec.byo.deployment' : 'spec.declarative.deployment';
  const dep = (byo ? obj.spec?.byo?.deployment : obj.spec?.declarative?.deployment) ?? {};
  const containers: ContainerView[] = [{ path, container: dep, init: false, implicit: true }];
  const extra = dep.extraContainers;
  if (Array.isArray(extra)) {
    for (let i = 0; i < extra.length; i++) containers.push({ path: `${path}.extraContainers[${i}]`, container: extra[i] ?? {}, init: false, implicit: false });
  }
  return [{
    path, spec: dep, securityContext: dep.podSecurityContext, securityContextPath: `${path}.podSecurityContext`,
    labels: dep.labels, labelsPath: `${path}.labels`, containers, implicit: true,
  }];
}
