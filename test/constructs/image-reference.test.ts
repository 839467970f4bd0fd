import { _assertPinnedImage } from '../../constructs/_security';
import { isAllowedImage, parseImageReference } from '../../constructs/image-reference';
import { checkManifests } from '../../policies/check-manifests';
import { resolveConfig } from '../../policies/config';

/** What the image-provenance policy says about one Deployment running `image` with allow list `registries`. */
function policyAllows(image: string, registries: string[]): boolean {
  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'acme' },
    spec: { template: { spec: { containers: [{ name: 'x', image }] } } },
  };
  const report = checkManifests([deployment], { env: 'dev', config: resolveConfig('dev', { all: { registries } } as any) });
  return !report.violations.some((v) => v.ruleId === 'image-provenance');
}

function constructAllows(image: string, registries: string[]): boolean {
  try {
    _assertPinnedImage(image, 'byo.image', registries);
    return true;
  } catch {
    return false;
  }
}

describe('one image-reference parser for constructs and policies', () => {
  test.each<[string, string[], boolean]>([
    ['ghcr.io/acmecorp/x:1.0.0', ['ghcr.io/acme'], false],
    ['ghcr.io/acme/x:1.0.0', ['ghcr.io/acme'], true],
    ['ghcr.io/acme/x:1.0.0', ['ghcr.io/acme/'], true],
    ['nacos/nacos-server:v3.1.0', ['nacos'], true],
    ['nacos/nacos-server:v3.1.0', ['docker.io/nacos'], true],
    ['docker.io/nacosx/server:1.0', ['docker.io/nacos'], false],
    ['ghcr.io/acme/x:1.0.0', ['ghcr.io'], true],
    ['ghcr.io.evil.com/acme/x:1.0.0', ['ghcr.io'], false],
  ])('%s with allow list %j: allowed=%s, the same in the construct and the policy', (image, registries, allowed) => {
    expect(isAllowedImage(parseImageReference(image)!, registries)).toBe(allowed);
    expect(constructAllows(image, registries)).toBe(allowed);
    expect(policyAllows(image, registries)).toBe(allowed);
  });

  test('parses Docker Hub short names, registries with ports and digests', () => {
    expect(parseImageReference('nginx:1.27')).toMatchObject({ registry: 'docker.io', path: 'library/nginx', tag: '1.27' });
    expect(parseImageReference('localhost:5000/a/b@sha256:0123456789abcdef0123456789abcdef')).toMatchObject({ registry: 'localhost:5000', path: 'a/b', digest: 'sha256:0123456789abcdef0123456789abcdef' });
    expect(parseImageReference('ghcr.io/Acme/x 1')).toBeUndefined();
  });
});
