/** Wraps the rules as CrossGuard policies (resource policies, stack policies, config schemas); no pack is built here. */
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { CONFIG_SCHEMA, resolveConfig, type PolicyConfig } from './config';
import { ObjectIndex } from './object-index';
import { plainProps, underUnknown } from './pulumi-props';
import { isNacos } from './roles';
import { RULES } from './rules';
import type { Env, K8sObject, Rule, Violation } from './types';

/** Policies of the pack for `env`: one resource policy per rule with `check`, one stack policy per rule with `checkSet`. */
export function buildPolicies(env: Env, rules: readonly Rule[] = RULES): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const defaults = resolveConfig(env);
  const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
  for (const rule of rules) {
    const base = {
      description: rule.description,
      enforcementLevel: rule.enforcement[env],
      severity: rule.severity,
      remediationSteps: rule.remediation,
      configSchema: { properties: Object.fromEntries((rule.configKeys ?? []).map((k) => [k, { ...CONFIG_SCHEMA[k], default: defaults[k] } as any])) },
    };
    const check = rule.check;
    if (check) {
      policies.push({
        ...base,
        name: rule.id,
        validateResource: (args, report) => {
          const plain = plainProps(args.type, args.name, args.props);
          if (!plain || (rule.kinds && !rule.kinds.includes(plain.obj.kind ?? ''))) return;
          const ctx = { index: new ObjectIndex([plain.obj]), config: _config(defaults, args.getConfig()) };
          _report(check(plain.obj, ctx), plain.unknownPaths, report);
        },
      });
    }
    const checkSet = rule.checkSet;
    if (checkSet) {
      policies.push({
        ...base,
        name: check ? `${rule.id}-stack` : rule.id,
        validateStack: (args, report) => {
          const { objects, unknownPaths, urns } = _objects(args.resources);
          const ctx = { index: new ObjectIndex(objects), config: _config(defaults, args.getConfig()) };
          for (const obj of ctx.index.all) {
            if (rule.kinds && !rule.kinds.includes(obj.kind ?? '')) continue;
            _report(checkSet(obj, ctx), unknownPaths.get(obj) ?? [], report, urns.get(obj));
          }
        },
      });
    }
  }
  policies.push(protectStateful(env));
  return policies;
}

/** Rule 19 (Pulumi only): the Nacos StatefulSet and its PVCs are protected in prod. */
/** `protect-stateful`: stateful registry objects are deployed with `protect` and `retainOnDelete` (Pulumi resource options, so a stack policy). */
export function protectStateful(env: Env): StackValidationPolicy {
  return {
    name: 'protect-stateful',
    description: 'In prod the Nacos StatefulSet and its PersistentVolumeClaims are created with protect: true (and retainOnDelete).',
    enforcementLevel: 'advisory',
    severity: 'medium',
    remediationSteps: 'Pass { protect: true, retainOnDelete: true } as resource options to the Nacos chart release in prod.',
    validateStack: (args, report) => {
      if (env !== 'prod') return;
      for (const r of args.resources) {
        const plain = plainProps(r.type, r.name, r.props);
        if (!plain || r.opts.protect) continue;
        const nacosPvc = plain.obj.kind === 'PersistentVolumeClaim' && plain.obj.metadata?.namespace === 'nacos';
        if ((plain.obj.kind === 'StatefulSet' && isNacos(plain.obj)) || nacosPvc) {
          report(`${plain.obj.kind}/${plain.obj.metadata?.namespace ?? ''}/${plain.obj.metadata?.name}: stateful registry object is not protected; fix: set protect: true and retainOnDelete: true`, r.urn);
        }
      }
    },
  };
}

/** Env defaults overlaid with the policy's Pulumi config (only known keys). */
function _config(defaults: PolicyConfig, given: Record<string, unknown>): PolicyConfig {
  const known = Object.fromEntries(Object.entries(given ?? {}).filter(([k]) => k in CONFIG_SCHEMA));
  return { ...defaults, ...known };
}

function _objects(resources: PolicyResource[]): { objects: K8sObject[]; unknownPaths: Map<K8sObject, readonly string[]>; urns: Map<K8sObject, string> } {
  const objects: K8sObject[] = [];
  const unknownPaths = new Map<K8sObject, readonly string[]>();
  const urns = new Map<K8sObject, string>();
  for (const r of resources) {
    const plain = plainProps(r.type, r.name, r.props);
    if (!plain) continue;
    objects.push(plain.obj);
    unknownPaths.set(plain.obj, plain.unknownPaths);
    urns.set(plain.obj, r.urn);
  }
  return { objects, unknownPaths, urns };
}

/** Reports violations the way the review CLI prints them; findings under unknown values are skipped until `up`. */
function _report(violations: Violation[], unknownPaths: readonly string[], report: ReportViolation, urn?: string): void {
  for (const v of violations) {
    if (unknownPaths.length && underUnknown(v.path, unknownPaths)) continue;
    report(`${v.advisory ? '[advisory] ' : ''}${v.object} at ${v.path || '(object)'}: ${v.message}; fix: ${v.fix}`, urn);
  }
}
