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
const _TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController', 'Rollout']);

/** Kinds known to carry pods (documentation and tests); the extractor also finds pod specs in any other kind. */
export const POD_KINDS: readonly string[] = [..._TEMPLATE_KINDS, 'Pod', 'PodTemplate', 'CronJob', 'ScaledJob', 'Sandbox', 'SandboxTemplate', 'Agent'];

/** Kinds known to hold no pod spec: skipped without a search (they are most of a platform). */
const _NO_PODS = new Set([
  'Namespace', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'Role', 'ClusterRole',
  'RoleBinding', 'ClusterRoleBinding', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'IngressClass', 'RuntimeClass',
  'PriorityClass', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Endpoints', 'EndpointSlice', 'ScaledObject',
  'WasmPlugin', 'McpBridge', 'ModelConfig', 'RemoteMCPServer', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'SandboxWarmPool',
  'SandboxClaim', 'CustomResourceDefinition', 'Event', 'Lease',
]);

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
  const kind = obj.kind ?? '';
  switch (true) {
    case kind === 'Pod':
      return _view(spec, 'spec', obj.metadata, 'metadata');
    case _TEMPLATE_KINDS.has(kind):
      return _view(spec?.template?.spec, 'spec.template.spec', spec?.template?.metadata, 'spec.template.metadata');
    case kind === 'PodTemplate':
      return _view(obj.template?.spec, 'template.spec', obj.template?.metadata, 'template.metadata');
    case kind === 'CronJob': {
      const t = spec?.jobTemplate?.spec?.template;
      return _view(t?.spec, 'spec.jobTemplate.spec.template.spec', t?.metadata, 'spec.jobTemplate.spec.template.metadata');
    }
    case kind === 'ScaledJob': {
      const t = spec?.jobTargetRef?.template;
      return _view(t?.spec, 'spec.jobTargetRef.template.spec', t?.metadata, 'spec.jobTargetRef.template.metadata');
    }
    case kind === 'Sandbox' || kind === 'SandboxTemplate':
      return _view(spec?.podTemplate?.spec, 'spec.podTemplate.spec', spec?.podTemplate?.metadata, 'spec.podTemplate.metadata');
    case kind === 'Agent' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('kagent.dev/'):
      return _kagent(obj);
    case _NO_PODS.has(kind):
      return [];
    default:
      return _search(obj);
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

/**
 * kagent v1alpha2 Agent: `spec.declarative.deployment` and `spec.byo.deployment` each become a pod
 * spec. Both are checked whatever `spec.type` says: a compliant block must not hide the other.
 */
function _kagent(obj: K8sObject): PodSpecView[] {
  const views: PodSpecView[] = [];
  for (const variant of ['declarative', 'byo'] as const) {
    const block = obj.spec?.[variant];
    if (block === undefined || block === null) continue;
    const path = `spec.${variant}.deployment`;
    const dep = block.deployment ?? {};
    const containers: ContainerView[] = [{ path, container: dep, init: false, implicit: true }];
    const extra = dep.extraContainers;
    if (Array.isArray(extra)) {
      for (let i = 0; i < extra.length; i++) containers.push({ path: `${path}.extraContainers[${i}]`, container: extra[i] ?? {}, init: false, implicit: false });
    }
    views.push({
      path, spec: dep, securityContext: dep.podSecurityContext, securityContextPath: `${path}.podSecurityContext`,
      labels: dep.labels, labelsPath: `${path}.labels`, containers, implicit: true,
    });
  }
  if (views.length === 0) views.push(..._kagentEmpty());
  return views;
}

/** An Agent with neither block still gets the controller's defaults: one implicit view, so rules see it. */
function _kagentEmpty(): PodSpecView[] {
  const path = 'spec.declarative.deployment';
  return [{ path, spec: {}, securityContext: undefined, securityContextPath: `${path}.podSecurityContext`, labels: undefined, labelsPath: `${path}.labels`,
    containers: [{ path, container: {}, init: false, implicit: true }], implicit: true }];
}

/**
 * Any other kind (a custom resource with a pod template): every mapping with a `containers` list is a
 * pod spec, found by a bounded walk; the `metadata` next to it gives the pod labels.
 */
function _search(obj: K8sObject): PodSpecView[] {
  const out: PodSpecView[] = [];
  const walk = (v: any, path: string, parent: any, depth: number): void => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((e, i) => walk(e, `${path}[${i}]`, parent, depth + 1));
      return;
    }
    if (Array.isArray(v.containers) && path !== '') {
      const metaPath = path.endsWith('.spec') ? `${path.slice(0, -5)}.metadata` : `${path}.metadata`;
      out.push(..._view(v, path, path.endsWith('.spec') ? parent?.metadata : v.metadata, metaPath));
      return;
    }
    for (const k of Object.keys(v)) if (depth > 0 || (k !== 'metadata' && k !== 'status')) walk(v[k], path ? `${path}.${k}` : k, v, depth + 1);
  };
  walk(obj, '', undefined, 0);
  return out;
}
