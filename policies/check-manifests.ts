/** Runs every rule over a set of objects: index once, dispatch by kind, one pass. */
import { resolveConfig, type PolicyConfig } from './config';
import { ObjectIndex } from './object-index';
import { objectRef } from './object-ref';
import { RULES } from './rules';
import type { EnforcementLevel, Env, K8sObject, Rule, RuleContext, Severity, Violation } from './types';

/** A violation with the level it has in the reviewed environment. */
export interface ReportedViolation extends Violation {
  readonly level: Exclude<EnforcementLevel, 'disabled'>;
  readonly severity: Severity;
  /** File the object came from, when known. */
  readonly file?: string;
}

/** Outcome of a review. */
export interface ReviewReport {
  readonly env: Env;
  readonly objects: number;
  readonly violations: readonly ReportedViolation[];
  readonly mandatory: number;
  readonly advisory: number;
  /** `fail` when at least one mandatory violation exists. */
  readonly verdict: 'pass' | 'fail';
}

/** Options of `checkManifests`. */
export interface CheckOptions {
  readonly env: Env;
  /** @default the environment's defaults (`DEFAULT_CONFIG[env]`) */
  readonly config?: PolicyConfig;
  /** @default RULES */
  readonly rules?: readonly Rule[];
  /** Names the file an object came from, for the report. */
  readonly sourceOf?: (obj: K8sObject) => string | undefined;
}

/** Level of a rule in an environment after configuration overrides. */
export function levelOf(rule: Rule, env: Env, config: PolicyConfig): EnforcementLevel {
  return config.enforcement[rule.id] ?? rule.enforcement[env];
}

/**
 * Checks plain Kubernetes objects against the rules and returns the violations and the verdict.
 * @example checkManifests(objects, { env: 'prod' }).verdict // 'pass' | 'fail'
 */
export function checkManifests(objects: readonly K8sObject[], options: CheckOptions): ReviewReport {
  const config = options.config ?? resolveConfig(options.env);
  const ctx: RuleContext = { index: new ObjectIndex(objects), config };
  const byKind = new Map<string, _Active[]>();
  const anyKind: _Active[] = [];
  for (const rule of options.rules ?? RULES) {
    const level = levelOf(rule, options.env, config);
    if (level === 'disabled') continue;
    const active = { rule, level };
    if (!rule.kinds) anyKind.push(active);
    else for (const k of rule.kinds) byKind.set(k, [...(byKind.get(k) ?? []), active]);
  }
  // Rules for a kind = its specific rules + the any-kind rules, combined once per kind.
  for (const [k, list] of byKind) byKind.set(k, [...list, ...anyKind]);
  const violations: ReportedViolation[] = [];
  let mandatory = 0;
  // The effective state: an object written twice is judged as kubectl apply leaves it (the last copy).
  for (const obj of ctx.index.all) {
    const actives = byKind.get(obj.kind ?? '') ?? anyKind;
    for (const a of actives) {
      for (const v of _run(a.rule, obj, ctx)) {
        const level = v.advisory ? 'advisory' : a.level;
        if (level === 'mandatory') mandatory++;
        const file = options.sourceOf?.(obj);
        violations.push({ ...v, level, severity: a.rule.severity, ...(file ? { file } : {}) });
      }
    }
  }
  return { env: options.env, objects: objects.length, violations, mandatory, advisory: violations.length - mandatory, verdict: mandatory > 0 ? 'fail' : 'pass' };
}

interface _Active {
  readonly rule: Rule;
  readonly level: Exclude<EnforcementLevel, 'disabled'>;
}

/** Both halves of a rule on one object; a rule that throws on odd input reports that instead of aborting the review. */
function _run(rule: Rule, obj: K8sObject, ctx: RuleContext): Violation[] {
  try {
    const own = rule.check ? rule.check(obj, ctx) : [];
    const set = rule.checkSet ? rule.checkSet(obj, ctx) : [];
    return set.length ? [...own, ...set] : own;
  } catch (e) {
    return [{ ruleId: rule.id, object: objectRef(obj), path: '', message: `rule could not evaluate this object: ${(e as Error).message}`, fix: 'check that the object follows the Kubernetes schema of its kind', advisory: true }];
  }
}
