/** Small builders for NetworkPolicy peers and ports, shared by tenants, agents and sandboxes. */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _port } from './_k8s-values';
import { cidrContains, cidrProblem, isBroad, missingExcepts, parseCidr } from './_cidr';
import { Field, refuse, sub } from './errors';

/** Label Kubernetes sets on every Namespace (1.21+); the only namespace label we trust. */
export const _NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Peer: pods with `labels` in namespace `namespace`. */
export function _podsIn(namespace: string, labels: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { [_NAMESPACE_NAME_LABEL]: namespace } },
    podSelector: { matchLabels: { ...labels } },
  };
}

/** TCP ports of a rule. */
export function _tcp(...ports: number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: 'TCP', port: _port(port) }));
}

/** Egress rule to cluster DNS (kube-dns in kube-system), UDP and TCP 53. */
export function _dnsEgressRule(): k8s.NetworkPolicyEgressRule {
  return {
    to: [_podsIn('kube-system', { 'k8s-app': 'kube-dns' })],
    ports: [{ protocol: 'UDP', port: _port(53) }, ..._tcp(53)],
  };
}

/** An egress destination outside the cluster, by CIDR. */
export interface EgressCidr {
  /** Destination range, e.g. `151.101.0.0/16`. */
  readonly cidr: string;
  /** Ranges excluded from `cidr`. @default - none */
  readonly except?: readonly string[];
  /** TCP ports. @default [443] */
  readonly ports?: readonly number[];
}

/** Egress rules for CIDR destinations; refuses malformed CIDRs naming `field`. */
export function _cidrEgressRules(
  list: readonly EgressCidr[], field: Field,
  /** `exceptRanges`: ranges excepted from every CIDR that contains them (the special-purpose ones: a CIDR meant as "the internet" stays the internet). */
  opts: { refuseBroad?: boolean; exceptRanges?: readonly string[] } = {},
): k8s.NetworkPolicyEgressRule[] {
  return list.map((e, i) => {
    for (const c of [e.cidr, ...(e.except ?? [])]) {
      const problem = cidrProblem(c);
      if (problem) throw refuse(sub(field, i, ...(c === e.cidr ? ['cidr'] : ['except', (e.except ?? []).indexOf(c)])), c, `is not a CIDR; use e.g. "151.101.0.0/16" (it ${problem})`);
    }
    const outer = parseCidr(e.cidr);
    for (const x of e.except ?? []) {
      // The API server rejects an except outside its cidr.
      const inner = parseCidr(x);
      if (!cidrContains(outer, inner) || inner.prefix === outer.prefix) throw refuse(sub(field, i, 'except', (e.except ?? []).indexOf(x)), x, `is not strictly inside cidr "${e.cidr}"; list only sub-ranges of it`);
    }
    if (opts.refuseBroad && isBroad(outer)) {
      throw refuse(sub(field, i, 'cidr'), e.cidr, 'is (nearly) the whole internet; sandboxes run untrusted code, so name the destinations, e.g. "151.101.0.0/16"');
    }
    const except = [...(e.except ?? []), ...missingExcepts(e.cidr, e.except ?? [], opts.exceptRanges ?? [])];
    return {
      to: [{ ipBlock: { cidr: e.cidr, ...(except.length ? { except } : {}) } }],
      ports: _tcp(...(e.ports ?? [443])),
    };
  });
}
