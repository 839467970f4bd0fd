/**
 * The typed CRD manifests are generated at build from the upstream CRDs in the shared folder
 * (scripts/import-crds.js), never committed, and regenerated when a CRD changes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { SHARED_DIR } from '../support/schema-validator';

const ROOT = path.resolve(__dirname, '..', '..');
const { CRD_IMPORTS, OUT, importCrds } = require('../../scripts/import-crds.js') as {
  CRD_IMPORTS: Record<string, string>; OUT: string;
  importCrds(opts?: { crds?: string; out?: string; imports?: Record<string, string> }): Promise<boolean>;
};

describe('generated CRD types', () => {
  it('are not committed: generated/ has no tracked file', () => {
    expect(execFileSync('git', ['ls-files', 'generated'], { cwd: ROOT, encoding: 'utf8' })).toBe('');
  });

  it('are up to date with the shared CRDs: a run generates nothing', async () => {
    expect(await importCrds()).toBe(false);
  });

  it.each(Object.entries(CRD_IMPORTS))('%s carries the GVK of every version in %s', (prefix, file) => {
    const crd = yaml.load(fs.readFileSync(path.join(SHARED_DIR, 'crds', file), 'utf8')) as any;
    const module = fs.readdirSync(OUT).find((f) => f === `${prefix}-${crd.spec.group}.ts`);
    expect(module).toBeDefined();
    const source = fs.readFileSync(path.join(OUT, module!), 'utf8');
    for (const version of crd.spec.versions) {
      expect(source).toContain(`apiVersion: '${crd.spec.group}/${version.name}',\n    kind: '${crd.spec.names.kind}',`);
    }
  });

  describe('from a modified copy of the shared folder', () => {
    let tmp: string;
    const imports = { mcpbridge: CRD_IMPORTS.mcpbridge };
    beforeAll(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-imports-'));
      fs.cpSync(path.join(SHARED_DIR, 'crds', 'higress'), path.join(tmp, 'crds', 'higress'), { recursive: true });
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('regenerates when a CRD changes and skips when it does not', async () => {
      const crds = path.join(tmp, 'crds');
      const out = path.join(tmp, 'not-yet', 'imports');
      const crdFile = path.join(crds, imports.mcpbridge);
      expect(await importCrds({ crds, out, imports })).toBe(true);
      expect(await importCrds({ crds, out, imports })).toBe(false);
      const generated = () => fs.readFileSync(path.join(out, 'mcpbridge-networking.higress.io.ts'), 'utf8');
      expect(generated()).not.toContain('testOnlyField');

      const crd = yaml.load(fs.readFileSync(crdFile, 'utf8')) as any;
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.testOnlyField = { type: 'string' };
      fs.writeFileSync(crdFile, yaml.dump(crd));
      expect(await importCrds({ crds, out, imports })).toBe(true);
      expect(generated()).toContain('readonly testOnlyField?: string;');
    });

    it('names the missing file and the fix when the shared folder is absent', async () => {
      await expect(importCrds({ crds: path.join(tmp, 'nowhere'), out: path.join(tmp, 'out'), imports }))
        .rejects.toThrow(/networking\.higress\.io_mcpbridges\.yaml.*AGENT_RUNTIME_SHARED/);
      expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
    });
  });
});
