import type { ITenantNamespace, _TenantRegistrar } from './contracts';

// Registrars of the tenants built by TenantNamespace, kept off the public ITenantNamespace under a
// symbol nobody else has. Not a module-level WeakMap: V8's young-generation GC keeps the values of an
// old WeakMap alive, and a registrar reaches its tenant's whole construct tree, so every tenant built
// since the last GC survived it and was copied to the old generation (half of synth's GC time).
const REGISTRAR = Symbol('agentruntime.tenantRegistrar');

/** Called by TenantNamespace for itself. */
export function _setTenantRegistrar(tenant: ITenantNamespace, registrar: _TenantRegistrar): void {
  Object.defineProperty(tenant, REGISTRAR, { value: registrar });
}

/** The registrar of a tenant; agents and pools need a real TenantNamespace to register with. */
export function _tenantInternals(tenant: ITenantNamespace): _TenantRegistrar {
  const r = (tenant as unknown as { [REGISTRAR]?: _TenantRegistrar })[REGISTRAR];
  if (!r) {
    throw new Error(`tenant "${tenant.name}" is not a TenantNamespace; agents and sandbox pools register their routes and quota with it, create the tenant with new TenantNamespace(...)`);
  }
  return r;
}
