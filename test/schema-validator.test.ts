import { validateObject } from './support/schema-validator';

const deployment = () => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'acme' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});

const mcpBridge = () => ({
  apiVersion: 'networking.higress.io/v1', kind: 'McpBridge', metadata: { name: 'default', namespace: 'higress-system' },
  spec: { registries: [{ type: 'nacos3', name: 'nacos', domain: 'nacos.nacos.svc.cluster.local', port: 8848, nacosGroups: ['DEFAULT_GROUP'] }] },
});

describe('schema validator', () => {
  test('accepts a valid core object', () => {
    expect(validateObject(deployment())).toEqual([]);
  });

  test('rejects a core object with an unknown field', () => {
    const d: any = deployment();
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(validateObject(d)[0].message).toContain('imagePullPolicyy');
  });

  test('rejects a core object with a wrong type', () => {
    const d: any = deployment();
    d.spec.replicas = 'three';
    expect(validateObject(d).map((e) => e.message).join()).toContain('/spec/replicas');
  });

  test('accepts a valid custom resource', () => {
    expect(validateObject(mcpBridge())).toEqual([]);
  });

  test('rejects a custom resource with an unknown field', () => {
    const b: any = mcpBridge();
    b.spec.registries[0].mcpServerOptions = {};
    expect(validateObject(b)[0].message).toContain('mcpServerOptions');
  });

  test('rejects a custom resource with a wrong type', () => {
    const b: any = mcpBridge();
    b.spec.registries[0].port = 'eighty';
    expect(validateObject(b).map((e) => e.message).join()).toContain('/spec/registries/0/port');
  });

  test('reports kinds it has no schema for', () => {
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })[0].message)
      .toContain('no schema for example.com/v1 Widget');
  });
});
