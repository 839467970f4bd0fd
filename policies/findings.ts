/** Findings of a rule that judges the whole model at once, attributed to objects, each reported once. */
import type { K8sObject, Violation } from './types';
import { violation } from './object-ref';

/** Violations by the object they are reported on. */
export type Findings = Map<K8sObject, Violation[]>;

/** Adds a finding on `o` at `path` (a repeated one is ignored). */
export type AddFinding = (o: K8sObject, path: string, message: string, fix: string) => void;

/** A findings map of rule `ruleId` and the function that adds to it. */
export function findingsOf(ruleId: string): { findings: Findings; add: AddFinding } {
  const findings: Findings = new Map();
  const seen = new Set<string>();
  const add: AddFinding = (o, path, message, fix) => {
    const key = `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}#${path}#${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.set(o, [...(findings.get(o) ?? []), violation(ruleId, o, path, message, fix)]);
  };
  return { findings, add };
}
