/**
 * The agent-runtime controller: informers over tenant Namespaces, card ConfigMaps, agent workloads,
 * EndpointSlices and kagent Agents feed a keyed work queue (one key per agent); each key is
 * reconciled ({@link AgentReconciler}) into Nacos (cards, instances), the agent's token Secret and
 * kagent's re-translation of declarative callers. Cards are bound to the tenant of the namespace
 * they live in ({@link TenantNamespaces}). The workers start only once every cache has synced and
 * this replica leads; then every write is the leader's. Malformed or refused card ConfigMaps get a
 * Warning Event and a log line, and block nobody else.
 */
import { agentKeyOf, ConfigMapObject, EndpointSliceObject, ObjectMeta } from './desired-state';
import type { NacosClient } from '../nacos-client';
import { AgentIndex } from './agent-index';
import { AgentReconciler } from './agent-reconciler';
import type { AgentTokens } from './agent-tokens';
import { CardProblemReporter } from './card-problems';
import type { ClusterWriter, Informer } from './cluster';
import { InstanceRenewal } from './instance-renewal';
import { KagentAgentObject, KagentAgentWriter, KagentTokenRefresh } from './kagent-token-refresh';
import { ControllerMetrics } from './metrics';
import { OrphanSweep, SWEEP_KEY } from './orphan-sweep';
import { RegistryReconciler, RegistryReconcilerOptions } from './registry-reconciler';
import { NamespaceObject, TenantNamespaces } from './tenant-namespaces';
import { WorkQueue } from './work-queue';

/** Options of {@link RuntimeController}. */
export interface RuntimeControllerOptions {
  /** The platform's `gatewayHost`: every card's `url` must be its route there. */
  readonly gatewayHost: string;
  /** Every key is reconciled again this often (served from memory: no Nacos call when nothing changed). @default 300000 */
  readonly resyncMs?: number;
  /** Re-reads Nacos and sweeps orphaned cards this often. @default 1800000 */
  readonly auditMs?: number;
  /** Agents reconciled in parallel. @default 32 */
  readonly concurrency?: number;
  /** Nacos-side settings. */
  readonly registry?: RegistryReconcilerOptions;
}

/** What the controller is wired to. */
export interface RuntimeControllerDeps {
  /** Tenant Namespaces (the trust root of every card: see {@link TenantNamespaces}). */
  readonly namespaces: Informer<NamespaceObject>;
  readonly configMaps: Informer<ConfigMapObject>;
  readonly endpointSlices: Informer<EndpointSliceObject>;
  /** Agent Deployments: a change (scale, rollout) triggers the agent's reconcile. @default - none */
  readonly workloads?: Informer<{ metadata: ObjectMeta }>;
  /** kagent Agents and the label write on them; declarative callers' tokens are not re-translated without. @default - none */
  readonly kagent?: { readonly agents: Informer<KagentAgentObject>; readonly writer: KagentAgentWriter };
  readonly writer: ClusterWriter;
  readonly nacos: NacosClient;
  /** Token issuance; off when undefined. */
  readonly tokens?: AgentTokens;
  /** Whether this replica leads; asked at start and by {@link RuntimeController.resync} until it does. @default always */
  readonly isLeader?: () => boolean;
  readonly metrics?: ControllerMetrics;
  readonly log?: (line: string) => void;
}

/** The controller; `start()` runs it until `stop()`. */
export class RuntimeController {
  readonly metrics: ControllerMetrics;
  readonly registry: RegistryReconciler;
  readonly reconciler: AgentReconciler;
  private readonly _tenants: TenantNamespaces;
  private readonly _index: AgentIndex;
  private readonly _sweep: OrphanSweep;
  private readonly _renewal: InstanceRenewal;
  private readonly _queue: WorkQueue;
  private readonly _failing = new Set<string>();
  private readonly _timers: NodeJS.Timeout[] = [];
  private readonly _log: (line: string) => void;
  private _started = false;
  private _leading = false;
  private _stopped = false;
  private _syncWait?: NodeJS.Timeout;

