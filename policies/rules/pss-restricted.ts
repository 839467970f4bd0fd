import { violation } from '../object-ref';
import { podSpecsOf, type ContainerView, type PodSpecView } from '../pod-specs';
import { isTenantNamespaceObject } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'pss-restricted';

/** Volume types the restricted Pod Security profile allows. */
const _VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const _SECCOMP = new Set(['RuntimeDefault', 'Localhost']);
/** Sysctls the baseline profile allows (namespaced, isolated per pod). */
const _SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
/** SELinux types the baseline profile allows; user and role may not be set. */
const _SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const _APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** Pods meet the Pod Security Standards "restricted" profile, and tenant namespaces enforce it. */
export const pssRestricted: Rule = {
  id: ID,
  description: 'Pod templates of every kind (custom resources included) follow the restricted Pod Security profile (non-root, no privilege escalation, drop ALL, seccomp, core volumes, no host namespaces/ports/paths, no unconfined AppArmor, unmasked /proc, privileged SELinux type or unsafe sysctls); tenant namespaces enforce it, and no namespace but the allowed ones enforces privileged.',
  severity: 'critical',
  remediation: 'Set runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault; remove host* fields and hostPath volumes; label tenant namespaces pod-security.kubernetes.io/enforce: restricted.',
  enforcement: MANDATORY,
  configKeys: ['platformNamespaces', 'privilegedNamespaces'],
  check: (obj, ctx) => {
    if (obj.kind === 'Namespace') return _checkNamespace(obj, ctx);
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) _checkPod(obj, pod, out);
    return out;
  },
};

function _checkNamespace(ns: K8sObject, ctx: RuleContext): Violation[] {
  const level = ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  if (!isTenantNamespaceObject(ctx, ns)) {
    return level === 'privileged' && !ctx.config.privilegedNamespaces.includes(ns.metadata?.name ?? '')
      ? [violation(ID, ns, 'metadata.labels["pod-security.kubernetes.io/enforce"]', `namespace "${ns.metadata?.name}" enforces "privileged": any pod may run there`,
        'enforce "restricted" (or "baseline" where a component needs it), or list the namespace in privilegedNamespaces')]
      : [];
  }
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
  _checkHardening(podSc, pod.securityContextPath, push);
  const sysctls = podSc.sysctls;
  if (Array.isArray(sysctls)) {
    sysctls.forEach((sc: any, i: number) => {
      if (!_SAFE_SYSCTLS.has(sc?.name)) push(`${pod.securityContextPath}.sysctls[${i}].name`, `sysctl "${sc?.name}" is not in the safe set`, 'remove it; only namespaced safe sysctls (e.g. net.ipv4.ip_local_port_range) are allowed');
    });
  }
  const annotations = obj.kind === 'Pod' ? obj.metadata?.annotations : pod.spec === obj.spec?.template?.spec ? obj.spec?.template?.metadata?.annotations : undefined;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (key.startsWith(_APPARMOR_ANNOTATION) && value === 'unconfined') {
      push(`${pod.labelsPath.replace(/labels$/, 'annotations')}["${key}"]`, 'AppArmor profile "unconfined"', 'use runtime/default or a localhost/ profile');
    }
  }
  for (const c of pod.containers) {
    _checkContainer(c, podSc, push);
    _checkHardening(c.container.securityContext ?? {}, `${c.path}.securityContext`, push);
  }
}

/** Baseline-profile fields of a pod or container securityContext: AppArmor, SELinux, procMount. */
function _checkHardening(sc: any, scPath: string, push: (path: string, message: string, fix: string) => void): void {
  if (sc.appArmorProfile?.type === 'Unconfined') push(`${scPath}.appArmorProfile.type`, 'AppArmor profile Unconfined', 'use appArmorProfile.type: RuntimeDefault (or Localhost)');
  const se = sc.seLinuxOptions;
  if (se && typeof se === 'object') {
    if (!_SELINUX_TYPES.has(se.type ?? '')) push(`${scPath}.seLinuxOptions.type`, `SELinux type "${se.type}" is not a container type (spc_t runs unconfined)`, 'remove seLinuxOptions.type or use container_t');
    for (const f of ['user', 'role'] as const) if (se[f] !== undefined && se[f] !== '') push(`${scPath}.seLinuxOptions.${f}`, `SELinux ${f} may not be set`, `remove seLinuxOptions.${f}`);
  }
  if (sc.procMount !== undefined && sc.procMount !== 'Default') push(`${scPath}.procMount`, `procMount "${sc.procMount}" unmasks /proc`, 'remove procMount (Default)');
  if (sc.windowsOptions?.hostProcess === true) push(`${scPath}.windowsOptions.hostProcess`, 'hostProcess runs on the host', 'remove windowsOptions.hostProcess');
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
