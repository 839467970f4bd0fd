/**
 * What the cluster says Nacos should hold, as pure functions over the objects the informers
 * cache: one {@link AgentTrack} per agent-card ConfigMap (the constructs emit one per agent and
 * track) and the Ready endpoints of that track's EndpointSlices.
 */
import { cardUrls } from '../../constructs/agent-card-v1';
import { agentCardUrl } from '../../constructs/agent-routes';
import { AGENT_CARD_ROLE, ANNOTATION, LABEL } from '../../constructs/labels';
import { AgentCard, validateAgentCard } from '../agent-card';
import { cardFromConfigMap } from '../manifest-cards';

/** The metadata fields the controller reads. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A ConfigMap as the API server returns it. */
export interface ConfigMapObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly data?: Readonly<Record<string, string>>;
}

/** A discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSliceObject {
  readonly metadata: ObjectMeta;
  readonly addressType?: string;
  readonly endpoints?: readonly {
    readonly addresses: readonly string[];
    readonly conditions?: { readonly ready?: boolean | null; readonly terminating?: boolean | null };
    readonly targetRef?: { readonly kind?: string; readonly name?: string };
  }[];
  readonly ports?: readonly { readonly name?: string; readonly port?: number }[] | null;
}

/** One track of one agent, from its card ConfigMap. */
export interface AgentTrack {
  /** Work-queue key: `<k8s namespace>/<agent>`. */
  readonly key: string;
  readonly tenant: string;
  readonly namespace: string;
  readonly agent: string;
  /** `stable` or `canary`. */
  readonly track: string;
  /** Workload and Service name: `<agent>` or `<agent>-canary`. */
  readonly workload: string;
  readonly card: AgentCard;
  readonly nacosNamespace: string;
  readonly setAsLatest: boolean;
  readonly configMap: ConfigMapObject;
}

/**
 * Why a card ConfigMap is not used (the reason of its Warning Event): it does not parse or
 * validate; it claims another tenant; it lives in no tenant namespace of this platform.
 */
export type CardProblemReason = 'InvalidAgentCard' | 'CrossTenantAgentCard' | 'NotInTenantNamespace';

/** A card ConfigMap that cannot be used: which object, which field, why. */
export interface CardProblem {
  readonly configMap: ConfigMapObject;
  readonly field: string;
  readonly message: string;
  readonly reason: CardProblemReason;
}

/** What a card ConfigMap is bound to: the tenant of the namespace it lives in, and the platform's gateway. */
export interface CardBinding {
  /** Tenant of the ConfigMap's namespace ({@link TenantNamespaces}); `undefined`: no tenant namespace. */
  readonly tenant: string | undefined;
  /** The platform's `gatewayHost`: cards' urls are routes on it. */
  readonly gatewayHost: string;
}

/** Port name of the A2A endpoint on agent Services. */
export const A2A_PORT_NAME = 'a2a';

/** The key of the agent an object belongs to, or `undefined` when it carries no agent label. */
export function agentKeyOf(obj: { metadata: ObjectMeta }): string | undefined {
  const agent = obj.metadata.labels?.[LABEL.agent];
  return agent ? `${obj.metadata.namespace}/${agent}` : undefined;
}

/** True for the ConfigMaps the constructs emit for cards. */
export function isCardConfigMap(cm: ConfigMapObject): boolean {
  return cm.metadata.labels?.[LABEL.role] === AGENT_CARD_ROLE;
}

/**
 * Reads one card ConfigMap, bound to the tenant its namespace belongs to: the card registers in
 * that tenant's Nacos namespace only (an annotation or label naming another tenant is refused,
 * never followed), under the agent the ConfigMap is labelled with, and its `url` must be the route
 * the constructs emit for that tenant, agent and track ({@link agentCardUrl}). Every failure names the field.
 */
