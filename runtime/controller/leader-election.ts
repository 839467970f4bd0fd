/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: a
 * candidate takes the Lease when it is free or expired (optimistic update on resourceVersion, so
 * two candidates never both win), the leader renews it every `retryPeriod`, and a leader that
 * cannot renew within `renewDeadline` stops leading. On shutdown the leader releases the Lease so
 * the other replica takes over at once.
 */
import type { KubeResponse } from './kube-client';

/** Options of {@link LeaderElector}. */
export interface LeaderElectionOptions {
  readonly namespace: string;
  /** @default 'agent-runtime-controller' */
  readonly name?: string;
  /** This replica (pod name). */
  readonly identity: string;
  /** @default 15 */
  readonly leaseDurationSeconds?: number;
  /** @default 10000 */
  readonly renewDeadlineMs?: number;
  /** @default 2000 */
  readonly retryPeriodMs?: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly log?: (line: string) => void;
}

type Request = (method: string, path: string, body?: unknown) => Promise<KubeResponse>;

/** Runs the election loop until {@link stop}. */
export class LeaderElector {
  private _leading = false;
  private _lastRenew = 0;
  private _timer?: NodeJS.Timeout;
  private _stopped = false;
  private readonly _path: string;

  constructor(
    private readonly _request: Request,
    private readonly _o: LeaderElectionOptions,
  ) {
    this._path = `/apis/coordination.k8s.io/v1/namespaces/${_o.namespace}/leases`;
  }

  get isLeader(): boolean {
    return this._leading;
  }

  start(): void {
    void this._tick();
  }

  /** Stops; a leader releases the Lease. */
  async stop(): Promise<void> {
    this._stopped = true;
    clearTimeout(this._timer);
    if (!this._leading) return;
    this._leading = false;
    try {
      const lease = await this._get();
      if (lease?.spec?.holderIdentity === this._o.identity) {
        await this._request('PUT', `${this._path}/${this._name}`, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      }
    } catch (err) {
      this._o.log?.(`could not release the Lease: ${(err as Error).message}`);
    }
  }

  private get _name(): string {
    return this._o.name ?? 'agent-runtime-controller';
  }

  private async _tick(): Promise<void> {
    if (this._stopped) return;
    let ok = false;
    try {
      ok = await this._tryAcquireOrRenew();
    } catch (err) {
      this._o.log?.(`leader election: ${(err as Error).message}`);
    }
    const now = Date.now();
    if (ok) {
      this._lastRenew = now;
      if (!this._leading) {
        this._leading = true;
        this._o.log?.(`became leader (${this._o.identity})`);
        this._o.onStartedLeading();
      }
    } else if (this._leading && now - this._lastRenew > (this._o.renewDeadlineMs ?? 10_000)) {
      this._leading = false;
      this._o.log?.(`lost the Lease (${this._o.identity})`);
      this._o.onStoppedLeading();
    }
    if (!this._stopped) {
      this._timer = setTimeout(() => void this._tick(), this._o.retryPeriodMs ?? 2000);
      this._timer.unref();
    }
  }

  private async _get(): Promise<any | undefined> {
    const res = await this._request('GET', `${this._path}/${this._name}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`get Lease ${this._o.namespace}/${this._name}: HTTP ${res.status}`);
    return res.body;
  }

  private async _tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const micro = now.toISOString().replace(/Z$/, '000Z');
    const duration = this._o.leaseDurationSeconds ?? 15;
    const lease = await this._get();
    if (!lease) {
      const res = await this._request('POST', this._path, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: this._name, namespace: this._o.namespace },
        spec: { holderIdentity: this._o.identity, leaseDurationSeconds: duration, acquireTime: micro, renewTime: micro, leaseTransitions: 0 },
      });
      return res.status === 201 || res.status === 200;
    }
    const spec = lease.spec ?? {};
    const holder: string = spec.holderIdentity ?? '';
    const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? 0);
    const expired = !holder || !Number.isFinite(renewed) || renewed + (spec.leaseDurationSeconds ?? duration) * 1000 < now.getTime();
    if (holder !== this._o.identity && !expired) return false;
    const taking = holder !== this._o.identity;
    const res = await this._request('PUT', `${this._path}/${this._name}`, {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this._o.identity,
        leaseDurationSeconds: duration,
        renewTime: micro,
        ...(taking ? { acquireTime: micro, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    });
    // 409: someone else updated it first; they won this round.
    return res.status === 200;
  }
}
