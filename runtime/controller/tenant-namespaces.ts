/**
 * Which Kubernetes namespaces are tenant namespaces of this platform, and whose.
 *
 * Trust root: the Namespace object. `TenantNamespace` emits it with the labels
 * `agentruntime.io/role: tenant` and `agentruntime.io/tenant: <tenant>`, applied by the platform's
 * deployer (`pulumi up`). Namespaces are cluster-scoped: a tenant's developers hold only the
 * namespaced `tenant-developer` Role, and agents get no Kubernetes rights, so no tenant can create
 * a Namespace or change its labels. Everything a namespace holds (ConfigMaps, their labels and
 * annotations, EndpointSlices) is the tenant's to write, so none of it can say which tenant it
 * belongs to: the namespace it lives in says so. A namespace counts only when its tenant label
 * names the namespace itself (as the constructs emit it), so two namespaces can never claim one
 * tenant, and a Namespace that anyone labelled after the fact cannot take over another tenant's name.
 */
import { LABEL } from '../../constructs/labels';
import type { Informer } from './cluster';
import type { ObjectMeta } from './desired-state';

/** Value of `agentruntime.io/role` on tenant Namespaces. */
export const TENANT_NAMESPACE_ROLE = 'tenant';

/** Label selector of the Namespaces the controller watches. */
export const TENANT_NAMESPACE_SELECTOR = `${LABEL.role}=${TENANT_NAMESPACE_ROLE}`;

/** A core/v1 Namespace (cluster-scoped: its `metadata.namespace` is empty). */
export interface NamespaceObject {
  readonly metadata: ObjectMeta;
}

/** The tenant a Namespace stands for, or `undefined` when it is no tenant namespace of this platform. */
export function tenantOfNamespace(ns: NamespaceObject): string | undefined {
  const labels = ns.metadata.labels ?? {};
  if (labels[LABEL.role] !== TENANT_NAMESPACE_ROLE) return undefined;
  const tenant = labels[LABEL.tenant];
  return tenant && tenant === ns.metadata.name ? tenant : undefined;
}

/** The tenant namespaces, kept from a Namespace informer. */
export class TenantNamespaces {
  private readonly _tenants = new Map<string, string>();

  /** `onChange(namespace)` is called whenever a namespace becomes, stops being or changes tenant. */
  constructor(private readonly _informer: Informer<NamespaceObject>, onChange: (namespace: string) => void) {
    _informer.onChange((ns, deleted) => {
      const name = ns.metadata.name;
      const before = this._tenants.get(name);
      const after = deleted ? undefined : tenantOfNamespace(ns);
      if (after) this._tenants.set(name, after);
      else this._tenants.delete(name);
      if (before !== after) onChange(name);
    });
  }

  /** The tenant of Kubernetes namespace `namespace`, or `undefined`. */
  tenantOf(namespace: string): string | undefined {
    return this._tenants.get(namespace);
  }

  get synced(): boolean {
    return this._informer.synced;
  }
}
