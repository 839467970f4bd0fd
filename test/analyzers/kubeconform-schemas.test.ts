import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// kubeconform-schemas.mjs: Kubernetes schemas made offline, CRD schemas made strict like the API server.
const script = join(__dirname, '../../scripts/analyzers/kubeconform-schemas.mjs');

test('drops $id and relativizes refs; CRD objects with properties reject unknown fields unless they preserve them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-schemas-'));
  mkdirSync(join(dir, 'k8s-in'));
  mkdirSync(join(dir, 'crds-in'));
  writeFileSync(join(dir, 'k8s-in', 'configmap-v1.json'), JSON.stringify({
    $id: 'https://kubernetes.io/api/configmap/v1',
    properties: { metadata: { $ref: '/api/_definitions.json#/$defs/ObjectMeta' } },
  }));
  writeFileSync(join(dir, 'crds-in', 'widgets.yaml'), [
    'apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition',
    'spec:', '  names: {kind: Widget}', '  versions:', '  - name: v1', '    schema:', '      openAPIV3Schema:',
    '        type: object', '        properties:', '          spec:', '            type: object', '            properties:',
    '              size: {type: integer}', '              config: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {a: {type: string}}}',
    '              labels: {type: object, additionalProperties: {type: string}}',
  ].join('\n'));
  execFileSync(process.execPath, [script, join(dir, 'k8s-in'), join(dir, 'crds-in'), join(dir, 'out')]);

  const k8s = JSON.parse(readFileSync(join(dir, 'out', 'k8s', 'configmap-v1.json'), 'utf8'));
  expect(k8s.$id).toBeUndefined();
  expect(k8s.properties.metadata.$ref).toBe('_definitions.json#/$defs/ObjectMeta');

  const crd = JSON.parse(readFileSync(join(dir, 'out', 'crds', 'widget_v1.json'), 'utf8'));
  expect(crd.additionalProperties).toBe(false);
  expect(Object.keys(crd.properties)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
  expect(crd.properties.spec.additionalProperties).toBe(false);
  expect(crd.properties.spec.properties.config.additionalProperties).toBeUndefined();
  expect(crd.properties.spec.properties.labels.additionalProperties).toEqual({ type: 'string' });
});
