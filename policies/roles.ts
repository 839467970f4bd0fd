/** Recognizes the platform's objects by the label contract of `constructs/labels.ts`. */
import { LABEL } from '../constructs/labels';
import type { K8sObject } from './types';
import type { ObjectIndex } from './object-index';

/** A tenant namespace: role `tenant`, or a tenant label without another role. */
export function isTenantNamespace(ns: K8sObject): boolean {
  const labels = ns.metadata?.labels;
  if (!labels) return false;
  const role = labels[LABEL.role];
  return role === 'tenant' || (role === undefined && typeof labels[LABEL.tenant] === 'string');
}

/** Whether the namespace named `name` is a tenant namespace of this set (false when the set lacks it). */
export function isTenantNamespaceName(index: ObjectIndex, name: string | undefined): boolean {
  if (!name) return false;
  const ns = index.get('Namespace', '', name);
  return ns !== undefined && isTenantNamespace(ns);
}

/** Sandboxes: agent-sandbox kinds and anything labelled role `sandbox`. */
export function isSandbox(obj: K8sObject): boolean {
  return obj.kind === 'Sandbox' || obj.kind === 'SandboxTemplate' || obj.metadata?.labels?.[LABEL.role] === 'sandbox';
}

/** The Nacos registry workload: role `registry`, or a StatefulSet running the nacos-server image. */
export function isNacos(obj: K8sObject): boolean {
  if (obj.metadata?.labels?.[LABEL.role] === 'registry') return true;
  if (obj.kind !== 'StatefulSet') return false;
  const containers: any[] = obj.spec?.template?.spec?.containers ?? [];
  return Array.isArray(containers) && containers.some((c) => typeof c?.image === 'string' && c.image.includes('nacos-server'));
}
