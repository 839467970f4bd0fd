/**
 * Makes Nacos hold what the cluster says, one agent at a time: the tenant's namespace, every card
 * version (through {@link applyAgentCard}, the engine of `register` and the Pulumi provider), and
 * one ephemeral naming instance per Ready endpoint. It remembers what it wrote or verified, so a
 * resync of unchanged objects sends nothing to Nacos.
 *
 * Ephemeral instances, renewed by re-registering: Nacos' beat check marks an instance unhealthy,
 * then deletes it, when nobody renews it for `preserved.heart.beat.timeout` /
 * `preserved.ip.delete.timeout` (set per instance, generous), so a dead controller leaves nothing
 * stale for long, while a restart or a leader hand-over (well inside the timeout) changes nothing
 * that subscribers see. Persistent instances would stay forever after the controller is gone, and
 * Nacos' own health check of them needs network access to pods that tenants' policies deny.
 */
import { cardUrls } from '../../constructs/agent-card-v1';
import { canonicalJson, contentOf, managedBy, withManagedMarker } from '../agent-card';
import { applyAgentCard } from '../apply-agent-card';
import type { NacosClient, NacosInstance, NacosInstanceInfo } from '../nacos-client';
import { NacosApiError, NacosTransportError, isNotFound } from '../nacos-errors';
import { mapLimit } from '../register';
import type { AgentTrack } from './desired-state';

/** Marker value of cards and instances this controller writes. */
export const REGISTERED_BY_CONTROLLER = 'agent-runtime controller';

/** Instance metadata key of the ownership marker. */
export const INSTANCE_OWNER_KEY = 'agentruntime.io/registered-by';

/** Options of {@link RegistryReconciler}. */
export interface RegistryReconcilerOptions {
  /** Nacos group of agent services (the McpBridge's `nacosGroups` must list it). @default 'DEFAULT_GROUP' */
  readonly groupName?: string;
  /**
   * Longest time between two renewals of an instance. Renewal ticks run four times per interval
   * and renew what is due (unrenewed for 3/4 of it), so the lease costs the same every tick and a
   * fresh registration is not renewed again at once. @default 20000
   */
  readonly renewIntervalMs?: number;
  /** Unrenewed for this long: unhealthy. @default 60000 */
  readonly heartbeatTimeoutMs?: number;
  /** Unrenewed for this long: deleted by Nacos. @default 180000 */
  readonly deleteTimeoutMs?: number;
  /** Parallel Nacos calls within sweeps and renewals. @default 16 */
  readonly concurrency?: number;
  /** One line per change. @default - silent */
  readonly log?: (line: string) => void;
  /** Milliseconds now (tests). @default Date.now */
  readonly clock?: () => number;
}

/** What the cluster holds for one agent key. */
export interface AgentDesired {
  /** Valid tracks (card ConfigMaps that parse). */
  readonly tracks: readonly AgentTrack[];
  /** Ready endpoints per workload (Service) name. */
  readonly endpoints: ReadonlyMap<string, readonly { ip: string; port: number }[]>;
  /** True when some card ConfigMap of the agent exists, valid or not: then nothing is deleted. */
  readonly present: boolean;
}

/** An instance this controller holds, with when it last wrote it (0: read from Nacos, age unknown). */
interface _Held {
  readonly instance: NacosInstance;
  readonly writtenAt: number;
}

interface _Service {
  readonly nacosNamespace: string;
  readonly serviceName: string;
  /** `ip:port` -> instance as last written or read. */
  instances: Map<string, _Held>;
}

/** The Nacos side of the controller. */
export class RegistryReconciler {
  readonly groupName: string;
  private readonly _namespaces = new Set<string>();
  private readonly _namespacePending = new Map<string, Promise<void>>();
  /** Nacos namespace -> agent names it held when first listed (saves a GET per new agent). */
  private readonly _listed = new Map<string, Promise<Set<string>>>();
  /** Nacos namespace -> our instances per service when first listed (one request per namespace, not per service). */
  private readonly _stored = new Map<string, Promise<Map<string, NacosInstanceInfo[]>>>();
  /** `ns/name@version` -> fingerprint of what Nacos holds (content + latest). */
  private readonly _cards = new Map<string, string>();
  /** `ns/service` -> instances. */
  private readonly _services = new Map<string, _Service>();
  /** Agent key -> what it registered (for removal). */
  private readonly _byKey = new Map<string, { nacosNamespace: string; agent: string; services: Set<string>; versions: Set<string> }>();

