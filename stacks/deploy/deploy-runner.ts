/**
 * The logic of `agent-runtime deploy`, against a {@link StackEngine}: the platform stack first, then
 * only the tenant stacks whose inputs' hash differs from the one their last update recorded, at most
 * `parallel` at a time; a failed tenant never stops the others; stacks of removed tenants are
 * destroyed only with `prune`.
 */
import { mapLimit } from '../../runtime/register';
import { INPUTS_HASH_OUTPUT, type ResourceChanges, type StackEngine, type StackProgram } from './stack-engine';
import { tenantOfStack, tenantStack } from './stack-names';

/** One stack deploy would run: its inputs' hash and its program. */
export interface PlannedStack {
  readonly stack: string;
  readonly hash: string;
}

/** What deploy runs for an environment. Tenant programs get the platform stack's outputs, and nothing else. */
export interface DeployPlan {
  readonly env: string;
  readonly platform: PlannedStack & { readonly program: StackProgram };
  readonly tenants: readonly (PlannedStack & { readonly tenant: string; readonly program: (platform: Record<string, unknown>) => StackProgram })[];
}

export interface DeployOptions {
  readonly preview: boolean;
  /** Refresh every stack before its update (and so run all of them: drift can be anywhere). */
  readonly refresh: boolean;
  /** Destroy the stacks of tenants no longer configured. */
  readonly prune: boolean;
  /** Only this tenant (and the platform, when its inputs changed). */
  readonly tenant?: string;
  readonly parallel: number;
}

/** What happened to one stack. */
export interface StackOutcome {
  readonly stack: string;
  readonly action: 'up' | 'preview' | 'destroy' | 'preview-destroy' | 'unchanged' | 'kept' | 'not-run';
  readonly changes?: ResourceChanges;
  readonly seconds?: number;
  readonly error?: string;
  /** Why it was (not) run, for the summary. */
  readonly reason: string;
}

