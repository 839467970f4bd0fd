/**
 * The agent-runtime controller: informers over the card ConfigMaps, agent workloads and
 * EndpointSlices of tenant namespaces feed a keyed work queue (one key per agent); each key is
 * reconciled into Nacos (cards, instances) and into the agent's token Secrets. Only the leader
 * writes. Malformed card ConfigMaps get a Warning Event and a log line, and block nobody else.
 */
import { LABEL } from '../../constructs/labels';
import type { NacosClient } from '../nacos-client';
import type { AgentTokens } from './agent-tokens';
import type { ClusterWriter, Informer } from './cluster';
import { AgentTrack, CardProblem, ConfigMapObject, EndpointSliceObject, ObjectMeta, agentKeyOf, agentTrackOf, isCardConfigMap, readyEndpoints } from './desired-state';
import { ControllerMetrics } from './metrics';
import { RegistryReconciler, RegistryReconcilerOptions } from './registry-reconciler';
import { WorkQueue } from './work-queue';

/** Label the EndpointSlice controller sets to the owning Service's name. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Options of {@link RuntimeController}. */
export interface RuntimeControllerOptions {
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
  readonly configMaps: Informer<ConfigMapObject>;
  readonly endpointSlices: Informer<EndpointSliceObject>;
  /** Agent Deployments: a change (scale, rollout) triggers the agent's reconcile. @default - none */
  readonly workloads?: Informer<{ metadata: ObjectMeta }>;
  readonly writer: ClusterWriter;
  readonly nacos: NacosClient;
  /** Token issuance; off when undefined. */
  readonly tokens?: AgentTokens;
  /** Whether this replica may write. @default always */
  readonly isLeader?: () => boolean;
  readonly metrics?: ControllerMetrics;
  readonly log?: (line: string) => void;
}

/** The controller; `start()` runs it until `stop()`. */
export class RuntimeController {
  readonly metrics: ControllerMetrics;
  readonly registry: RegistryReconciler;
  private readonly _queue: WorkQueue;
  private readonly _cards = new Map<string, Map<string, ConfigMapObject>>();
  private readonly _slices = new Map<string, Map<string, EndpointSliceObject>>();
  /** Agent name -> keys with card ConfigMaps. */
  private readonly _byName = new Map<string, Set<string>>();
  private readonly _failing = new Set<string>();
  private readonly _reported = new Set<string>();
  private readonly _timers: NodeJS.Timeout[] = [];
  private readonly _log: (line: string) => void;
  private readonly _parsed = new WeakMap<ConfigMapObject, AgentTrack | CardProblem>();
  private _sweepDone = false;
  private _renewing = false;

  constructor(
    private readonly _deps: RuntimeControllerDeps,
    private readonly _options: RuntimeControllerOptions = {},
  ) {
    this.metrics = _deps.metrics ?? new ControllerMetrics();
    this._log = _deps.log ?? (() => undefined);
    this.registry = new RegistryReconciler(_deps.nacos, { log: this._log, ..._options.registry });
    this._queue = new WorkQueue((key) => this._reconcile(key), { concurrency: _options.concurrency ?? 32 }, (key, err, retry) => {
      this._failing.add(key);
      this.metrics.reconciled('registry', 'error');
      this._log(`reconcile ${key} failed (retry in ${retry} ms): ${(err as Error).message}`);
    });
  }

  /** True once every informer has listed. */
  get synced(): boolean {
    return this._deps.configMaps.synced && this._deps.endpointSlices.synced && (this._deps.workloads?.synced ?? true);
  }

  /** Starts the informers, then the workers, the orphan sweep, resync, audit and renewal timers. */
  async start(): Promise<void> {
    const { configMaps, endpointSlices, workloads } = this._deps;
    configMaps.onChange((cm, deleted) => {
      if (!isCardConfigMap(cm)) return;
      const key = agentKeyOf(cm);
      if (!key) return;
      this._index(this._cards, key, cm, deleted);
      const name = cm.metadata.labels![LABEL.agent];
      const keys = this._byName.get(name) ?? new Set<string>();
      if (this._cards.has(key)) keys.add(key);
      else keys.delete(key);
      if (keys.size) this._byName.set(name, keys);
      else this._byName.delete(name);
      this._queue.add(key);
    });
    endpointSlices.onChange((slice, deleted) => {
      const key = agentKeyOf(slice);
      if (key) this._index(this._slices, key, slice, deleted);
      if (key) this._queue.add(key);
    });
    workloads?.onChange((w) => {
      const key = agentKeyOf(w);
      if (key) this._queue.add(key);
    });
    await Promise.all([configMaps.start(), endpointSlices.start(), workloads?.start()]);
    this._queue.start();
    this._every(this._options.resyncMs ?? 300_000, () => this.resync());
    this._every(this._options.auditMs ?? 1_800_000, () => {
      this.registry.forget();
      this._sweepDone = false;
      this.resync();
    });
    // Renewal ticks four times per interval, each renewing only what is due: an even load.
    this._every(this.registry.renewIntervalMs / 4, () => void this._renew());
    this._every(5_000, () => {
      this.metrics.queueDepth = this._queue.depth;
    });
    this.resync();
  }

