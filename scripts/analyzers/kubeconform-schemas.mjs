// Lays out the schemas kubeconform reads, offline:
//  <out>/k8s/<kind>-<group>-<version>.json: kubernetes-validate's strict schemas, with their
//    `$id` dropped and `/api/_definitions.json` refs made relative (as shipped they resolve to
//    kubernetes.io, which kubeconform would try to fetch and then report "could not find schema");
//  <out>/crds/<kind>_<version>.json: each CRD version's openAPIV3Schema (shared/crds), made strict as
//    the API server's field validation is: an object with properties allows no other field unless
//    it says x-kubernetes-preserve-unknown-fields or has additionalProperties.
// usage: node kubeconform-schemas.mjs <k8s-schema-dir> <crd-dir> <out-dir>
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const yaml = createRequire(import.meta.url)('js-yaml');
const [k8sDir, crdDir, outDir] = process.argv.slice(2);
mkdirSync(join(outDir, 'k8s'), { recursive: true });
mkdirSync(join(outDir, 'crds'), { recursive: true });

for (const f of readdirSync(k8sDir).filter((n) => n.endsWith('.json'))) {
  const schema = JSON.parse(readFileSync(join(k8sDir, f), 'utf8').replace(/"\/api\/_definitions\.json#/g, '"_definitions.json#'));
  delete schema.$id;
  writeFileSync(join(outDir, 'k8s', f), JSON.stringify(schema));
}

function strict(s) {
  if (!s || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map(strict);
  const out = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'properties'
    ? Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, strict(ps)])) : strict(v)]));
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}
const files = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
let crds = 0;
for (const file of files(crdDir).filter((f) => /\.ya?ml$/.test(f))) {
  for (const crd of yaml.loadAll(readFileSync(file, 'utf8'))) {
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions ?? []) {
      if (!v.schema?.openAPIV3Schema) continue;
      const schema = strict(v.schema.openAPIV3Schema);
      // apiVersion, kind and metadata are checked by the API server, not listed strictly in CRDs.
      schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...schema.properties };
      writeFileSync(join(outDir, 'crds', `${crd.spec.names.kind.toLowerCase()}_${v.name}.json`), JSON.stringify(schema));
      crds++;
    }
  }
}
if (crds === 0) throw new Error(`no CRD schemas under ${crdDir}`);