/** Runs `plan` and reports every stack it considered; never throws for a failed stack (see `error`). */
export async function runDeploy(plan: DeployPlan, engine: StackEngine, opts: DeployOptions, progress: (line: string) => void = () => undefined): Promise<StackOutcome[]> {
  if (!Number.isInteger(opts.parallel) || opts.parallel < 1) throw new Error(`--parallel: ${opts.parallel} is not a whole number >= 1; e.g. --parallel 4`);
  const stacks = (await engine.listStacks()).map((s) => ({ ...s, name: s.name.split('/').pop()! }));
  // One writer per object: an environment `pulumi up` deployed holds the same objects deploy would write.
  const single = stacks.find((s) => s.name === plan.env && (s.resourceCount ?? 0) > 0);
  if (single) {
    throw new Error(`stack "${plan.env}" holds ${single.resourceCount} resources deployed with \`pulumi up\`; deploy would write the same objects from ${plan.env}.platform and ${plan.env}.tenant-* (two writers). Keep using \`pulumi up\` for it, or \`pulumi destroy\` it (or move its resources, docs/deploy.md) first`);
  }
  const existing = new Set(stacks.map((s) => s.name));
  const configured = new Set(plan.tenants.map((t) => t.stack));
  const removed = [...existing].filter((s) => tenantOfStack(plan.env, s) !== undefined && !configured.has(s)).sort();
  if (opts.tenant !== undefined && !plan.tenants.some((t) => t.tenant === opts.tenant) && !removed.includes(tenantStack(plan.env, opts.tenant))) {
    throw new Error(`--tenant: "${opts.tenant}" is not a tenant of stack "${plan.env}" (tenants: ${plan.tenants.map((t) => t.tenant).join(', ') || 'none'})`);
  }
  const tenants = plan.tenants.filter((t) => opts.tenant === undefined || t.tenant === opts.tenant);
  const deployed = new Map<string, string | undefined>();
  await mapLimit([plan.platform, ...tenants].filter((p) => existing.has(p.stack)), opts.parallel, async (p) => {
    deployed.set(p.stack, await recordedHash(engine, p.stack));
  });
  const why = (p: PlannedStack) => (opts.refresh ? 'refresh' : !existing.has(p.stack) ? 'new' : deployed.get(p.stack) !== p.hash ? 'inputs changed' : undefined);

  const outcomes: StackOutcome[] = [];
  const total = [plan.platform, ...tenants].filter((p) => why(p)).length + (opts.prune ? removed.filter(selectedRemoval(plan.env, opts)).length : 0);
  let started = 0;
  const run = async (stack: string, action: StackOutcome['action'], reason: string, op: () => Promise<{ changes: ResourceChanges; outputs?: Record<string, unknown> }>) => {
    const n = ++started;
    progress(`[${n}/${total}] ${stack}: ${action} (${reason})`);
    const t0 = process.hrtime.bigint();
    try {
      const result = await op();
      const outcome = { stack, action, reason, changes: result.changes, seconds: elapsed(t0) };
      progress(`[${n}/${total}] ${stack}: ${action} done, ${formatChanges(result.changes)} in ${outcome.seconds.toFixed(1)} s`);
      outcomes.push(outcome);
      return result;
    } catch (e) {
      const error = firstLines((e as Error).message);
      outcomes.push({ stack, action, reason, seconds: elapsed(t0), error });
      progress(`[${n}/${total}] ${stack}: ${action} FAILED after ${elapsed(t0).toFixed(1)} s: ${error}`);
      return undefined;
    }
  };
  const action = opts.preview ? 'preview' : 'up';
  const update = (stack: string, program: StackProgram) => () => engine.update(stack, program, { preview: opts.preview, refresh: opts.refresh });

  // The platform first: tenants need its CRDs, namespaces and registry.
  let platformOutputs: Record<string, unknown> | undefined;
  const platformReason = why(plan.platform);
  if (platformReason) {
    const result = await run(plan.platform.stack, action, platformReason, update(plan.platform.stack, plan.platform.program));
    platformOutputs = result?.outputs;
    if (!result) {
      for (const t of tenants) outcomes.push({ stack: t.stack, action: 'not-run', reason: `${plan.platform.stack} failed` });
      return outcomes;
    }
  } else {
    outcomes.push({ stack: plan.platform.stack, action: 'unchanged', reason: 'inputs unchanged' });
  }
  // A preview of a platform never deployed has no outputs yet; its tenants preview without them.
  platformOutputs ??= existing.has(plan.platform.stack) ? await engine.outputs(plan.platform.stack) : {};

  await mapLimit(tenants, opts.parallel, async (t) => {
    const reason = why(t);
    if (!reason) {
      outcomes.push({ stack: t.stack, action: 'unchanged', reason: 'inputs unchanged' });
      return;
    }
    await run(t.stack, action, reason, update(t.stack, t.program(platformOutputs!)));
  });

  await mapLimit(removed.filter(selectedRemoval(plan.env, opts)), opts.parallel, async (stack) => {
    if (!opts.prune) {
      outcomes.push({ stack, action: 'kept', reason: 'tenant removed from the configuration; --prune destroys its stack' });
      return;
    }
    await run(stack, opts.preview ? 'preview-destroy' : 'destroy', 'tenant removed', () => engine.destroy(stack, { preview: opts.preview }));
  });
  return outcomes;
}

/** The inputs hash a stack's last successful update recorded, if any. */
async function recordedHash(engine: StackEngine, stack: string): Promise<string | undefined> {
  const value = (await engine.outputs(stack))[INPUTS_HASH_OUTPUT];
  return typeof value === 'string' ? value : undefined;
}

/** Removed stacks `--tenant` selects: all of them without it. */
function selectedRemoval(env: string, opts: DeployOptions): (stack: string) => boolean {
  return (stack) => opts.tenant === undefined || tenantOfStack(env, stack) === opts.tenant;
}

function elapsed(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function firstLines(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  // Automation API errors start with the command line; the engine's own diagnostics are what matter.
  const diagnostics = lines.filter((l) => /error:|failed|Error/.test(l) && !l.startsWith('code:') && !l.startsWith('stderr:'));
  return (diagnostics.length ? diagnostics : lines).slice(0, 3).join(' | ').slice(0, 600);
}

/** `3 create, 1 update` (what did not change is left out). */
export function formatChanges(changes: ResourceChanges | undefined): string {
  const parts = Object.entries(changes ?? {}).filter(([k, n]) => k !== 'same' && n > 0).map(([k, n]) => `${n} ${k}`);
  return parts.length ? parts.join(', ') : 'no changes';
}

/** The summary table: stack, action, changes, duration, result. */
export function formatSummary(outcomes: readonly StackOutcome[]): string {
  const rows = [['stack', 'action', 'changes', 'duration', 'result'], ...outcomes.map((o) => [
    o.stack, o.action, o.changes ? formatChanges(o.changes) : '-', o.seconds === undefined ? '-' : `${o.seconds.toFixed(1)} s`,
    o.error ? `FAILED: ${o.error}` : o.reason,
  ])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (i === 4 ? 0 : r[i].length))));
  return rows.map((r) => r.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}
