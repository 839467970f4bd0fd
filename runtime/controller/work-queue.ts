/**
 * A keyed work queue in the style of client-go's rate-limited queue, driving a controller-runtime
 * shaped reconciler: a key is queued at most once, never processed by two workers at once (a
 * change during processing queues it again), a reconcile that throws comes back after a per-key
 * exponential backoff, one that returns `{ requeueAfter }` comes back then. The queue owns every
 * requeue: reconcilers never schedule themselves.
 */
import { backoffDelay } from '../retry';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Keys processed in parallel. @default 16 */
  readonly concurrency?: number;
  /** First backoff ceiling after a failure, doubling per failure. @default 500 */
  readonly baseDelayMs?: number;
  /** Largest backoff. @default 300000 (5 minutes) */
  readonly maxDelayMs?: number;
}

/** What a reconcile asks of the queue (controller-runtime's `Result`): come back after this many ms, or not at all. */
export interface ReconcileResult {
  readonly requeueAfter?: number;
}

/** Reconciles one key; a throw schedules a retry with backoff. */
export type KeyHandler = (key: string) => Promise<ReconcileResult | void>;

/** The queue; `start()` begins processing, `stop()` waits for keys in flight. */
export class WorkQueue {
  private readonly _dirty = new Set<string>();
  private readonly _order: string[] = [];
  private readonly _active = new Set<string>();
  private readonly _failures = new Map<string, number>();
  private readonly _timers = new Map<string, NodeJS.Timeout>();
  private readonly _concurrency: number;
  private _running = false;
  private _idleWaiters: (() => void)[] = [];
  private _inFlight = new Set<Promise<void>>();

  constructor(
    private readonly _handler: KeyHandler,
    private readonly _options: WorkQueueOptions = {},
    private readonly _onError: (key: string, err: unknown, retryInMs: number) => void = () => undefined,
    private readonly _onSuccess: (key: string) => void = () => undefined,
  ) {
    this._concurrency = _options.concurrency ?? 16;
  }

  /** Keys waiting (not counting those being processed). */
  get depth(): number {
    return this._dirty.size;
  }

  /** Queues `key` now (a pending delayed add for it is kept; the earlier run wins). */
  add(key: string): void {
    if (this._dirty.has(key)) return;
    this._dirty.add(key);
    if (!this._active.has(key)) this._order.push(key);
    this._pump();
  }

  /** Queues `key` after `delayMs` (replacing an earlier delayed add of the same key). */
  addAfter(key: string, delayMs: number): void {
    clearTimeout(this._timers.get(key));
    const timer = setTimeout(() => {
      this._timers.delete(key);
      this.add(key);
    }, Math.max(0, delayMs));
    timer.unref();
    this._timers.set(key, timer);
  }

  start(): void {
    this._running = true;
    this._pump();
  }

  /** Stops taking keys and waits for the ones in flight (graceful shutdown). */
  async stop(): Promise<void> {
    this._running = false;
    for (const t of this._timers.values()) clearTimeout(t);
    this._timers.clear();
    await Promise.allSettled([...this._inFlight]);
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this._dirty.size === 0 && this._active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this._idleWaiters.push(resolve));
  }

  private _pump(): void {
    while (this._running && this._active.size < this._concurrency && this._order.length > 0) {
      const key = this._order.shift()!;
      if (!this._dirty.has(key) || this._active.has(key)) continue;
      this._dirty.delete(key);
      this._active.add(key);
      const run = this._run(key);
      this._inFlight.add(run);
      void run.finally(() => this._inFlight.delete(run));
    }
    if (this._dirty.size === 0 && this._active.size === 0) {
      const waiters = this._idleWaiters;
      this._idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async _run(key: string): Promise<void> {
    try {
      const result = await this._handler(key);
      this._failures.delete(key);
      this._onSuccess(key);
      if (this._running && result?.requeueAfter !== undefined) this.addAfter(key, result.requeueAfter);
    } catch (err) {
      const n = this._failures.get(key) ?? 0;
      this._failures.set(key, n + 1);
      // Never zero: a failing key must not spin.
      const delay = Math.max(10, backoffDelay(n, { baseDelayMs: this._options.baseDelayMs ?? 500, maxDelayMs: this._options.maxDelayMs ?? 300_000 }));
      this._onError(key, err, delay);
      if (this._running) this.addAfter(key, delay);
    } finally {
      this._active.delete(key);
      // Changed while it was being processed: run it again.
      if (this._dirty.has(key)) this._order.push(key);
      this._pump();
    }
  }
}
