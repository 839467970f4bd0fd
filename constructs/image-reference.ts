/**
 * Container image references, parsed once for constructs, policies and the stack config:
 * the grammar of the OCI distribution reference (github.com/distribution/reference,
 * `regexp.go`), with Docker Hub's implicit `docker.io/library/` made explicit.
 */

/** An image reference split into its parts. */
export interface ImageReference {
  /** Registry host (and port), e.g. `ghcr.io`; `docker.io` when the reference names none. */
  readonly registry: string;
  /** Repository path in the registry, e.g. `acme/agent` (`library/nginx` for `nginx`). */
  readonly path: string;
  /** `registry/path`, the fully-qualified repository. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/**
 * Parses `ref`, or returns undefined when it is not an image reference.
 * @example parseImageReference('nginx:1.27') // { registry: 'docker.io', path: 'library/nginx', tag: '1.27', ... }
 */
export function parseImageReference(ref: string): ImageReference | undefined {
  const m = REFERENCE.exec(ref);
  if (!m || ref.length > 255 + 128 + 80) return undefined;
  let [, domain, path] = m;
  // Like Docker: the first component is a registry only if it looks like a host.
  if (domain && !(domain.includes('.') || domain.includes(':') || domain === 'localhost' || domain !== domain.toLowerCase())) {
    path = `${domain}/${path}`;
    domain = undefined as unknown as string;
  }
  const registry = domain ?? 'docker.io';
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { registry, path, repository: `${registry}/${path}`, tag: m[3], digest: m[4] };
}

/** Whether the image is pinned: a digest, or a tag other than `latest`. */
export function isPinnedImage(ref: ImageReference): boolean {
  return ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest');
}

/**
 * Whether the image comes from an allowed location: a registry (`ghcr.io`) or a registry and
 * path prefix (`ghcr.io/acme`), matched at a path boundary, so `ghcr.io/acme` allows
 * `ghcr.io/acme/agent` and not `ghcr.io/acmecorp/agent`. `nacos` means `docker.io/nacos`.
 */
export function isAllowedImage(ref: Pick<ImageReference, 'repository'>, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const prefix = normalizeAllowEntry(entry);
    return ref.repository === prefix || ref.repository.startsWith(`${prefix}/`);
  });
}

function normalizeAllowEntry(entry: string): string {
  const trimmed = entry.replace(/\/+$/, '');
  const first = trimmed.split('/', 1)[0];
  const isRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  return isRegistry ? trimmed : `docker.io/${trimmed}`;
}
