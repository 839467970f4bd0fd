import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { LABEL, MANAGED_BY } from './labels';

/** A plain Kubernetes object as JSON, with at least apiVersion, kind and metadata.name. */
export interface _Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/**
 * Emits one object with the labels every object of ours carries. Plain JSON through
 * `ApiObject` keeps the per-object cost low (the L2 cdk8s-plus layer is several times slower).
 */
export function _emit(scope: Construct, id: string, manifest: _Manifest, labels: Record<string, string> = {}): ApiObject {
  const { apiVersion, kind, metadata, ...rest } = manifest;
  return new ApiObject(scope, id, {
    apiVersion,
    kind,
    metadata: { ...metadata, labels: { [LABEL.managedBy]: MANAGED_BY, ...labels, ...metadata.labels } },
    ...rest,
  });
}
