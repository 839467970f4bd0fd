/**
 * The policy library: the rules, the manifest review and their CrossGuard form. Importing it
 * constructs no PolicyPack; the pack entry is `policies/pack/` (`pulumi preview --policy-pack policies/pack`).
 */
export { checkManifests, levelOf, type CheckOptions, type ReportedViolation, type ReviewReport } from './check-manifests';
export { DEFAULT_CONFIG, resolveConfig, type PolicyConfig, type PolicyConfigFile } from './config';
export { formatReport, REPORT_FORMATS, type ReportFormat } from './format-report';
export { loadManifests, ManifestError, parseManifestText } from './load-manifests';
export { buildPolicies, protectStateful } from './pulumi-policies';
export { RULES } from './rules';
export type { EnforcementLevel, Env, K8sObject, Rule, Violation } from './types';
