/**
 * The reconciler of one agent key, in controller-runtime's shape: `reconcile(key)` reads what the
 * cluster says ({@link AgentIndex}), makes Nacos and the agent's token match, and returns when to
 * come back (`requeueAfter`: the token's rotation) or throws. It never schedules itself, checks no
 * leadership or cache sync (they gate the start of the workers) and keeps no state of its own.
 */
import { a2aTokenContract } from '../../constructs/contracts';
import type { AgentIndex } from './agent-index';
import type { AgentTokens } from './agent-tokens';
import type { CardProblemReporter } from './card-problems';
import type { KagentTokenRefresh } from './kagent-token-refresh';
import type { ControllerMetrics } from './metrics';
import type { RegistryReconciler } from './registry-reconciler';
import type { ReconcileResult } from './work-queue';

/** What the reconciler works with. */
export interface AgentReconcilerParts {
  readonly index: AgentIndex;
  readonly registry: RegistryReconciler;
  readonly problems: CardProblemReporter;
  readonly metrics: ControllerMetrics;
  /** Token issuance; off when undefined. */
  readonly tokens?: AgentTokens;
  /** Re-translation of declarative callers by kagent; off when undefined. */
  readonly kagent?: KagentTokenRefresh;
}

/** Reconciles one agent key. */
export class AgentReconciler {
  constructor(private readonly _p: AgentReconcilerParts) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const { index, registry, problems, metrics, tokens, kagent } = this._p;
    const view = index.view(key);
    for (const p of view.problems) await problems.report(p);
    await registry.reconcile(key, view);
    metrics.reconciled('registry', 'success');
    if (!tokens) return {};
    let next = Infinity;
    // One identity per agent: the stable track's Secret, shared by a canary.
    for (const t of view.tracks.filter((x) => x.track === 'stable')) {
      const issued = await tokens.ensure(t);
      next = Math.min(next, issued.rotateInMs);
      if (issued.fingerprint && kagent) await kagent.refresh(t.namespace, t.agent, a2aTokenContract(t.agent).secretName, issued.fingerprint);
    }
    metrics.reconciled('identity', 'success');
    return Number.isFinite(next) ? { requeueAfter: next } : {};
  }
}
