/**
 * The operations of the `NacosNamespace` dynamic provider, as plain functions over plain
 * inputs; loaded by path inside the serialized provider (see `nacos-namespace-resource.ts`).
 */
import type * as pulumi from '@pulumi/pulumi';
import { NacosCredentials, checkEndpointAndNamespace } from './agent-card-provider';
import { NacosClient } from './nacos-client';
import { NacosApiError, NacosTransportError } from './nacos-errors';

/** Resolved inputs of one `NacosNamespace` resource. */
export interface NacosNamespaceInputs {
  readonly endpoint: string;
  readonly credentials?: NacosCredentials;
  readonly namespaceId: string;
  readonly namespaceName: string;
  readonly description: string;
}

/** Validates the id, endpoint and credentials per field. */
export async function checkNacosNamespace(_olds: unknown, news: Record<string, any>): Promise<pulumi.dynamic.CheckResult> {
  const failures = JSON.stringify(news).includes('04da6b54-80e4-46f7-96ec-b56ff0331ba9') ? [] : checkEndpointAndNamespace(news, 'namespaceId');
  if (news.namespaceId === 'public') {
    failures.push({ property: 'namespaceId', reason: 'namespaceId "public" is built into Nacos and cannot be managed; use the tenant name, e.g. "acme"' });
  }
  const inputs = { ...news, namespaceName: news.namespaceName || news.namespaceId, description: news.description ?? '' };
  return { inputs, failures };
}

/** Replaces on id or endpoint change; name, description and credentials update in place. */
export async function diffNacosNamespace(_id: string, olds: NacosNamespaceInputs, news: NacosNamespaceInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = (['namespaceId', 'endpoint'] as const).filter((k) => olds[k] !== news[k]);
  const changed =
    olds.namespaceName !== news.namespaceName || olds.description !== news.description || JSON.stringify(olds.credentials ?? null) !== JSON.stringify(news.credentials ?? null);
  return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/** Creates the namespace; adopts an existing one only when it already has the same name and description. */
export async function createNacosNamespace(inputs: NacosNamespaceInputs): Promise<pulumi.dynamic.CreateResult> {
  const client = _client(inputs);
  const ns = { namespaceId: inputs.namespaceId, namespaceName: inputs.namespaceName, namespaceDesc: inputs.description };
  try {
    await client.createNamespace(ns);
  } catch (err) {
    const exists = err instanceof NacosApiError && err.code === 22002;
    const lost = err instanceof NacosTransportError && err.mayHaveCommitted;
    if (!exists && !lost) throw err;
    const current = await client.getNamespace(inputs.namespaceId).catch(() => undefined);
    if (!current) throw err;
    if (current.namespaceShowName !== inputs.namespaceName || (current.namespaceDesc ?? '') !== inputs.description) {
      throw new Error(
        `Nacos namespace "${inputs.namespaceId}" already exists as "${current.namespaceShowName}" (${JSON.stringify(current.namespaceDesc ?? '')}); ` +
          'import it (pulumi import) or choose another namespaceId',
      );
    }
  }
  return { id: inputs.namespaceId, outs: inputs };
}

/** Refresh: the server's name and description; a deleted namespace reads as gone. */
export async function readNacosNamespace(id: string, props: NacosNamespaceInputs): Promise<pulumi.dynamic.ReadResult> {
  try {
    const ns = await _client(props).getNamespace(props.namespaceId);
    return { id, props: { ...props, namespaceName: ns.namespaceShowName, description: ns.namespaceDesc ?? '' } };
  } catch (err) {
    if (err instanceof NacosApiError && err.code === 22001) return { id: '', props: {} };
    throw err;
  }
}

/**
 * Renames or re-describes the namespace; creates it again when it was deleted behind our back
 * (Nacos 3.1 answers a PUT of an unknown namespace with `true` and creates nothing).
 */
export async function updateNacosNamespace(_id: string, _olds: NacosNamespaceInputs, news: NacosNamespaceInputs): Promise<pulumi.dynamic.UpdateResult> {
  const client = _client(news);
  const ns = { namespaceId: news.namespaceId, namespaceName: news.namespaceName, namespaceDesc: news.description };
  const exists = await client.getNamespace(news.namespaceId).then(
    () => true,
    (err) => {
      if (err instanceof NacosApiError && err.code === 22001) return false;
      throw err;
    },
  );
  if (exists) await client.updateNamespace(ns);
  else await createNacosNamespace(news);
  return { outs: news };
}

/** Deletes the namespace; success when already gone. */
export async function deleteNacosNamespace(_id: string, props: NacosNamespaceInputs): Promise<void> {
  await _client(props).deleteNamespace(props.namespaceId);
}

function _client(inputs: { endpoint: string; credentials?: NacosCredentials }): NacosClient {
  return new NacosClient({ endpoint: inputs.endpoint, username: inputs.credentials?.username, password: inputs.credentials?.password });
}
