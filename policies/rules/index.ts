/** Every rule of the pack, in the spec's rank order. */
import type { Rule } from '../types';
import { admissionScheduling } from './admission-scheduling';
import { agentcardHygiene } from './agentcard-hygiene';
import { canarySanity } from './canary-sanity';
import { credentialsOwnership } from './credentials-ownership';
import { duplicateObjects } from './duplicate-objects';
import { gatewayAuthnRequired } from './gateway-authn-required';
import { gatewayRouteTable } from './gateway-route-table';
import { hpaSane } from './hpa-sane';
import { imageProvenance } from './image-provenance';
import { labelsRequired } from './labels-required';
import { noBarePods } from './no-bare-pods';
import { noDefaultNamespace } from './no-default-namespace';
import { noDeprecatedApis } from './no-deprecated-apis';
import { noPublicControlPlane } from './no-public-control-plane';
import { noSaTokenAutomount } from './no-sa-token-automount';
import { probesRequired } from './probes-required';
import { nacosAuthEffective } from './nacos-auth-effective';
import { networkReachability } from './network-reachability';
import { pssRestricted } from './pss-restricted';
import { rbacEffectiveAccess } from './rbac-effective-access';
import { rbacLeastPrivilege } from './rbac-least-privilege';
import { registryHa } from './registry-ha';
import { requestsLimits } from './requests-limits';
import { reviewContext } from './review-context';
import { sandboxRuntimeclassAllowlist } from './sandbox-runtimeclass-allowlist';
import { secretsNotPlaintext } from './secrets-not-plaintext';
import { tenantDefaultDenyNetpol } from './tenant-default-deny-netpol';
import { tenantQuotaEffective } from './tenant-quota-effective';
import { tenantQuotaLimitrange } from './tenant-quota-limitrange';

/** The rule set shared by `agent-runtime review`, `checkManifests` and the CrossGuard pack. */
export const RULES: readonly Rule[] = [
  tenantDefaultDenyNetpol,
  sandboxRuntimeclassAllowlist,
  pssRestricted,
  noSaTokenAutomount,
  rbacLeastPrivilege,
  rbacEffectiveAccess,
  networkReachability,
  admissionScheduling,
  duplicateObjects,
  gatewayRouteTable,
  nacosAuthEffective,
  credentialsOwnership,
  tenantQuotaEffective,
  noPublicControlPlane,
  gatewayAuthnRequired,
  secretsNotPlaintext,
  tenantQuotaLimitrange,
  requestsLimits,
  imageProvenance,
  registryHa,
  hpaSane,
  probesRequired,
  agentcardHygiene,
  canarySanity,
  labelsRequired,
  noDefaultNamespace,
  noDeprecatedApis,
  noBarePods,
  reviewContext,
];