  /** Queues every known agent (and the orphan sweep while it has not succeeded). */
  resync(): void {
    for (const key of new Set([...this._cards.keys(), ...this._slices.keys()])) this._queue.add(key);
    if (!this._sweepDone) this._queue.add(SWEEP_KEY);
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  idle(): Promise<void> {
    return this._queue.idle();
  }

  /** Graceful shutdown: no new work, in-flight reconciles finish, informers stop. */
  async stop(): Promise<void> {
    for (const t of this._timers) clearInterval(t);
    await this._queue.stop();
    await Promise.all([this._deps.configMaps.stop(), this._deps.endpointSlices.stop(), this._deps.workloads?.stop()]);
  }

  private _every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this._timers.push(t);
  }

  private _index<T extends { metadata: ObjectMeta }>(index: Map<string, Map<string, T>>, key: string, obj: T, deleted: boolean): void {
    let m = index.get(key);
    if (deleted) {
      m?.delete(obj.metadata.name);
      if (m?.size === 0) index.delete(key);
      return;
    }
    if (!m) index.set(key, (m = new Map()));
    m.set(obj.metadata.name, obj);
  }

  private async _reconcile(key: string): Promise<void> {
    if (!(this._deps.isLeader?.() ?? true)) return;
    if (!this.synced) return void this._queue.addAfter(key, 1000);
    if (key === SWEEP_KEY) return this._sweep();
    const tracks: AgentTrack[] = [];
    const cms = [...(this._cards.get(key)?.values() ?? [])];
    for (const cm of cms) {
      const t = this._trackOf(cm);
      if ('card' in t) tracks.push(t);
      else await this._report(t);
    }
    const endpoints = new Map<string, { ip: string; port: number }[]>();
    const byService = new Map<string, EndpointSliceObject[]>();
    for (const s of this._slices.get(key)?.values() ?? []) {
      const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service) byService.set(service, [...(byService.get(service) ?? []), s]);
    }
    for (const [service, slices] of byService) endpoints.set(service, readyEndpoints(slices));
    await this.registry.reconcile(key, { tracks, endpoints, present: cms.length > 0 });
    this.metrics.reconciled('registry', 'success');
    if (this._deps.tokens) {
      let next = Infinity;
      // One identity per agent: the stable track's Secret, shared by a canary.
      for (const t of tracks.filter((x) => x.track === 'stable')) next = Math.min(next, await this._deps.tokens.reconcile(t));
      this.metrics.reconciled('identity', 'success');
      if (Number.isFinite(next)) this._queue.addAfter(key, next);
    }
    this._succeeded(key);
  }

  private async _sweep(): Promise<void> {
    await this.registry.sweep((ns, agent) => this._agentExists(ns, agent));
    this.metrics.reconciled('sweep', 'success');
    this._sweepDone = true;
    this._succeeded(SWEEP_KEY);
  }

  /** Whether a card ConfigMap of `agent` for Nacos namespace `ns` is cached; a malformed one counts everywhere. */
  private _agentExists(ns: string, agent: string): boolean {
    for (const key of this._byName.get(agent) ?? []) {
      for (const cm of this._cards.get(key)?.values() ?? []) {
        const t = this._trackOf(cm);
        if (!('card' in t) || t.nacosNamespace === ns) return true;
      }
    }
    return false;
  }

  /**
   * The parsed card of a ConfigMap, once per object version (informers replace the object on
   * every change): the sweep asks about every agent name in every namespace, and parsing each
   * card again made a start of 1,000 tenants quadratic.
   */
  private _trackOf(cm: ConfigMapObject): AgentTrack | CardProblem {
    let t = this._parsed.get(cm);
    if (!t) this._parsed.set(cm, (t = agentTrackOf(cm)));
    return t;
  }

  private _succeeded(key: string): void {
    this._failing.delete(key);
    if (this._failing.size === 0) this.metrics.lastSuccessfulSync = Date.now();
  }

  private async _renew(): Promise<void> {
    // A round still running (slow Nacos) is not joined by another: rounds would pile up.
    if (!(this._deps.isLeader?.() ?? true) || this._renewing) return;
    this._renewing = true;
    try {
      await this.registry.renew({ busy: this._queue.depth > 0 });
    } catch (err) {
      this.metrics.errors++;
      this._log(`instance renewal failed (next try in one interval): ${(err as Error).message}`);
    } finally {
      this._renewing = false;
    }
  }

  /** One Warning Event and one log line per problem and object version. */
  private async _report(p: CardProblem): Promise<void> {
    const m = p.configMap.metadata;
    const id = `${m.namespace}/${m.name}@${m.resourceVersion ?? ''}:${p.field}`;
    if (this._reported.has(id)) return;
    this._reported.add(id);
    this._log(`ConfigMap ${m.namespace}/${m.name}: ${p.field}: ${p.message}`);
    try {
      await this._deps.writer.recordEvent({ apiVersion: 'v1', kind: 'ConfigMap', metadata: m }, 'Warning', 'InvalidAgentCard', `${p.field}: ${p.message}`.slice(0, 1000));
    } catch (err) {
      this._log(`could not record an Event on ConfigMap ${m.namespace}/${m.name}: ${(err as Error).message}`);
    }
  }
}

/** The work-queue key of the orphan sweep (not a valid `<namespace>/<agent>`). */
const SWEEP_KEY = '::sweep';