  constructor(
    private readonly _client: NacosClient,
    private readonly _options: RegistryReconcilerOptions = {},
  ) {
    this.groupName = _options.groupName ?? 'DEFAULT_GROUP';
  }

  /** Brings one agent's cards and instances to `desired`. */
  async reconcile(key: string, desired: AgentDesired): Promise<void> {
    if (!desired.present) return this._remove(key);
    const known = this._byKey.get(key);
    const services = new Set<string>();
    // POST makes the first version latest, so the latest one goes first.
    const tracks = [...desired.tracks].sort((a, b) => Number(b.setAsLatest) - Number(a.setAsLatest));
    for (const t of tracks) {
      await this._ensureNamespace(t.nacosNamespace);
      await this._applyCard(t);
      const service = await this._syncInstances(t, desired.endpoints.get(t.workload) ?? []);
      services.add(service);
    }
    // A track that went away (canary removed): its instances go with it, also when that happened
    // while the controller was down (then only Nacos' service list knows them).
    for (const gone of [...(known?.services ?? [])].filter((s) => !services.has(s))) await this._clearService(gone);
    if (!known && tracks.length) await this._clearLeftovers(tracks[0].nacosNamespace, tracks[0].agent, services);
    if (tracks.length) {
      const versions = new Set([...(known?.versions ?? []), ...tracks.map((t) => t.card.version)]);
      this._byKey.set(key, { nacosNamespace: tracks[0].nacosNamespace, agent: tracks[0].agent, services, versions });
    }
  }

  /**
   * Deletes the card versions this controller wrote for agents that no longer exist, in every
   * Nacos namespace, including agents deleted while it was down. `isPresent` is asked right
   * before each deletion (so an agent created meanwhile is spared). Their instances expire unrenewed.
   */
  async sweep(isPresent: (nacosNamespace: string, agent: string) => boolean): Promise<string[]> {
    const removed: string[] = [];
    const namespaces = (await this._client.listNamespaces()).map((n) => n.namespace);
    await mapLimit(namespaces, this._options.concurrency ?? 16, async (ns) => {
      for (const item of await this._client.listAllAgents(ns)) {
        if (isPresent(ns, item.name)) continue;
        const deleted: string[] = [];
        for (const { version } of await this._listVersions(ns, item.name)) {
          const stored = await this._get(ns, item.name, version);
          if (!stored || managedBy(stored) !== REGISTERED_BY_CONTROLLER || isPresent(ns, item.name)) continue;
          await this._client.deleteAgent(item.name, { namespaceId: ns, version });
          deleted.push(version);
          this._cards.delete(`${ns}/${item.name}@${version}`);
          removed.push(`${ns}/${item.name}@${version}`);
          this._options.log?.(`deleted card ${ns}/${item.name}@${version} (agent gone)`);
        }
        if (deleted.length && !isPresent(ns, item.name)) await this._dropEmptyAgent(ns, item.name, deleted);
      }
      // Instances of agents gone while the controller was down: removed now rather than left to expire.
      for (const [service, instances] of await this._storedIn(ns)) {
        for (const i of instances) {
          const agent = i.metadata?.agent;
          if (!agent || isPresent(ns, agent) || this._services.get(`${ns}/${service}`)?.instances.has(`${i.ip}:${i.port}`)) continue;
          await this._deregister(ns, _held(service, this.groupName, i));
          removed.push(`${ns}/${service} ${i.ip}:${i.port}`);
          this._options.log?.(`deregistered instance ${ns}/${service} ${i.ip}:${i.port} (agent gone)`);
        }
      }
    });
    return removed.sort();
  }

  /** Re-registrations sent by {@link renew} so far (the lease's cost, apart from reconcile writes). */
  renewals = 0;

