/**
 * What the controller needs from Kubernetes, as two small interfaces: informers (list + watch
 * caches) and a writer (Events, token Secrets, the leader Lease). `kube-client.ts` implements them
 * with @kubernetes/client-node; tests use an in-memory cluster with the same semantics.
 */
import type { ObjectMeta } from './desired-state';

/** A cache of one kind, kept by list + watch. */
export interface Informer<T extends { metadata: ObjectMeta }> {
  /** Called for every add/update (`deleted` false) and delete (`deleted` true). */
  onChange(handler: (obj: T, deleted: boolean) => void): void;
  /** Every cached object. */
  list(): T[];
  /** True once the first list completed. */
  readonly synced: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A core/v1 Secret as the controller writes it. */
export interface SecretObject {
  readonly metadata: ObjectMeta & { ownerReferences?: readonly OwnerReference[] };
  readonly type?: string;
  /** Base64 values, as the API returns them. */
  readonly data?: Readonly<Record<string, string>>;
}

/** A metadata.ownerReferences item. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

/** The object an Event is about. */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

/** Writes the controller makes to the API server. */
export interface ClusterWriter {
  /** Records a core/v1 Event on `subject`. */
  recordEvent(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  getSecret(namespace: string, name: string): Promise<SecretObject | undefined>;
  /**
   * Merge-patches an existing Secret's annotations and data (never its other fields, which the
   * manifests own); throws when the Secret does not exist.
   */
  patchSecret(namespace: string, name: string, patch: { annotations: Record<string, string>; data: Record<string, string> }): Promise<void>;
}
