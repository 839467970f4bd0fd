import { resolveConfig } from '../../../policies/config';
/** Loads the compliant baseline platform fresh for each test, so tests mutate their own copy. */
import * as path from 'path';
import { checkManifests } from '../../../policies/check-manifests';
import { loadManifests } from '../../../policies/load-manifests';
import type { Env, K8sObject } from '../../../policies/types';

/** Directory of the hand-written YAML fixtures. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** A fresh deep copy of the baseline objects. */
export function baseline(): any[] {
  return loadManifests([path.join(FIXTURES, 'baseline.yaml')]).objects as any[];
}

/** The single object of a kind and name (by name, never by position). */
export function findOne(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} named ${name}, found ${found.length}`);
  return found[0];
}

/** Violations of one rule as `{object, path, level}` triples. */
export function violationsOf(ruleId: string, objects: readonly K8sObject[], env: Env = 'prod', config?: Record<string, unknown>): { object: string; path: string; level: string }[] {
  return checkManifests(objects, { env, config: resolveConfig(env, config ? { [env]: config } : {}) }).violations.filter((v) => v.ruleId === ruleId).map((v) => ({ object: v.object, path: v.path, level: v.level }));
}
