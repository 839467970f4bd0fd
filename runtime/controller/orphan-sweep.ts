/**
 * The orphan sweep as a reconciler of its own queue key: deletes the cards this controller wrote
 * for agents no tenant has any more (also those deleted while it was down). It runs at start and
 * after every audit until it succeeds once.
 */
import type { AgentIndex } from './agent-index';
import type { ControllerMetrics } from './metrics';
import type { RegistryReconciler } from './registry-reconciler';
import type { ReconcileResult } from './work-queue';

/** The work-queue key of the sweep (not a valid `<namespace>/<agent>`). */
export const SWEEP_KEY = '::sweep';

/** The sweep. */
export class OrphanSweep {
  private _done = false;

  constructor(
    private readonly _index: AgentIndex,
    private readonly _registry: RegistryReconciler,
    private readonly _metrics: ControllerMetrics,
  ) {}

  /** True until a sweep succeeded since the start or the last {@link again}. */
  get due(): boolean {
    return !this._done;
  }

  /** Asks for another sweep (an audit re-read Nacos). */
  again(): void {
    this._done = false;
  }

  async reconcile(): Promise<ReconcileResult> {
    await this._registry.sweep((ns, agent) => this._index.isPresent(ns, agent));
    this._metrics.reconciled('sweep', 'success');
    this._done = true;
    return {};
  }
}
