/**
 * Egress for the endpoints an agent's configuration names (model providers, MCP servers, memory
 * stores). A NetworkPolicy cannot name a host: an in-cluster Service (`<svc>.<ns>.svc[.<domain>]`)
 * becomes a rule to its namespace, an IP literal a /32, and an external host is reached through the
 * agent's `egress` entries on its port, or, when none has that port, through a rule to public
 * addresses only (every IANA special-purpose range excluded) on that port alone. The hosts are
 * listed in the policy's `agentruntime.io/egress-endpoints` annotation for reviews.
 */
import { SPECIAL_PURPOSE_RANGES } from './_cidr';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _NAMESPACE_NAME_LABEL, _tcp, EgressCidr } from './_network-peers';

/** An endpoint and the config key that names it. */
export interface _Endpoint {
  readonly url: string;
  readonly field: string;
}

/** IPv4 special-purpose ranges (IANA registry): never a provider's public endpoint. */
export const SPECIAL_PURPOSE_IPV4 = SPECIAL_PURPOSE_RANGES.filter((c) => !c.includes(':'));

/** What an agent's endpoints need: extra egress rules, problems, and `host:port` for the annotation. */
export interface _EndpointEgress {
  readonly rules: k8s.NetworkPolicyEgressRule[];
  readonly errors: string[];
  readonly external: string[];
}

/** Egress rules and checks for `endpoints`, given the agent's CIDR `egress` entries. */
export function _endpointEgress(endpoints: readonly _Endpoint[], egress: readonly EgressCidr[], clusterDomain: string): _EndpointEgress {
  const rules: k8s.NetworkPolicyEgressRule[] = [];
  const errors: string[] = [];
  const external = new Set<string>();
  const seen = new Set<string>();
  const publicPorts = new Set<number>();
  for (const e of endpoints) {
    let u: URL;
    try {
      u = new URL(e.url);
    } catch {
      errors.push(`${e.field}: "${e.url}" is not a URL`);
      continue;
    }
    const port = Number(u.port || (u.protocol === 'http:' ? 80 : 443));
    const host = u.hostname.toLowerCase();
    const inCluster = new RegExp(`^[a-z0-9-]+\\.([a-z0-9-]+)\\.svc(\\.${clusterDomain.replace(/\./g, '\\.')})?$`).exec(host);
    const key = `${host}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (inCluster) {
      rules.push({ to: [{ namespaceSelector: { matchLabels: { [_NAMESPACE_NAME_LABEL]: inCluster[1] } } }], ports: _tcp(port) });
    } else if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
      rules.push({ to: [{ ipBlock: { cidr: `${host}/32` } }], ports: _tcp(port) });
    } else {
      external.add(key);
      if (!egress.some((c) => (c.ports ?? [443]).includes(port))) publicPorts.add(port);
    }
  }
  if (publicPorts.size) rules.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...SPECIAL_PURPOSE_IPV4] } }], ports: _tcp(...[...publicPorts].sort((a, b) => a - b)) });
  return { rules, errors, external: [...external].sort() };
}
