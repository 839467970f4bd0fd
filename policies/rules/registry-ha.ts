import { matchesSelector } from '../label-selector';
import { violation } from '../object-ref';
import { isNacos } from '../roles';
import type { K8sObject, Rule, RuleContext, Violation } from '../types';

const ID = 'registry-ha';

/** Ports Nacos peers use between each other (HTTP, client gRPC, raft gRPC, JRaft). */
const _PEER_PORTS = [8848, 9848, 9849, 7848];

/** Nacos runs highly available: odd replicas >= 3, hostname anti-affinity, volumes, headless Service, quorum PDB, peer ports open. */
export const registryHa: Rule = {
  id: ID,
  description: 'The Nacos StatefulSet has odd replicas >= 3, required hostname anti-affinity, PVC-backed data (or MySQL), a headless Service with publishNotReadyAddresses, a PDB with minAvailable = quorum, and peer ports 8848/9848/9849/7848 open.',
  severity: 'high',
  remediation: 'Use 3 (or 5) replicas, requiredDuringScheduling pod anti-affinity on kubernetes.io/hostname, volumeClaimTemplates for /home/nacos/data, a headless Service with publishNotReadyAddresses: true, a PDB with minAvailable: floor(n/2)+1, and a NetworkPolicy admitting peers on 8848, 9848, 9849 and 7848.',
  enforcement: { dev: 'advisory', staging: 'advisory', prod: 'mandatory' },
  kinds: ['StatefulSet'],
  check: (sts) => {
    if (!isNacos(sts)) return [];
    const out: Violation[] = [];
    const replicas = _replicas(sts);
    if (replicas < 3 || replicas % 2 === 0) {
      out.push(violation(ID, sts, 'spec.replicas', `Nacos has ${replicas} replica(s): JRaft needs an odd number >= 3`, 'set spec.replicas to 3 or 5'));
    }
    const pod = sts.spec?.template?.spec ?? {};
    const required: any[] = pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!required.some((t) => t?.topologyKey === 'kubernetes.io/hostname')) {
      out.push(violation(ID, sts, 'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution',
        'no required pod anti-affinity on kubernetes.io/hostname: two Nacos peers may share a node', 'add a requiredDuringSchedulingIgnoredDuringExecution term with topologyKey kubernetes.io/hostname selecting the Nacos pods'));
    }
    const mysql = (pod.containers ?? []).some((c: any) => (c?.env ?? []).some((e: any) => e?.name === 'SPRING_DATASOURCE_PLATFORM' && e?.value === 'mysql'));
    if (!mysql && !(Array.isArray(sts.spec?.volumeClaimTemplates) && sts.spec.volumeClaimTemplates.length > 0)) {
      out.push(violation(ID, sts, 'spec.volumeClaimTemplates', 'embedded storage without a per-pod PersistentVolumeClaim: data is lost on restart',
        'add a volumeClaimTemplate mounted at /home/nacos/data (or use MySQL)'));
    }
    return out;
  },
  checkSet: (sts, ctx) => (isNacos(sts) ? [..._checkService(sts, ctx), ..._checkPdb(sts, ctx), ..._checkPeers(sts, ctx)] : []),
};

function _replicas(sts: K8sObject): number {
  return typeof sts.spec?.replicas === 'number' ? sts.spec.replicas : 1;
}

function _checkService(sts: K8sObject, ctx: RuleContext): Violation[] {
  const ns = sts.metadata?.namespace ?? '';
  const name = sts.spec?.serviceName;
  const svc = typeof name === 'string' ? ctx.index.get('Service', ns, name) : undefined;
  if (!svc) {
    return [violation(ID, sts, 'spec.serviceName', `headless Service "${name ?? ''}" is missing`, 'add a Service with clusterIP: None and publishNotReadyAddresses: true, and name it in spec.serviceName')];
  }
  const out: Violation[] = [];
  if (svc.spec?.clusterIP !== 'None') out.push(violation(ID, svc, 'spec.clusterIP', 'the Nacos peer Service is not headless', 'set spec.clusterIP: None'));
  if (svc.spec?.publishNotReadyAddresses !== true) {
    out.push(violation(ID, svc, 'spec.publishNotReadyAddresses', 'peers cannot resolve each other before they are ready', 'set spec.publishNotReadyAddresses: true'));
  }
  return out;
}

function _checkPdb(sts: K8sObject, ctx: RuleContext): Violation[] {
  const labels = sts.spec?.template?.metadata?.labels;
  const pdbs = ctx.index.inNamespace(sts.metadata?.namespace ?? '', 'PodDisruptionBudget').filter((p) => p.spec?.selector && matchesSelector(p.spec.selector, labels));
  const replicas = _replicas(sts);
  const quorum = Math.floor(replicas / 2) + 1;
  // A single server has no quorum to keep; its replica count is reported on its own.
  if (pdbs.length === 0 && replicas < 2) return [];
  if (pdbs.length === 0) return [violation(ID, sts, 'metadata.name', 'no PodDisruptionBudget selects the Nacos pods', `add a PodDisruptionBudget with minAvailable: ${quorum} selecting the Nacos pods`)];
  const out: Violation[] = [];
  for (const pdb of pdbs) {
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    if (maxUnavailable === 0 || maxUnavailable === '0' || maxUnavailable === '0%') {
      out.push(violation(ID, pdb, 'spec.maxUnavailable', 'maxUnavailable: 0 blocks every node drain', `use minAvailable: ${quorum}`));
    } else if (minAvailable !== undefined && (minAvailable !== quorum || minAvailable >= replicas)) {
      out.push(violation(ID, pdb, 'spec.minAvailable', `minAvailable is ${minAvailable}, quorum of ${replicas} replicas is ${quorum}` + (minAvailable >= replicas ? ': blocks every node drain' : ''),
        minAvailable >= replicas ? `set spec.minAvailable below ${replicas} (quorum ${quorum}) and use an odd replica count` : `set spec.minAvailable: ${quorum}`));
    }
  }
  return out;
}

/** When a NetworkPolicy restricts ingress to the Nacos pods, the peer ports must be admitted. */
function _checkPeers(sts: K8sObject, ctx: RuleContext): Violation[] {
  const labels = sts.spec?.template?.metadata?.labels;
  const policies = ctx.index.inNamespace(sts.metadata?.namespace ?? '', 'NetworkPolicy').filter((p) => {
    const spec = p.spec ?? {};
    const types: string[] = spec.policyTypes ?? ['Ingress'];
    return types.includes('Ingress') && matchesSelector(spec.podSelector, labels);
  });
  if (policies.length === 0) return [];
  const named = new Map<string, number>();
  for (const c of sts.spec?.template?.spec?.containers ?? []) for (const cp of c?.ports ?? []) if (cp?.name) named.set(cp.name, cp.containerPort);
  const open = new Set<number>();
  for (const p of policies) {
    for (const rule of Array.isArray(p.spec?.ingress) ? p.spec.ingress : []) {
      if (!Array.isArray(rule?.ports) || rule.ports.length === 0) return [];
      for (const port of rule.ports) {
        const n = typeof port?.port === 'string' ? named.get(port.port) : port?.port;
        if (typeof n === 'number') open.add(n);
      }
    }
  }
  const missing = _PEER_PORTS.filter((p) => !open.has(p));
  return missing.length === 0 ? [] : [violation(ID, sts, 'metadata.name', `NetworkPolicies of namespace "${sts.metadata?.namespace}" do not admit Nacos peer port(s) ${missing.join(', ')}`,
    `allow ingress from the Nacos pods on ports ${_PEER_PORTS.join(', ')}`)];
}
