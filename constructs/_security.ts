/**
 * The restricted Pod Security profile, in one place. Every workload we emit uses it; gVisor
 * or Kata isolation is no reason to relax it.
 */
import { Field, refuse } from './errors';
import { isAllowedImage, isPinnedImage, parseImageReference } from './image-reference';

/** Container securityContext that satisfies Pod Security `restricted`. */
export function _restrictedContainerSecurityContext(opts: { readOnlyRootFilesystem?: boolean } = {}) {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod securityContext that satisfies Pod Security `restricted`. */
export function _restrictedPodSecurityContext(uid = 1000) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The fields every pod spec we emit for a tenant's code starts with: no service-account token,
 * no Service environment variables (they list the namespace's other Services), the restricted
 * pod securityContext.
 */
export function _restrictedPodSpecHeader(uid = 1000) {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: _restrictedPodSecurityContext(uid),
  };
}

/**
 * Refuses images that are not pinned: untagged, `:latest`, or from a registry outside
 * `allowedRegistries` (when that list is not empty). `field` names the prop in the error.
 */
export function _assertPinnedImage(image: string, field: Field, allowedRegistries: readonly string[] = [], requireDigest = false): void {
  const ref = parseImageReference(image);
  if (!ref) {
    throw refuse(field, image, 'is not an image reference; use e.g. "ghcr.io/acme/agent:1.2.3"');
  }
  // A tag can be moved to other content; a digest cannot: protected environments run only what was reviewed.
  if (requireDigest && ref.digest === undefined) {
    throw refuse(field, image, `has no digest, and this platform requires images pinned by digest (requireImageDigests; on in staging and prod); write "${image}@sha256:<digest>" (e.g. from \`crane digest ${image}\`)`);
  }
  if (!isPinnedImage(ref)) {
    throw refuse(field, image, `is not pinned; use an explicit version tag or digest, e.g. "${image.replace(/:latest$/, '')}:1.2.3"`);
  }
  if (allowedRegistries.length > 0 && !isAllowedImage(ref, allowedRegistries)) {
    throw refuse(field, image, `is not from an allowed registry (${allowedRegistries.join(', ')}); push it to one of them or add its registry to allowedRegistries`);
  }
}

/** Whether a string is a Kubernetes DNS label (RFC 1123): lowercase alphanumerics and '-', at most 63 chars. */
export function _isDnsLabel(value: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);
}
