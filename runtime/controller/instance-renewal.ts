/**
 * The lease of the controller's ephemeral Nacos instances: ticks four times per renew interval,
 * each renewing only what is due (an even load). A round still running (slow Nacos) is not
 * joined by another: rounds would pile up. Failures are logged and retried at the next tick.
 */
import type { ControllerMetrics } from './metrics';
import type { RegistryReconciler } from './registry-reconciler';

/** The renewal ticker. */
export class InstanceRenewal {
  private _running = false;

  constructor(
    private readonly _registry: RegistryReconciler,
    private readonly _metrics: ControllerMetrics,
    private readonly _log: (line: string) => void,
    /** Reconciles are waiting (renewals then yield to them, see {@link RegistryReconciler.renew}). */
    private readonly _busy: () => boolean,
  ) {}

  /** How often {@link tick} should run. */
  get tickMs(): number {
    return this._registry.renewIntervalMs / 4;
  }

  async tick(): Promise<void> {
    if (this._running) return;
    this._running = true;
    try {
      await this._registry.renew({ busy: this._busy() });
    } catch (err) {
      this._metrics.errors++;
      this._log(`instance renewal failed (next try in one interval): ${(err as Error).message}`);
    } finally {
      this._running = false;
    }
  }
}
