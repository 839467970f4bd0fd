// The kube setup every e2e script shares: @kubernetes/client-node from the repo's node_modules,
// a kubeconfig file loaded, and the typed API clients the scripts use.
//
//   import { k8s, kube } from '../../scripts/e2e/kube.mjs';
//   const { kc, core, apps, custom, net } = kube(KUBECONFIG_FILE);
import { createRequire } from 'node:module';
import path from 'node:path';
import url from 'node:url';

const here = path.dirname(url.fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'package.json'));

/** The client-node module (enums, header options, other API classes). */
export const k8s = await import(url.pathToFileURL(require.resolve('@kubernetes/client-node')).href);

/** The KubeConfig of `file` and its clients (making one sends nothing). */
export function kube(file) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    net: kc.makeApiClient(k8s.NetworkingV1Api),
  };
}
