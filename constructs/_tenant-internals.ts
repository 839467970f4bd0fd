import type { ITenantNamespace, _TenantRegistrar } from './contracts';

// Registrars of the tenants built by TenantNamespace; kept off the public ITenantNamespace.
const registrars = new WeakMap<ITenantNamespace, _TenantRegistrar>();

/** Called by TenantNamespace for itself. */
export function _setTenantRegistrar(tenant: ITenantNamespace, registrar: _TenantRegistrar): void {
  registrars.set(tenant, registrar);
}

/** The registrar of a tenant; agents and pools need a real TenantNamespace to register with. */
export function _tenantInternals(tenant: ITenantNamespace): _TenantRegistrar {
  const r = registrars.get(tenant);
  if (!r) {
    throw new Error(`tenant "${tenant.name}" is not a TenantNamespace; agents and sandbox pools register their routes and quota with it, create the tenant with new TenantNamespace(...)`);
  }
  return r;
}