  /**
   * Re-registers the instances that are due (unrenewed for 3/4 of the renew interval), or all of
   * them: the lease that keeps them alive. Returns how many it renewed.
   * `busy`: reconciles are waiting (the first convergence, a burst of changes). Renewals then wait
   * until an instance is half-way to its heartbeat timeout, so they do not hold up the writes that
   * converge and every instance is still renewed with half the timeout to spare.
   */
  async renew(opts: { all?: boolean; busy?: boolean } = {}): Promise<number> {
    const now = this._now();
    const age = opts.busy ? Math.max(this.renewIntervalMs * 0.75, this.heartbeatTimeoutMs / 2) : this.renewIntervalMs * 0.75;
    const dueBefore = opts.all ? Infinity : now - age;
    const due = [...this._services.values()].flatMap((s) => [...s.instances].filter(([, h]) => h.writtenAt <= dueBefore).map(([addr, h]) => ({ s, addr, h })));
    await mapLimit(due, this._options.concurrency ?? 16, async ({ s, addr, h }) => {
      this.renewals++;
      await this._client.registerInstance(h.instance, { namespaceId: s.nacosNamespace });
      // Unless a reconcile replaced or removed it meanwhile.
      if (s.instances.get(addr) === h) s.instances.set(addr, { instance: h.instance, writtenAt: this._now() });
    });
    return due.length;
  }

  /** Longest time between two renewals of an instance (ms), unless reconciles are waiting (see {@link renew}). */
  get renewIntervalMs(): number {
    return this._options.renewIntervalMs ?? 20_000;
  }

  /** Unrenewed for this long, an instance is unhealthy in Nacos (ms). */
  get heartbeatTimeoutMs(): number {
    return this._options.heartbeatTimeoutMs ?? 60_000;
  }

  /** Forgets what Nacos is known to hold: the next reconciles read it again (audit, Nacos data loss). */
  forget(): void {
    this._namespaces.clear();
    this._listed.clear();
    this._stored.clear();
    this._cards.clear();
    for (const s of this._services.values()) s.instances.clear();
    this._services.clear();
  }

  /** Instances held, for metrics and tests. */
  get instanceCount(): number {
    let n = 0;
    for (const s of this._services.values()) n += s.instances.size;
    return n;
  }

  private async _remove(key: string): Promise<void> {
    const known = this._byKey.get(key);
    if (!known) return;
    for (const service of known.services) await this._clearService(service);
    const deleted: string[] = [];
    for (const version of known.versions) {
      const stored = await this._get(known.nacosNamespace, known.agent, version);
      if (stored && managedBy(stored) === REGISTERED_BY_CONTROLLER) {
        await this._client.deleteAgent(known.agent, { namespaceId: known.nacosNamespace, version });
        deleted.push(version);
        this._options.log?.(`deleted card ${known.nacosNamespace}/${known.agent}@${version} (agent deleted)`);
      }
      this._cards.delete(`${known.nacosNamespace}/${known.agent}@${version}`);
    }
    if (deleted.length) await this._dropEmptyAgent(known.nacosNamespace, known.agent, deleted);
    this._byKey.delete(key);
  }

  /**
   * After deleting its versions of an agent, deletes the agent entry itself when no version of
   * anyone else is left. Nacos 3.1 keeps an agent's version list apart from the versions, and two
   * quick version DELETEs can leave a listed agent whose versions are gone (the second one reads
   * the list before the first one's write shows). Versions just deleted may still read as ours.
   */
  private async _dropEmptyAgent(ns: string, agent: string, deleted: readonly string[]): Promise<void> {
    for (const { version } of await this._listVersions(ns, agent)) {
      if (deleted.includes(version)) continue;
      const stored = await this._get(ns, agent, version);
      if (stored && managedBy(stored) !== REGISTERED_BY_CONTROLLER) return;
    }
    await this._client.deleteAgent(agent, { namespaceId: ns });
    this._options.log?.(`deleted agent entry ${ns}/${agent} (no version left)`);
  }

  private _ensureNamespace(id: string): Promise<void> {
    if (this._namespaces.has(id)) return Promise.resolve();
    // One check per namespace however many of its agents reconcile at once.
    let pending = this._namespacePending.get(id);
    if (!pending) {
      pending = this._checkNamespace(id).finally(() => this._namespacePending.delete(id));
      this._namespacePending.set(id, pending);
    }
    return pending;
  }

