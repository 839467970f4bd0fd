/**
 * Baseline mode: a review's real question is "what does this change do to who can do what". The
 * candidate is reviewed with the configuration its baseline (what the stack config synthesizes)
 * implies: the tenants and their groups, the issuers the gateway trusts, each tenant's quota and
 * LimitRange. Every finding the baseline does not have, every access fact it does not grant and every
 * limit it set lower is a weakening; the effective-access diff is rendered as markdown for a PR.
 */
import { accessFacts, diffFacts, type AccessDiff } from './access-facts';
import { checkManifests, type ReportedViolation } from './check-manifests';
import { resolveConfig, type PolicyConfig } from './config';
import { gatewayTable } from './model/gateway-table';
import { ObjectIndex } from './object-index';
import { isTenantNs } from './tenancy';
import type { Env, K8sObject } from './types';

/** Outcome of a baseline review. */
export interface BaselineReport {
  /** Mandatory findings of the candidate that the baseline does not have. */
  readonly newViolations: readonly ReportedViolation[];
  readonly diff: AccessDiff;
  /** Number of weakenings: new mandatory findings, access added, limits raised or removed. */
  readonly weakenings: number;
  readonly markdown: string;
}

/** The configuration the baseline implies, over `base` (explicit settings of `base` win). */
export function configFromBaseline(baseline: readonly K8sObject[], base: PolicyConfig): PolicyConfig {
  const index = new ObjectIndex(baseline);
  const ctx = { index, config: base };
  const tenants: Record<string, string[]> = {};
  for (const rb of index.ofKind('RoleBinding')) {
    const ns = rb.metadata?.namespace;
    if (!isTenantNs(ctx, ns) || rb.roleRef?.name !== 'tenant-developer') continue;
    for (const s of rb.subjects ?? []) if (s?.kind === 'Group') (tenants[ns as string] ??= []).push(s.name);
  }
  const tenantLimits: Record<string, { quota?: Record<string, string>; limitRange?: Record<string, Record<string, string>> }> = {};
  for (const q of index.ofKind('ResourceQuota')) {
    const ns = q.metadata?.namespace;
    if (!isTenantNs(ctx, ns) || q.spec?.scopes || q.spec?.scopeSelector) continue;
    const entry = (tenantLimits[ns as string] ??= {});
    entry.quota = { ...(entry.quota ?? {}), ...Object.fromEntries(Object.entries(q.spec?.hard ?? {}).map(([k, v]) => [k, String(v)])) };
  }
  for (const lr of index.ofKind('LimitRange')) {
    const ns = lr.metadata?.namespace;
    const c = (lr.spec?.limits ?? []).find((l: any) => l?.type === 'Container');
    if (!isTenantNs(ctx, ns) || !c) continue;
    const entry = (tenantLimits[ns as string] ??= {});
    entry.limitRange = Object.fromEntries(['max', 'default', 'defaultRequest'].filter((f) => c[f]).map((f) => [f, Object.fromEntries(Object.entries(c[f]).map(([k, v]) => [k, String(v)]))]));
  }
  const issuers = [...new Set(gatewayTable(index).consumers.map((c) => c.issuer))];
  const internal = gatewayTable(index).internalIssuer;
  return {
    ...base,
    tenants: Object.keys(base.tenants).length ? base.tenants : tenants,
    trustedIssuers: base.trustedIssuers.length ? base.trustedIssuers : [...new Set([...issuers, ...(internal ? [internal] : [])])],
    tenantLimits: Object.keys(base.tenantLimits).length ? base.tenantLimits : tenantLimits,
  };
}

/** Reviews `candidate` against `baseline`; reports only what the candidate weakens. */
export function reviewAgainstBaseline(candidate: readonly K8sObject[], baseline: readonly K8sObject[], env: Env, config: PolicyConfig = resolveConfig(env)): BaselineReport {
  const effective = configFromBaseline(baseline, config);
  const key = (v: ReportedViolation): string => `${v.ruleId}|${v.object}|${v.path}|${v.message}`;
  const before = new Set(checkManifests(baseline, { env, config: effective }).violations.map(key));
  const newViolations = checkManifests(candidate, { env, config: effective }).violations.filter((v) => v.level === 'mandatory' && !before.has(key(v)));
  const diff = diffFacts(accessFacts(baseline, env, effective), accessFacts(candidate, env, effective));
  const weakenings = newViolations.length + diff.added.length + diff.raised.length;
  return { newViolations, diff, weakenings, markdown: _markdown(newViolations, diff, weakenings) };
}

const _cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function _markdown(found: readonly ReportedViolation[], diff: AccessDiff, weakenings: number): string {
  const lines: string[] = ['## Effective-access diff', ''];
  if (weakenings === 0 && diff.removed.length === 0 && diff.lowered.length === 0) {
    lines.push('No change to who can do what: the reviewed objects grant exactly what the configuration produces.');
    return lines.join('\n');
  }
  lines.push(weakenings ? `**${weakenings} weakening(s)** relative to what the configuration produces.` : 'No weakening; access was only narrowed.', '');
  if (found.length) {
    lines.push('### New findings', '', '| rule | object | field | finding |', '|---|---|---|---|');
    for (const v of found) lines.push(`| \`${v.ruleId}\` | \`${_cell(v.object)}\` | \`${_cell(v.path)}\` | ${_cell(v.message)} |`);
    lines.push('');
  }
  const section = (title: string, items: readonly string[]): void => {
    if (!items.length) return;
    lines.push(`### ${title}`, '', ...items.map((t) => `- ${_cell(t)}`), '');
  };
  section('Access granted (not in the baseline)', diff.added.map((f) => `**${f.category}**: ${f.text}`));
  section('Limits raised or removed', diff.raised.map((r) => `**quota**: ${r.before.text} → ${r.after ? r.after.limitText : 'removed (no limit)'}`));
  section('Access removed', diff.removed.map((f) => `${f.category}: ${f.text}`));
  section('Limits lowered', diff.lowered.map((r) => `${r.before.text} → ${r.after.limitText}`));
  return lines.join('\n').trimEnd();
}
