import { Testing } from 'cdk8s';
import { buildExampleApp } from '../examples/cdk8s-app';
import { findOne } from './support/manifest';
import { validateAll } from './support/schema-validator';

test('the README cdk8s example synthesizes valid objects with the declared call allowed', () => {
  const app = buildExampleApp();
  const objects = app.charts.flatMap((c) => c.toJson());
  expect(validateAll(objects)).toEqual([]);
  expect(findOne(objects, 'StatefulSet', 'nacos', 'nacos').spec.replicas).toBe(3);
  const egress = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'acme');
  expect(JSON.stringify(egress)).toContain('search');
  expect(Testing).toBeDefined();
});