  private async _checkNamespace(id: string): Promise<void> {
    try {
      await this._client.getNamespace(id);
    } catch (err) {
      if (!(err instanceof NacosApiError && err.status === 404)) throw err;
      try {
        await this._client.createNamespace({ namespaceId: id, namespaceName: id, namespaceDesc: `agent-runtime tenant ${id}` });
        this._options.log?.(`created Nacos namespace ${id}`);
        // Not "so it is empty": on the real server, instances outlive a deleted namespace of the same id.
      } catch (e) {
        // Created meanwhile by `pulumi up` or another writer.
        if (!(e instanceof NacosApiError && e.code === 22002)) throw e;
      }
    }
    this._namespaces.add(id);
  }

  private async _applyCard(t: AgentTrack): Promise<void> {
    const id = `${t.nacosNamespace}/${t.card.name}@${t.card.version}`;
    const fingerprint = `${t.setAsLatest}:${canonicalJson(contentOf(t.card))}`;
    if (this._cards.get(id) === fingerprint) return;
    const card = withManagedMarker(t.card, REGISTERED_BY_CONTROLLER);
    if (t.setAsLatest && !(await this._agentsIn(t.nacosNamespace)).has(t.card.name)) {
      // Absent when the namespace was listed: register directly; any surprise falls back to the full recipe.
      try {
        await this._client.registerAgent(card, { namespaceId: t.nacosNamespace });
        (await this._agentsIn(t.nacosNamespace)).add(t.card.name);
        this._options.log?.(`created card ${id}`);
        this._cards.set(id, fingerprint);
        return;
      } catch (err) {
        if (!(err instanceof NacosApiError && err.code === 20005) && !(err instanceof NacosTransportError && err.mayHaveCommitted)) throw err;
      }
    }
    const outcome = await applyAgentCard(this._client, card, { namespaceId: t.nacosNamespace, setAsLatest: t.setAsLatest });
    if (outcome !== 'unchanged') this._options.log?.(`${outcome} card ${id}`);
    this._cards.set(id, fingerprint);
  }

  private async _syncInstances(t: AgentTrack, endpoints: readonly { ip: string; port: number }[]): Promise<string> {
    const id = `${t.nacosNamespace}/${t.workload}`;
    let service = this._services.get(id);
    if (!service) {
      // First look since start: what Nacos holds of ours (age unknown: due for renewal at once).
      const stored = (await this._storedIn(t.nacosNamespace)).get(t.workload) ?? [];
      service = { nacosNamespace: t.nacosNamespace, serviceName: t.workload, instances: _heldMap(t.workload, this.groupName, stored) };
      this._services.set(id, service);
    }
    const want = new Map(endpoints.map((e) => [`${e.ip}:${e.port}`, this._instance(t, e)]));
    for (const [addr, instance] of want) {
      const have = service.instances.get(addr)?.instance;
      if (have && canonicalJson(have.metadata) === canonicalJson(instance.metadata) && have.ephemeral !== false) continue;
      await this._client.registerInstance(instance, { namespaceId: t.nacosNamespace });
      service.instances.set(addr, { instance, writtenAt: this._now() });
      this._options.log?.(`registered instance ${id} ${addr}`);
    }
    for (const [addr, { instance: have }] of [...service.instances]) {
      if (want.has(addr)) continue;
      await this._deregister(t.nacosNamespace, have);
      service.instances.delete(addr);
      this._options.log?.(`deregistered instance ${id} ${addr}`);
    }
    return id;
  }

  private async _clearService(id: string): Promise<void> {
    const service = this._services.get(id);
    if (!service) return;
    for (const [addr, { instance: have }] of [...service.instances]) {
      await this._deregister(service.nacosNamespace, have);
      service.instances.delete(addr);
      this._options.log?.(`deregistered instance ${id} ${addr}`);
    }
    this._services.delete(id);
  }