export function agentTrackOf(cm: ConfigMapObject, binding: CardBinding): AgentTrack | CardProblem {
  const m = cm.metadata;
  const problem = (field: string, message: string, reason: CardProblemReason = 'InvalidAgentCard'): CardProblem => ({ configMap: cm, field, message, reason });
  const tenant = binding.tenant;
  if (!tenant) {
    return problem('metadata.namespace', `"${m.namespace}" is no tenant namespace of this platform (its Namespace lacks the labels ${LABEL.role}: tenant and ${LABEL.tenant}: ${m.namespace} that TenantNamespace sets); cards register only from their tenant's namespace: move the ConfigMap there`, 'NotInTenantNamespace');
  }
  const claims: [string, string | undefined][] = [
    [`metadata.annotations["${ANNOTATION.nacosNamespace}"]`, m.annotations?.[ANNOTATION.nacosNamespace]],
    [`metadata.labels["${LABEL.tenant}"]`, m.labels?.[LABEL.tenant]],
  ];
  for (const [field, value] of claims) {
    if (value !== undefined && value !== tenant) {
      return problem(field, `names tenant ${JSON.stringify(value)}, but the ConfigMap lives in namespace "${m.namespace}" of tenant "${tenant}"; a card registers only in its own tenant's Nacos namespace: set it to "${tenant}" or remove it`, 'CrossTenantAgentCard');
    }
  }
  const agent = m.labels?.[LABEL.agent];
  if (!agent) return problem(`metadata.labels["${LABEL.agent}"]`, 'is missing; card ConfigMaps carry the agent name (the constructs set it)');
  const found = cardFromConfigMap({ kind: 'ConfigMap', ...cm }, 'cluster');
  if (found === undefined) return problem(`metadata.labels["${LABEL.role}"]`, `is not "${AGENT_CARD_ROLE}"`);
  if (typeof found === 'string') {
    const field = /annotation ([\w./-]+)/.exec(found)?.[1];
    return problem(field ? `metadata.annotations["${field}"]` : 'data["agent-card.json"]', found);
  }
  const failures = validateAgentCard(found.card);
  if (failures.length) {
    return problem(`data["agent-card.json"].${failures[0].field.replace(/^agentCard\.?/, '')}`, failures.map((f) => `${f.field} ${f.message}`).join('; '));
  }
  if (found.card.name !== agent) {
    return problem('data["agent-card.json"].name', `is ${JSON.stringify(found.card.name)} but the ConfigMap belongs to agent ${JSON.stringify(agent)}`);
  }
  const track = m.labels?.[LABEL.track] ?? 'stable';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(track)) return problem(`metadata.labels["${LABEL.track}"]`, `${JSON.stringify(track)} is not a DNS label`);
  const url = agentCardUrl(binding.gatewayHost, tenant, agent, track, found.card.version);
  const urls = cardUrls(found.card as Parameters<typeof cardUrls>[0]);
  const wrong = urls.findIndex((u) => u !== url);
  if (urls.length === 0 || wrong >= 0) {
    const interfaces = (found.card as { supportedInterfaces?: unknown[] }).supportedInterfaces?.length ?? 0;
    const field = wrong >= 0 && wrong < interfaces ? `supportedInterfaces[${wrong}].url` : 'url';
    return problem(`data["agent-card.json"].${field}`, `is ${JSON.stringify(urls[Math.max(wrong, 0)])}, but the route of ${tenant}/${agent} (${track}) is ${JSON.stringify(url)}; a card's url is the gateway route the platform emits for its tenant and agent: use that one`);
  }
  return {
    key: `${m.namespace}/${agent}`,
    tenant,
    namespace: m.namespace,
    agent,
    track,
    workload: track === 'stable' ? agent : `${agent}-${track}`,
    card: found.card,
    // TenantNamespace's Nacos namespace is the tenant's name.
    nacosNamespace: tenant,
    setAsLatest: found.setAsLatest,
    configMap: cm,
  };
}

/**
 * The Ready endpoints (`ip:port`) of one Service's slices, sorted and without duplicates. A
 * missing `ready` condition counts as ready (the EndpointSlice API says so); terminating ones never do.
 */
export function readyEndpoints(slices: readonly EndpointSliceObject[]): { ip: string; port: number }[] {
  const seen = new Map<string, { ip: string; port: number }>();
  for (const slice of slices) {
    if (slice.addressType && slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const port = (slice.ports ?? []).find((p) => p.name === A2A_PORT_NAME)?.port ?? (slice.ports ?? [])[0]?.port;
    if (!port) continue;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false || e.conditions?.terminating === true) continue;
      const ip = e.addresses[0];
      if (ip) seen.set(`${ip}:${port}`, { ip, port });
    }
  }
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}
