import { spawnSync } from 'child_process';
import * as path from 'path';
import { reviewObjects } from '../../cli/review';
import { loadManifests, ManifestError } from '../../policies/load-manifests';
import { baseline, FIXTURES } from './support/baseline';
import { review } from './support/run-review';

const ROOT = path.join(__dirname, '..', '..');
const f = (...p: string[]): string => path.join(FIXTURES, ...p);


describe('agent-runtime review', () => {
  it('exits 0 with a PASS verdict on the compliant baseline in prod', async () => {
    const r = await review(f('baseline.yaml'), '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS \(prod\): 0 mandatory, 0 advisory violations in 23 objects$/m);
  });

  it('exits 1 on a mandatory violation and prints rule, object, field and fix', async () => {
    const r = await review(f('failing-prod.yaml'), '--env', 'prod');
    expect(r.code).toBe(1);
    expect(r.out).toContain('MANDATORY no-public-control-plane  Service/nacos/nacos');
    expect(r.out).toContain('at spec.type: Service is LoadBalancer');
    expect(r.out).toContain('fix: set spec.type: ClusterIP');
    expect(r.out).toContain('MANDATORY image-provenance  Job/tools/migrate');
    expect(r.out).toContain('at spec.template.spec.containers[0].image');
    expect(r.out).toContain('MANDATORY review-context  Job/tools/migrate');
    expect(r.out).toMatch(/^FAIL \(prod\): 3 mandatory/m);
  });

  it('exits 0 in dev, where the same violations are advisory', async () => {
    const r = await review(f('failing-prod.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS \(dev\): 0 mandatory, \d+ advisory/m);
  });

  it('prints JSON with every violation', async () => {
    const r = await review(f('failing-prod.yaml'), '--env', 'staging', '--format', 'json');
    const report = JSON.parse(r.out);
    expect(report.verdict).toBe('fail');
    expect(report.violations).toContainEqual(expect.objectContaining({
      ruleId: 'no-public-control-plane', object: 'Service/nacos/nacos', path: 'spec.type', level: 'mandatory', file: f('failing-prod.yaml'),
    }));
  });

  it('prints Markdown fit for a pull-request comment: summary, table, collapsible details', async () => {
    const r = await review(f('failing-prod.yaml'), '--env', 'prod', '--format=markdown');
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^### :x: agent-runtime policy review: FAIL \(prod\): 3 mandatory/);
    expect(r.out).toContain('| `no-public-control-plane` | mandatory | 1 |');
    expect(r.out).toMatch(/<details><summary>\d+ violations<\/summary>/);
    expect(r.out).toContain('| mandatory | `image-provenance` | `Job/tools/migrate` | `spec.template.spec.containers[0].image` |');
    expect(r.out.trim().endsWith('</details>')).toBe(true);
  });

  it('reads directories recursively, List kinds, JSON, and skips YAML that is not Kubernetes objects', async () => {
    const loaded = loadManifests([f('foreign'), f('nested')]);
    expect(loaded.objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['Service/web', 'ConfigMap/web-config', 'Service/json-svc']);
    expect(loaded.skipped).toBe(3);
    expect(loaded.skippedAt.map((w) => w.replace(/.*fixtures\//, ''))).toEqual(['foreign/values.yaml#1', 'foreign/values.yaml#3', 'foreign/values.yaml#4']);
    const r = await review(f('foreign'), f('nested'), '--env', 'prod');
    expect(r.code).toBe(1);
    expect(r.out).toContain('no-public-control-plane  Service/shop/web');
    expect(r.out).toContain('no-public-control-plane  Service/shop/json-svc');
  });

  it.each([
    ['broken.yaml', /broken\.yaml:10:\d+: invalid YAML: bad indentation/],
    ['broken.json', /broken\.json:3:\d+: invalid JSON/],
  ])('names the file and line of invalid %s and exits 2', async (file, message) => {
    const r = await review(f('invalid', file));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(() => loadManifests([f('invalid', file)])).toThrow(ManifestError);
  });

  it.each([
    [['nope.yaml'], 'nope.yaml: no such file or directory'],
    [[], 'no file or directory given'],
    [['x.yaml', '--env', 'qa'], '--env "qa" is unknown; use one of dev, staging, prod'],
    [['x.yaml', '--format', 'html'], '--format "html" is unknown'],
    [['x.yaml', '--verbose'], 'unknown flag --verbose'],
  ])('exits 2 on usage error %j', async (args, message) => {
    const r = await review(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('applies a config file per environment', async () => {
    const r = await review(f('failing-prod.yaml'), '--env', 'prod', '--config', f('policy-config.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS \(prod\)/m);
  });

  it('reviews objects in memory for synth', () => {
    const objs = baseline();
    expect(reviewObjects(objs, 'prod').exitCode).toBe(0);
    objs.find((o) => o.kind === 'Service' && o.metadata.name === 'nacos').spec.type = 'NodePort';
    const out = reviewObjects(objs, 'prod');
    expect(out.exitCode).toBe(1);
    expect(out.text).toContain('no-public-control-plane  Service/nacos/nacos');
  });

  it('runs as a real process: exit code 2 and no stack trace on bad YAML', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'agent-runtime.js'), 'review', f('invalid', 'broken.yaml')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^agent-runtime review: .*broken\.yaml:10:\d+: invalid YAML/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