  private _instance(t: AgentTrack, e: { ip: string; port: number }): NacosInstance {
    const o = this._options;
    return {
      serviceName: t.workload,
      groupName: this.groupName,
      ip: e.ip,
      port: e.port,
      ephemeral: true,
      metadata: {
        tenant: t.tenant,
        agent: t.agent,
        version: t.card.version,
        track: t.track,
        skills: t.card.skills.map((s) => s.id).join(','),
        cardUrl: _cardUrl(t.card),
        [INSTANCE_OWNER_KEY]: REGISTERED_BY_CONTROLLER,
        'preserved.heart.beat.interval': String(this.renewIntervalMs),
        'preserved.heart.beat.timeout': String(this.heartbeatTimeoutMs),
        'preserved.ip.delete.timeout': String(o.deleteTimeoutMs ?? 180_000),
      },
    };
  }

  /**
   * Services of `agent` that hold our instances in Nacos but are none of `services` (its tracks
   * now): a track removed while the controller was down. Their instances are deregistered.
   */
  private async _clearLeftovers(ns: string, agent: string, services: ReadonlySet<string>): Promise<void> {
    for (const [service, instances] of await this._storedIn(ns)) {
      const id = `${ns}/${service}`;
      if (services.has(id) || this._services.has(id) || !instances.some((i) => i.metadata?.agent === agent)) continue;
      this._services.set(id, { nacosNamespace: ns, serviceName: service, instances: _heldMap(service, this.groupName, instances) });
      await this._clearService(id);
    }
  }

  /**
   * Deregisters one instance, and drops it from the namespace's listed snapshot: a later first
   * look at its service (the agent or track back in the same run) must not take it as still held.
   */
  private async _deregister(ns: string, instance: NacosInstance): Promise<void> {
    await this._client.deregisterInstance(instance, { namespaceId: ns });
    const stored = await this._stored.get(ns)?.catch(() => undefined);
    const left = stored?.get(instance.serviceName)?.filter((i) => i.ip !== instance.ip || i.port !== instance.port);
    if (left?.length) stored!.set(instance.serviceName, left);
    else stored?.delete(instance.serviceName);
  }

  /** Our instances per service of a namespace, listed once (then this controller's own writes are the truth). */
  private _storedIn(ns: string): Promise<Map<string, NacosInstanceInfo[]>> {
    let stored = this._stored.get(ns);
    if (!stored) {
      stored = this._client.listServicesWithInstances({ namespaceId: ns, groupName: this.groupName }).then((services) => new Map(
        services.map((s) => [s.serviceName, s.instances.filter((i) => i.metadata?.[INSTANCE_OWNER_KEY] === REGISTERED_BY_CONTROLLER)] as const).filter(([, i]) => i.length > 0),
      ));
      stored.catch(() => this._stored.delete(ns));
      this._stored.set(ns, stored);
    }
    return stored;
  }

  private _now(): number {
    return (this._options.clock ?? Date.now)();
  }

  /** Agent names of a namespace, listed once (then kept up to date by this controller's own writes). */
  private _agentsIn(ns: string): Promise<Set<string>> {
    let listed = this._listed.get(ns);
    if (!listed) {
      listed = this._client.listAllAgents(ns).then((items) => new Set(items.map((i) => i.name)));
      listed.catch(() => this._listed.delete(ns));
      this._listed.set(ns, listed);
    }
    return listed;
  }

  private async _listVersions(ns: string, name: string) {
    try {
      return await this._client.listVersions(name, { namespaceId: ns });
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  private async _get(ns: string, name: string, version: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this._client.getAgent(name, { namespaceId: ns, version })) as unknown as Record<string, unknown>;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

/** A stored instance as this controller would write it. */
function _held(serviceName: string, groupName: string, h: NacosInstanceInfo): NacosInstance {
  return { serviceName, groupName, ip: h.ip, port: h.port, clusterName: h.clusterName, ephemeral: h.ephemeral, metadata: h.metadata ?? {} };
}

/** Stored instances as held ones, keyed `ip:port`; their age is unknown, so they are due for renewal at once. */
function _heldMap(serviceName: string, groupName: string, stored: readonly NacosInstanceInfo[]): Map<string, _Held> {
  return new Map(stored.map((h) => [`${h.ip}:${h.port}`, { instance: _held(serviceName, groupName, h), writtenAt: 0 }]));
}

/** The address callers use: a card's first (preferred) one. */
function _cardUrl(card: Parameters<typeof cardUrls>[0]): string {
  return cardUrls(card)[0] ?? '';
}
