import { Testing } from 'cdk8s';
import { buildExampleApp } from '../examples/cdk8s-app';
import { findOne } from './support/manifest';
import { validateAll } from './support/schema-validator';

test('the README cdk8s example synthesizes valid objects with the declared call allowed', () => {
  const app = buildExampleApp();
  const objects = app.charts.flatMap((c) => c.toJson());
  expect(validateAll(objects)).toEqual([]);
  expect(findOne(objects, 'StatefulSet', 'nacos', 'nacos').spec.replicas).toBe(3);
  // The call is allowed on the gateway: planner's token may use search's skill route.
  const jwt = objects.find((o) => o.kind === 'WasmPlugin' && o.metadata.name === 'jwt-auth-acme');
  expect(jwt.spec.matchRules.find((r: any) => r.ingress[0] === 'acme/search-a2a-web').config.allow).toEqual(['acme/planner']);
  expect(Testing).toBeDefined();
});
