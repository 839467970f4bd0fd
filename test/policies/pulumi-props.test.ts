/** Pulumi resource types -> the Kubernetes objects the CrossGuard pack checks. */
import { kindOfType, plainProps } from '../../policies/pulumi-props';

test('a server-side-apply patch is checked as the kind it patches (the default ServiceAccount of a tenant)', () => {
  expect(kindOfType('kubernetes:core/v1:ServiceAccountPatch')).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount' });
  expect(plainProps('kubernetes:core/v1:ServiceAccountPatch', 'acme-default-patch', {
    metadata: { name: 'default', namespace: 'acme' }, automountServiceAccountToken: false,
  })!.obj).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'acme' }, automountServiceAccountToken: false });
  expect(kindOfType('kubernetes:apps/v1:Deployment')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment' });
  expect(kindOfType('kubernetes:yaml/v2:ConfigGroup')).toBeUndefined();
});
