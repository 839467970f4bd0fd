import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { MANDATORY, type Rule, type Violation } from '../types';
import { type ImageReference, isAllowedImage, parseImageReference } from '../../constructs/image-reference';

const ID = 'image-provenance';

/** Images are pinned (a tag other than latest, a digest where required) and come from allowed registries. */
export const imageProvenance: Rule = {
  id: ID,
  description: 'Container images (and kagent BYO images) carry a tag that is not "latest", a digest when requireDigest is set (prod), and come from an allowed registry.',
  severity: 'high',
  remediation: 'Pin images as registry/repo:version@sha256:<digest> from an allowed registry (config "registries").',
  enforcement: MANDATORY,
  configKeys: ['registries', 'requireDigest'],
  check: (obj, ctx) => {
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      for (const c of pod.containers) {
        const image = c.container.image;
        if (c.implicit && image === undefined) continue;
        const path = `${c.path}.image`;
        if (typeof image !== 'string' || image === '') {
          out.push(violation(ID, obj, path, 'container has no image', `set ${path}`));
          continue;
        }
        const ref = normalizeImage(image);
        if (!ref.digest && (ref.tag === undefined || ref.tag === 'latest')) {
          out.push(violation(ID, obj, path, ref.tag ? `image "${image}" uses the mutable tag "latest"` : `image "${image}" has no tag`, `pin a version tag (and digest), e.g. ${ref.repository}:1.2.3`));
        } else if (ctx.config.requireDigest && !ref.digest) {
          out.push(violation(ID, obj, path, `image "${image}" is not pinned by digest`, `use ${image}@sha256:<digest>`));
        }
        const allowed = ctx.config.registries;
        if (allowed.length > 0 && !isAllowedImage(ref, allowed)) {
          out.push(violation(ID, obj, path, `image "${image}" (${ref.repository}) is not from an allowed registry`, `use an image under ${allowed.join(', ')}, or add its registry to config "registries"`));
        }
      }
    }
    return out;
  },
};

/**
 * An image reference split into fully-qualified repository, tag and digest (`nginx` →
 * `docker.io/library/nginx`), by the parser the constructs use; an unparsable reference keeps
 * its text as the repository (and so matches no allow list).
 */
export function normalizeImage(image: string): ImageReference | { repository: string; tag?: string; digest?: string } {
  return parseImageReference(image) ?? { repository: image };
}
