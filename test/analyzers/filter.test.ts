import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/analyzers/filter.mjs drops only what skips.txt justifies, for that env and resource.
const filter = join(__dirname, '../../scripts/analyzers/filter.mjs');
function run(tool: string, env: string, report: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'analyzers-')), 'report');
  writeFileSync(file, report);
  const r = spawnSync(process.execPath, [filter, tool, env, file], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
const checkov = (checks: { id: string; resource: string }[]) => JSON.stringify({
  results: { failed_checks: checks.map((c) => ({ check_id: c.id, resource: c.resource, check_name: c.id, file_path: '/x.yaml' })) },
});

describe('analyzers filter', () => {
  test('a dev-only skip does not hide the same check in prod', () => {
    const report = checkov([{ id: 'CKV_K8S_43', resource: 'Deployment.acme.orchestrator' }]);
    expect(run('checkov', 'dev', report).status).toBe(0);
    const prod = run('checkov', 'prod', report);
    expect(prod.status).toBe(1);
    expect(prod.out).toContain('CKV_K8S_43 Deployment.acme.orchestrator');
  });

  test('a resource-bound skip does not hide another resource', () => {
    expect(run('checkov', 'prod', checkov([{ id: 'CKV_K8S_38', resource: 'Deployment.agent-runtime.agent-runtime-controller' }])).status).toBe(0);
    expect(run('checkov', 'prod', checkov([{ id: 'CKV_K8S_38', resource: 'Deployment.acme.orchestrator' }])).status).toBe(1);
  });

  test('kube-score: grades below OK count, OK and skipped do not', () => {
    const obj = (grade: number, skipped = false) => ({
      type_meta: { kind: 'Deployment' }, object_meta: { name: 'controller', namespace: 'agent-runtime' },
      checks: [{ check: { id: 'container-security-context-user-group-id' }, grade, skipped, comments: [{ path: 'c', summary: 'low user ID' }] }],
    });
    expect(run('kube-score', 'prod', JSON.stringify([obj(10), obj(1, true)])).status).toBe(0);
    expect(run('kube-score', 'prod', JSON.stringify([obj(1)])).out).toContain('(c) low user ID');
  });

  test('nca: an unknown kind of sanity finding is always reported', () => {
    const out = 'progress\nNetworkConfig x failed sanity check:\nNetworkPolicy globex/default-deny is redundant. x\nSomething new\n\nTotal run time: 1 s\n';
    const r = run('nca', 'prod', out);
    expect(r.status).toBe(1);
    expect(r.out).toContain('other ?: Something new');
    expect(r.out).toContain('2 findings, 1 justified');
  });
});
