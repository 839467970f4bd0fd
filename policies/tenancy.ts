/**
 * Who owns a namespace, from the platform's own facts rather than from labels an author can change:
 * the platform's namespaces are configured (`platformNamespaces`), so every other namespace is a
 * tenant's, whatever its labels say or whether its Namespace object is in the reviewed set. Tenant
 * groups come from the configured tenant list (`tenants`) and from the tenants' own RoleBindings.
 */
import { LABEL } from '../constructs/labels';
import type { K8sObject, RuleContext } from './types';

/** Whether `ns` is one of the platform's namespaces (configured, never inferred from labels). */
export function isPlatformNamespace(ctx: RuleContext, ns: string | undefined): boolean {
  return ns !== undefined && ctx.config.platformNamespaces.includes(ns);
}

/** Whether objects in namespace `ns` belong to a tenant: any namespace that is not the platform's nor `default`. */
export function isTenantNs(ctx: RuleContext, ns: string | undefined): boolean {
  return typeof ns === 'string' && ns !== '' && ns !== 'default' && !isPlatformNamespace(ctx, ns);
}

/** A Namespace object of a tenant: by name (fail closed), or labelled as one. */
export function isTenantNamespaceObject(ctx: RuleContext, ns: K8sObject): boolean {
  return isTenantNs(ctx, ns.metadata?.name) || ns.metadata?.labels?.[LABEL.role] === 'tenant';
}

/** Tenants (namespaces) of each group: the configured tenant list, then the groups bound in tenant namespaces. */
export function tenantsOfGroups(ctx: RuleContext): ReadonlyMap<string, ReadonlySet<string>> {
  return ctx.index.memo('tenancy:groups', () => {
    const map = new Map<string, Set<string>>();
    const add = (group: string, tenant: string): void => {
      map.set(group, (map.get(group) ?? new Set()).add(tenant));
    };
    const configured = Object.entries(ctx.config.tenants);
    for (const [tenant, groups] of configured) for (const g of groups) add(g, tenant);
    // Without a configured list, the tenants' own RoleBindings say which groups are theirs.
    if (configured.length === 0) {
      for (const rb of ctx.index.ofKind('RoleBinding')) {
        const ns = rb.metadata?.namespace;
        if (!isTenantNs(ctx, ns)) continue;
        for (const s of Array.isArray(rb.subjects) ? rb.subjects : []) if (s?.kind === 'Group' && typeof s.name === 'string') add(s.name, ns as string);
      }
    }
    return map;
  });
}

/** The tenant owning `group`, when the facts name exactly one. */
export function ownerOfGroup(ctx: RuleContext, group: string): string | undefined {
  const configured = Object.entries(ctx.config.tenants).filter(([, gs]) => gs.includes(group)).map(([t]) => t);
  if (configured.length === 1) return configured[0];
  const owners = tenantsOfGroups(ctx).get(group);
  return owners && owners.size === 1 ? [...owners][0] : undefined;
}
