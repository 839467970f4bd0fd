/** Recognizes the platform's objects by the label contract of `constructs/labels.ts`. */
import { LABEL } from '../constructs/labels';
import type { K8sObject } from './types';

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

/** Kinds without a namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'RuntimeClass', 'PriorityClass', 'CustomResourceDefinition', 'StorageClass',
  'PersistentVolume', 'Node', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ClusterIssuer', 'PodSecurityPolicy', 'VolumeAttachment', 'CSIDriver',
  'CSINode', 'ClusterTriggerAuthentication', 'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest',
]);
