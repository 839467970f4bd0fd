// Small helpers for the local e2e cluster, using @kubernetes/client-node from the repo's node_modules.
//
//   node cluster-helper.mjs nodes KUBECONFIG N        create N kwok-managed fake nodes (one per zone)
//   node cluster-helper.mjs provisioner KUBECONFIG    loops: binds every pending PVC to a new hostPath PV,
//                                                     and gives Ingresses / LoadBalancer Services an address
//                                                     (127.0.0.1), standing in for a cloud LB / ingress controller
//   node cluster-helper.mjs smoke KUBECONFIG          create a Deployment, wait until Ready, delete it
import { kube } from './kube.mjs';

const [cmd, kubeconfig, arg] = process.argv.slice(2);
const { core, apps, net } = kube(kubeconfig);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.error(`[cluster-helper] ${m}`);

async function nodes(n) {
  for (let i = 0; i < n; i++) {
    const zone = `zone-${String.fromCharCode(97 + (i % 26))}`;
    const name = `kwok-node-${i}`;
    const body = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': zone,
          'type': 'kwok',
          'node-role.kubernetes.io/agent': '',
          'katacontainers.io/kata-runtime': 'true',
        },
      },
      spec: {},
      status: {
        allocatable: { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '200Gi' },
        capacity: { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '200Gi' },
        nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake' },
        phase: 'Running',
      },
    };
    try {
      await core.createNode({ body });
    } catch (e) {
      if (e.code !== 409) throw e;
    }
  }
  // wait until kwok reports them Ready
  const end = Date.now() + 60_000;
  for (;;) {
    const list = await core.listNode({ labelSelector: 'type=kwok' });
    const ready = list.items.filter((nd) => nd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length >= n) break;
    if (Date.now() > end) throw new Error(`only ${ready.length}/${n} fake nodes Ready`);
    await sleep(500);
  }
  log(`${n} fake nodes Ready`);
}

async function provisioner() {
  // Static provisioning on demand: each unbound PVC gets a hostPath PV pre-bound to it (claimRef);
  // the PV controller of kube-controller-manager then binds them. The PV is deleted with the claim
  // (reclaimPolicy Delete is not served by anything here, so Retain + our own cleanup).
  for (;;) {
    try {
      const pvcs = await core.listPersistentVolumeClaimForAllNamespaces();
      const pvs = await core.listPersistentVolume();
      const claimed = new Set(pvs.items.map((pv) => `${pv.spec?.claimRef?.namespace}/${pv.spec?.claimRef?.name}`));
      for (const pvc of pvcs.items) {
        const key = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
        if (pvc.spec?.volumeName || claimed.has(key)) continue;
        const name = `e2e-pv-${pvc.metadata.uid.slice(0, 18)}`;
        await core.createPersistentVolume({
          body: {
            apiVersion: 'v1',
            kind: 'PersistentVolume',
            metadata: { name, labels: { 'e2e.agent-runtime.dev/fake-pv': 'true' } },
            spec: {
              capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
              accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
              persistentVolumeReclaimPolicy: 'Retain',
              storageClassName: pvc.spec?.storageClassName ?? '',
              volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
              hostPath: { path: `/tmp/e2e-fake-pv/${name}` },
              claimRef: { namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
            },
          },
        }).catch((e) => { if (e.code !== 409) throw e; });
        log(`PV ${name} for ${key}`);
      }
      // released PVs (claim gone) are removed
      for (const pv of pvs.items) {
        if (pv.metadata?.labels?.['e2e.agent-runtime.dev/fake-pv'] === 'true' && pv.status?.phase === 'Released') {
          await core.deletePersistentVolume({ name: pv.metadata.name }).catch(() => {});
        }
      }
      await fakeLoadBalancers();
    } catch (e) {
      log(`provisioner: ${e.message ?? e}`);
    }
    await sleep(1000);
  }
}

const LB = [{ ip: '127.0.0.1' }];

async function fakeLoadBalancers() {
  const ings = await net.listIngressForAllNamespaces();
  for (const ing of ings.items) {
    if (ing.status?.loadBalancer?.ingress?.length) continue;
    const cur = await net.readNamespacedIngressStatus({ namespace: ing.metadata.namespace, name: ing.metadata.name });
    cur.status = { loadBalancer: { ingress: LB } };
    await net.replaceNamespacedIngressStatus({ namespace: ing.metadata.namespace, name: ing.metadata.name, body: cur })
      .then(() => log(`Ingress ${ing.metadata.namespace}/${ing.metadata.name} -> 127.0.0.1`))
      .catch((e) => { if (e.code !== 409 && e.code !== 404) throw e; });
  }
  const svcs = await core.listServiceForAllNamespaces();
  for (const svc of svcs.items) {
    if (svc.spec?.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.length) continue;
    const cur = await core.readNamespacedServiceStatus({ namespace: svc.metadata.namespace, name: svc.metadata.name });
    cur.status = { ...(cur.status ?? {}), loadBalancer: { ingress: LB } };
    await core.replaceNamespacedServiceStatus({ namespace: svc.metadata.namespace, name: svc.metadata.name, body: cur })
      .then(() => log(`Service ${svc.metadata.namespace}/${svc.metadata.name} -> 127.0.0.1`))
      .catch((e) => { if (e.code !== 409 && e.code !== 404) throw e; });
  }
}

async function smoke() {
  const ns = 'default';
  const name = 'e2e-smoke';
  await apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'registry.invalid/smoke:1' }] },
        },
      },
    },
  });
  const end = Date.now() + 90_000;
  for (;;) {
    const d = await apps.readNamespacedDeployment({ namespace: ns, name });
    if ((d.status?.readyReplicas ?? 0) === 2) break;
    if (Date.now() > end) throw new Error(`smoke Deployment not Ready: ${JSON.stringify(d.status)}`);
    await sleep(500);
  }
  log('smoke Deployment 2/2 Ready under kwok');
  await apps.deleteNamespacedDeployment({ namespace: ns, name });
}

if (cmd === 'nodes') await nodes(Number(arg ?? 3));
else if (cmd === 'provisioner') await provisioner();
else if (cmd === 'smoke') await smoke();
else {
  console.error('usage: cluster-helper.mjs nodes|provisioner|smoke KUBECONFIG [N]');
  process.exit(2);
}
