import * as fs from 'fs';
import * as path from 'path';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { toJson_WasmPluginProps, WasmPluginSpecPhase } from '../../generated/imports/wasmplugin-extensions.higress.io';
import { _hasFieldTable, _toJson, _useGeneratedToJson } from '../../constructs/_fast-to-json';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { buildExample } from './_example';

const ROOT = path.resolve(__dirname, '..', '..');

/** The source of every construct file. */
function constructsSource(): string {
  const dir = path.join(ROOT, 'constructs');
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

/** Runs `fn` with the generated converters only. */
function generated<T>(fn: () => T): T {
  const was = _useGeneratedToJson(true);
  try {
    return fn();
  } finally {
    _useGeneratedToJson(was);
  }
}

describe('typed manifests: the field-table converter equals the generated toJson_*', () => {
  test.each(['dev', 'staging', 'prod'])('on every object of the %s stack', (env) => {
    const synth = () => synthesizePlatform(loadStackConfig(env, ROOT)).charts;
    expect(synth()).toEqual(generated(synth));
  });

  test('on every object of the constructs example (declarative, BYO, canary, sandboxes, everything on)', () => {
    const synth = () => buildExample().synth();
    expect(synth()).toEqual(generated(synth));
  });

  test('reads a field table for every kind the constructs emit', () => {
    const modules = [k8s, ...['agent-kagent.dev', 'modelconfig-kagent.dev', 'memory-kagent.dev', 'remotemcpserver-kagent.dev', 'mcpbridge-networking.higress.io',
      'wasmplugin-extensions.higress.io', 'podmonitor-monitoring.coreos.com', 'servicemonitor-monitoring.coreos.com', 'prometheusrule-monitoring.coreos.com',
      'sandboxtemplate-extensions.agents.x-k8s.io', 'sandboxwarmpool-extensions.agents.x-k8s.io', 'scaledobject-keda.sh'].map((m) => require(`../../generated/imports/${m}`))];
    const used = constructsSource();
    const names = [...new Set([...used.matchAll(/\b(toJson_\w+Props)\b/g)].map((m) => m[1]))];
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const fn = modules.map((m) => m[name]).find((f) => typeof f === 'function');
      expect([name, fn && _hasFieldTable(fn)]).toEqual([name, true]);
    }
  });

  test('renames fields, unwraps IntOrString and Quantity values and drops unknown fields, as generated', () => {
    const props = {
      metadata: { name: 'nacos', labels: { clusterIp: 'kept: a label, not a field' } },
      spec: { clusterIp: 'None', ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }], notAField: true },
    } as k8s.KubeServiceProps;
    expect(_toJson(k8s.toJson_KubeServiceProps, props, "svc").json).toEqual({
      metadata: { name: 'nacos', labels: { clusterIp: 'kept: a label, not a field' } },
      spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }] },
    });
    expect(_toJson(k8s.toJson_KubeServiceProps, props, "svc").json).toEqual(k8s.toJson_KubeServiceProps(props));
    const limits = { resources: { limits: { cpu: k8s.Quantity.fromString('500m') } }, name: 'c', image: 'i' };
    expect(_toJson(k8s.toJson_Container, limits, "c").json).toEqual({ name: 'c', image: 'i', resources: { limits: { cpu: '500m' } } });
  });

  test('converts right however many key sets, in whatever order, one type meets (more than the plans it keeps)', () => {
    const fields: Record<string, unknown> = { name: 'a2a', port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(8080), nodePort: 30080, appProtocol: 'http' };
    const names = Object.keys(fields);
    // Every non-empty subset of the fields, and each also with its keys enumerated in reverse: 126 key sets.
    const values = Array.from({ length: 2 ** names.length - 1 }, (_, m) => names.filter((_n, i) => (m + 1) & (1 << i)))
      .flatMap((keys) => [keys, [...keys].reverse()])
      .map((keys) => Object.fromEntries(keys.map((k) => [k, fields[k]])) as unknown as k8s.ServicePort);
    for (let pass = 0; pass < 2; pass++) {
      for (const v of values) {
        const json = _toJson(k8s.toJson_ServicePort, v, 'port').json!;
        expect(json).toEqual(JSON.parse(JSON.stringify(k8s.toJson_ServicePort(v))));
        expect(Object.keys(json)).toEqual(Object.keys(json).sort());
      }
    }
  });

  test('keeps free-form maps of CRD fields as they are', () => {
    const props = { metadata: { name: 'p' }, spec: { phase: WasmPluginSpecPhase.AUTHN, defaultConfig: { consumers: [{ name: 'a' }], global_auth: false } } };
    expect(_toJson(toJson_WasmPluginProps, props, "p").json).toEqual(toJson_WasmPluginProps(props));
  });
});
