import { violation } from '../object-ref';
import { POD_KINDS, podSpecsOf, type ContainerView, type PodSpecView } from '../pod-specs';
import { isTenantNamespace } from '../roles';
import { MANDATORY, type K8sObject, type Rule, type Violation } from '../types';

const ID = 'pss-restricted';

/** Volume types the restricted Pod Security profile allows. */
const _VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const _SECCOMP = new Set(['RuntimeDefault', 'Localhost']);

/** Pods meet the Pod Security Standards "restricted" profile, and tenant namespaces enforce it. */
export const pssRestricted: Rule = {
  id: ID,
  description: 'Pod templates follow the restricted Pod Security profile (non-root, no privilege escalation, drop ALL, seccomp, core volumes, no host namespaces/ports/paths); tenant namespaces enforce it.',
  severity: 'critical',
  remediation: 'Set runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault; remove host* fields and hostPath volumes; label tenant namespaces pod-security.kubernetes.io/enforce: restricted.',
  enforcement: MANDATORY,
  kinds: [...POD_KINDS, 'Namespace'],
  check: (obj) => {
    if (obj.kind === 'Namespace') return _checkNamespace(obj);
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) _checkPod(obj, pod, out);
    return out;
  },
};

function _checkNamespace(ns: K8sObject): Violation[] {
  if (!isTenantNamespace(ns)) return [];
  const level = ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  if (level === 'restricted') return [];
  return [violation(ID, ns, 'metadata.labels["pod-security.kubernetes.io/enforce"]',
    level === undefined ? 'tenant namespace does not enforce a Pod Security level' : `tenant namespace enforces "${level}", not "restricted"`,
    'label the namespace pod-security.kubernetes.io/enforce: restricted (and enforce-version pinned to the cluster minor)')];
}

function _checkPod(obj: K8sObject, pod: PodSpecView, out: Violation[]): void {
  const push = (path: string, message: string, fix: string): void => {
    out.push(violation(ID, obj, path, message, fix));
  };
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod.spec[host] === true) push(`${pod.path}.${host}`, `${host}: true shares the node's namespaces`, `remove ${pod.path}.${host}`);
  }
  const volumes = pod.spec.volumes;
  if (Array.isArray(volumes)) {
    volumes.forEach((v: any, i: number) => {
      for (const key of Object.keys(v ?? {})) {
        if (key !== 'name' && !_VOLUME_TYPES.has(key)) {
          push(`${pod.path}.volumes[${i}].${key}`, `volume type "${key}" is not allowed by the restricted profile`, 'use configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, ephemeral or csi');
        }
      }
    });
  }
  const podSc = pod.securityContext ?? {};
  if (podSc.runAsUser === 0) push(`${pod.securityContextPath}.runAsUser`, 'pod runs as user 0 (root)', 'set runAsUser to a non-zero uid, or remove it and set runAsNonRoot: true');
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp !== undefined && !_SECCOMP.has(podSeccomp)) {
    push(`${pod.securityContextPath}.seccompProfile.type`, `seccomp profile "${podSeccomp}" is not allowed`, 'use seccompProfile.type: RuntimeDefault');
  }
  for (const c of pod.containers) _checkContainer(c, podSc, push);
}

function _checkContainer(c: ContainerView, podSc: any, push: (path: string, message: string, fix: string) => void): void {
  const sc = c.container.securityContext ?? {};
  const scPath = `${c.path}.securityContext`;
  if (sc.privileged === true) push(`${scPath}.privileged`, 'container is privileged', `remove ${scPath}.privileged or set it to false`);
  if (sc.allowPrivilegeEscalation !== false) {
    push(`${scPath}.allowPrivilegeEscalation`, sc.allowPrivilegeEscalation === true ? 'allowPrivilegeEscalation: true' : 'allowPrivilegeEscalation is not set to false', `set ${scPath}.allowPrivilegeEscalation: false`);
  }
  const drop: unknown = sc.capabilities?.drop;
  if (!Array.isArray(drop) || !drop.includes('ALL')) push(`${scPath}.capabilities.drop`, 'capabilities are not dropped (drop must include ALL)', `set ${scPath}.capabilities.drop: [ALL]`);
  const add: unknown = sc.capabilities?.add;
  if (Array.isArray(add)) {
    add.forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') push(`${scPath}.capabilities.add[${i}]`, `capability "${cap}" may not be added`, 'add only NET_BIND_SERVICE, or nothing');
    });
  }
  const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  if (nonRoot !== true) push(`${scPath}.runAsNonRoot`, 'runAsNonRoot is not true (neither on the container nor on the pod)', `set ${scPath}.runAsNonRoot: true (or on the pod securityContext)`);
  if (sc.runAsUser === 0) push(`${scPath}.runAsUser`, 'container runs as user 0 (root)', 'set a non-zero runAsUser');
  const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
  if (!_SECCOMP.has(seccomp)) {
    push(`${scPath}.seccompProfile.type`, seccomp === undefined ? 'no seccomp profile (neither on the container nor on the pod)' : `seccomp profile "${seccomp}" is not allowed`,
      'set seccompProfile.type: RuntimeDefault on the pod or container securityContext');
  }
  const ports = c.container.ports;
  if (Array.isArray(ports)) {
    ports.forEach((p: any, i: number) => {
      if (p?.hostPort) push(`${c.path}.ports[${i}].hostPort`, `hostPort ${p.hostPort} binds a node port`, `remove ${c.path}.ports[${i}].hostPort and expose through a Service`);
    });
  }
}