  constructor(
    private readonly _deps: RuntimeControllerDeps,
    private readonly _options: RuntimeControllerOptions,
  ) {
    this.metrics = _deps.metrics ?? new ControllerMetrics();
    this._log = _deps.log ?? (() => undefined);
    this.registry = new RegistryReconciler(_deps.nacos, { log: this._log, ..._options.registry });
    this._tenants = new TenantNamespaces(_deps.namespaces, (ns) => this._index.keysIn(ns).forEach((k) => this._queue.add(k)));
    this._index = new AgentIndex(this._tenants, _options.gatewayHost);
    const kagent = _deps.kagent ? new KagentTokenRefresh(_deps.kagent.agents, _deps.kagent.writer, this._log) : undefined;
    this.reconciler = new AgentReconciler({
      index: this._index, registry: this.registry, problems: new CardProblemReporter(_deps.writer, this._log), metrics: this.metrics, tokens: _deps.tokens, kagent,
    });
    this._sweep = new OrphanSweep(this._index, this.registry, this.metrics);
    this._renewal = new InstanceRenewal(this.registry, this.metrics, this._log, () => this._queue.depth > 0);
    this._queue = new WorkQueue(
      (key) => (key === SWEEP_KEY ? this._sweep.reconcile() : this.reconciler.reconcile(key)),
      { concurrency: _options.concurrency ?? 32 },
      (key, err, retry) => {
        this._failing.add(key);
        this.metrics.reconciled(key === SWEEP_KEY ? 'sweep' : 'registry', 'error');
        this._log(`reconcile ${key} failed (retry in ${retry} ms): ${(err as Error).message}`);
      },
      (key) => {
        this._failing.delete(key);
        if (this._failing.size === 0) this.metrics.lastSuccessfulSync = Date.now();
      },
    );
  }

  /** True once every informer has listed. */
  get synced(): boolean {
    const d = this._deps;
    return d.namespaces.synced && d.configMaps.synced && d.endpointSlices.synced && (d.workloads?.synced ?? true) && (d.kagent?.agents.synced ?? true);
  }

  /** True once the workers run (caches synced, this replica leads). */
  get leading(): boolean {
    return this._leading;
  }

  /**
   * Starts the informers; once they have all synced and this replica leads, the workers, the
   * orphan sweep and the resync, audit and renewal timers. Events before that only queue keys.
   */
  async start(): Promise<void> {
    const { namespaces, configMaps, endpointSlices, workloads, kagent } = this._deps;
    const queue = (key: string | undefined) => key && this._queue.add(key);
    configMaps.onChange((cm, deleted) => queue(this._index.onConfigMap(cm, deleted)));
    endpointSlices.onChange((slice, deleted) => queue(this._index.onSlice(slice, deleted)));
    workloads?.onChange((w) => queue(agentKeyOf(w)));
    kagent?.agents.onChange((a) => queue(agentKeyOf(a)));
    // Namespaces first: the cards' binding is known before their first reconcile.
    await namespaces.start();
    await Promise.all([configMaps.start(), endpointSlices.start(), workloads?.start(), kagent?.agents.start()]);
    this._started = true;
    this._every(5_000, () => {
      this.metrics.queueDepth = this._queue.depth;
    });
    this.lead();
  }

  /**
   * Starts the workers if the caches have synced and this replica leads (the leader elector calls
   * it when it takes the Lease); until the caches have synced it looks again every second.
   */
  lead(): void {
    if (!this._started || this._leading || this._stopped || !(this._deps.isLeader?.() ?? true)) return;
    if (!this.synced) {
      clearTimeout(this._syncWait);
      this._syncWait = setTimeout(() => this.lead(), 1000);
      this._syncWait.unref();
      return;
    }
    this._leading = true;
    this._queue.start();
    this._every(this._options.resyncMs ?? 300_000, () => this.resync());
    this._every(this._options.auditMs ?? 1_800_000, () => {
      this.registry.forget();
      this._sweep.again();
      this.resync();
    });
    this._every(this._renewal.tickMs, () => void this._renewal.tick());
    this.resync();
  }

  /** Queues every known agent (and the orphan sweep while it has not succeeded); starts the workers when they can. */
  resync(): void {
    if (!this._leading) return this.lead();
    for (const key of this._index.keys()) this._queue.add(key);
    if (this._sweep.due) this._queue.add(SWEEP_KEY);
  }

  /** Resolves when the queue is empty and nothing is in flight; at once while the workers do not run (nothing will be). */
  idle(): Promise<void> {
    return this._leading ? this._queue.idle() : Promise.resolve();
  }

  /** Graceful shutdown: no new work, in-flight reconciles finish, informers stop. */
  async stop(): Promise<void> {
    this._stopped = true;
    clearTimeout(this._syncWait);
    for (const t of this._timers) clearInterval(t);
    await this._queue.stop();
    const d = this._deps;
    await Promise.all([d.namespaces.stop(), d.configMaps.stop(), d.endpointSlices.stop(), d.workloads?.stop(), d.kagent?.agents.stop()]);
  }

  private _every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this._timers.push(t);
  }
}
