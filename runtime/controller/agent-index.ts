/**
 * The informers' objects indexed by agent key (`<namespace>/<agent>`): card ConfigMaps and
 * EndpointSlices, read through the tenant binding ({@link TenantNamespaces}). What a key should
 * hold in Nacos is computed from here, and nothing else.
 */
import { LABEL } from '../../constructs/labels';
import { AgentTrack, CardProblem, ConfigMapObject, EndpointSliceObject, ObjectMeta, agentKeyOf, agentTrackOf, isCardConfigMap, readyEndpoints } from './desired-state';
import type { TenantNamespaces } from './tenant-namespaces';

/** Label the EndpointSlice controller sets to the owning Service's name. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Label and value of the slices kube-controller-manager's EndpointSlice controller keeps (from a Service's selector and its Ready pods). */
const SLICE_MANAGER = { label: 'endpointslice.kubernetes.io/managed-by', value: 'endpointslice-controller.k8s.io' } as const;

/**
 * True for the slices instances come from: made by the EndpointSlice controller for an agent
 * Service (its labels are the Service's). A hand-made slice (any address) is not one of them.
 */
export function isAgentServiceSlice(slice: EndpointSliceObject): boolean {
  const labels = slice.metadata.labels ?? {};
  return labels[SLICE_MANAGER.label] === SLICE_MANAGER.value && labels[LABEL.role] === 'agent' && !!labels[SERVICE_NAME_LABEL];
}

/** What the cluster says about one agent key. */
export interface AgentView {
  /** Cards that parse and are bound to the key's tenant. */
  readonly tracks: readonly AgentTrack[];
  /** Card ConfigMaps that do not, with why. */
  readonly problems: readonly CardProblem[];
  /** Ready endpoints per Service name, from the slices of the key's own namespace only. */
  readonly endpoints: ReadonlyMap<string, readonly { ip: string; port: number }[]>;
  /** Some card ConfigMap of the key exists, used or not. */
  readonly present: boolean;
}

/** The index; fed by informer events, read by reconciles. */
export class AgentIndex {
  private readonly _cards = new Map<string, Map<string, ConfigMapObject>>();
  private readonly _slices = new Map<string, Map<string, EndpointSliceObject>>();
  /** Agent name -> keys with card ConfigMaps (the sweep asks by Nacos namespace and agent name). */
  private readonly _byName = new Map<string, Set<string>>();
  /** Kubernetes namespace -> keys (a namespace that changes tenancy requeues them). */
  private readonly _byNamespace = new Map<string, Set<string>>();
  /**
   * Parsed cards, once per object version and tenant (informers replace the object on every
   * change): the sweep asks about every agent name in every namespace, and parsing each card
   * again made a start of 1,000 tenants quadratic.
   */
  private readonly _parsed = new WeakMap<ConfigMapObject, { tenant: string | undefined; result: AgentTrack | CardProblem }>();

  constructor(
    private readonly _tenants: TenantNamespaces,
    private readonly _gatewayHost: string,
  ) {}

  /** Indexes a card ConfigMap event; returns the key to reconcile. */
  onConfigMap(cm: ConfigMapObject, deleted: boolean): string | undefined {
    if (!isCardConfigMap(cm)) return undefined;
    const key = agentKeyOf(cm);
    if (!key) return undefined;
    _index(this._cards, key, cm, deleted);
    const name = cm.metadata.labels![LABEL.agent];
    _multi(this._byName, name, key, this._cards.has(key));
    this._indexNamespace(cm.metadata.namespace, key);
    return key;
  }

  /** Indexes an EndpointSlice event; returns the key to reconcile. */
  onSlice(slice: EndpointSliceObject, deleted: boolean): string | undefined {
    const key = agentKeyOf(slice);
    if (!key) return undefined;
    // A slice that is not (or no longer) an agent Service's is dropped.
    _index(this._slices, key, slice, deleted || !isAgentServiceSlice(slice));
    this._indexNamespace(slice.metadata.namespace, key);
    return key;
  }

  /** Every key with a card or a slice. */
  keys(): string[] {
    return [...new Set([...this._cards.keys(), ...this._slices.keys()])];
  }

  /** Keys of objects in one Kubernetes namespace. */
  keysIn(namespace: string): string[] {
    return [...(this._byNamespace.get(namespace) ?? [])];
  }

  /** What the cluster says about `key`. */
  view(key: string): AgentView {
    const tracks: AgentTrack[] = [];
    const problems: CardProblem[] = [];
    const cms = [...(this._cards.get(key)?.values() ?? [])];
    for (const cm of cms) {
      const t = this.trackOf(cm);
      if ('card' in t) tracks.push(t);
      else problems.push(t);
    }
    const byService = new Map<string, EndpointSliceObject[]>();
    for (const s of this._slices.get(key)?.values() ?? []) {
      const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service) byService.set(service, [...(byService.get(service) ?? []), s]);
    }
    const endpoints = new Map([...byService].map(([service, slices]) => [service, readyEndpoints(slices)] as const));
    return { tracks, problems, endpoints, present: cms.length > 0 };
  }

  /**
   * Whether tenant `nacosNamespace` has a card ConfigMap of `agent`, valid or not (a broken card
   * must not get its agent's registered versions deleted). Only ConfigMaps in that tenant's own
   * namespace count: one elsewhere, whatever it claims, never keeps another tenant's cards alive.
   */
  isPresent(nacosNamespace: string, agent: string): boolean {
    for (const key of this._byName.get(agent) ?? []) {
      const namespace = key.slice(0, key.indexOf('/'));
      if (this._tenants.tenantOf(namespace) === nacosNamespace && this._cards.has(key)) return true;
    }
    return false;
  }

  /** The card of a ConfigMap, bound to the tenant of its namespace as it is now. */
  trackOf(cm: ConfigMapObject): AgentTrack | CardProblem {
    const tenant = this._tenants.tenantOf(cm.metadata.namespace);
    const cached = this._parsed.get(cm);
    if (cached && cached.tenant === tenant) return cached.result;
    const result = agentTrackOf(cm, { tenant, gatewayHost: this._gatewayHost });
    this._parsed.set(cm, { tenant, result });
    return result;
  }

  private _indexNamespace(namespace: string, key: string): void {
    _multi(this._byNamespace, namespace, key, this._cards.has(key) || this._slices.has(key));
  }
}

function _index<T extends { metadata: ObjectMeta }>(index: Map<string, Map<string, T>>, key: string, obj: T, deleted: boolean): void {
  let m = index.get(key);
  if (deleted) {
    m?.delete(obj.metadata.name);
    if (m?.size === 0) index.delete(key);
    return;
  }
  if (!m) index.set(key, (m = new Map()));
  m.set(obj.metadata.name, obj);
}

function _multi(index: Map<string, Set<string>>, at: string, key: string, member: boolean): void {
  const keys = index.get(at) ?? new Set<string>();
  if (member) keys.add(key);
  else keys.delete(key);
  if (keys.size) index.set(at, keys);
  else index.delete(at);
}
