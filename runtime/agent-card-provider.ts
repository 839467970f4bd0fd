/**
 * The operations of the `AgentCard` dynamic provider, as plain functions over plain inputs.
 * The serialized provider only holds this module's path and `require`s it inside each method,
 * so no client or secret is ever captured in its closure.
 */
import type * as pulumi from '@pulumi/pulumi';
import {
  AgentCard,
  canonicalJson,
  normalizeAgentCard,
  sameAgentCard,
  validateAgentCard,
  withManagedMarker,
} from './agent-card';
import { applyAgentCard, cardDifferences } from './apply-agent-card';
import { NacosClient } from './nacos-client';
import { registryForm } from './registry-card-form';
import { isNotFound } from './nacos-errors';

/** Nacos login; a Pulumi secret in the resource, plain inside the provider. */
export interface NacosCredentials {
  readonly username: string;
  readonly password: string;
}

/** Resolved inputs of one `AgentCard` resource. */
export interface AgentCardInputs {
  readonly card: AgentCard;
  readonly endpoint: string;
  readonly namespace: string;
  readonly credentials?: NacosCredentials;
  readonly setAsLatest: boolean;
}

/** State of one `AgentCard` resource: its inputs plus what it owns and what refresh saw. */
export interface AgentCardOutputs extends AgentCardInputs {
  /** Agent name in Nacos (owned together with `version`). */
  readonly agentName: string;
  /** The one version this resource owns. */
  readonly version: string;
  /** Set by refresh when the stored card (or its latest flag) no longer matches. */
  readonly drifted: boolean;
  /** The stored card when it drifted. */
  readonly remoteCard?: Record<string, unknown>;
}

/** Value of the ownership marker's `registeredBy` for cards this provider registers. */
export const REGISTERED_BY_PULUMI = 'agent-runtime pulumi';

/** Pulumi's placeholder for values not known during preview. */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const NAMESPACE_ID = /^[\w-]{1,128}$/;

/** Validates inputs the way Nacos would, per field; adds the ownership marker to the card. */
export async function checkAgentCard(olds: Partial<AgentCardOutputs>, news: Record<string, any>): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const unknown = JSON.stringify(news).includes(UNKNOWN);
  if (!unknown) {
    for (const f of validateAgentCard(news.card)) {
      failures.push({ property: f.field.replace(/^agentCard/, 'card'), reason: `${f.field} ${f.message}` });
    }
    failures.push(...checkEndpointAndNamespace(news));
    if (news.setAsLatest !== undefined && typeof news.setAsLatest !== 'boolean') {
      failures.push({ property: 'setAsLatest', reason: `setAsLatest must be true or false, got ${JSON.stringify(news.setAsLatest)}` });
    }
  }
  if (failures.length) return { inputs: news, failures };
  const inputs: Record<string, any> = { ...news, setAsLatest: news.setAsLatest ?? true, card: unknown ? news.card : withManagedMarker(news.card, REGISTERED_BY_PULUMI) };
  // Nacos 3.1 overwrites a version silently; a content change under the same version is refused here.
  if (!unknown && olds.card && olds.namespace === inputs.namespace && olds.card.name === inputs.card.name && olds.card.version === inputs.card.version && !sameAgentCard(olds.card, inputs.card)) {
    const fields = cardDifferences(olds.card, inputs.card).join(', ');
    failures.push({
      property: 'card.version',
      reason: `agentCard.version "${inputs.card.version}" is already registered with other content (${fields}); any content change needs a new version: bump card.version`,
    });
  }
  return { inputs, failures };
}

/** Shared input checks of the registry resources: endpoint URL, namespace id, credentials. */
export function checkEndpointAndNamespace(news: Record<string, any>, namespaceKey = 'namespace'): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  try {
    const url = new URL(news.endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    failures.push({ property: 'endpoint', reason: `endpoint ${JSON.stringify(news.endpoint)} is not an http(s) URL; use e.g. "http://nacos.nacos.svc:8848"` });
  }
  const ns = news[namespaceKey];
  if (typeof ns !== 'string' || !NAMESPACE_ID.test(ns)) {
    failures.push({ property: namespaceKey, reason: `${namespaceKey} ${JSON.stringify(ns)} is not a Nacos namespace id; use 1-128 letters, digits, "_" or "-", e.g. the tenant name "acme"` });
  }
  const creds = news.credentials;
  if (creds !== undefined && (typeof creds?.username !== 'string' || !creds.username || typeof creds?.password !== 'string' || !creds.password)) {
    failures.push({ property: 'credentials', reason: 'credentials need a non-empty username and password (pass them as pulumi.secret), or leave credentials out when Nacos auth is off' });
  }
  return failures;
}

/** Replaces on agent name, namespace or endpoint change; updates on any other change or drift. */
export async function diffAgentCard(_id: string, olds: AgentCardOutputs, news: AgentCardInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (olds.card?.name !== news.card?.name) replaces.push('card');
  if (olds.namespace !== news.namespace) replaces.push('namespace');
  if (olds.endpoint !== news.endpoint) replaces.push('endpoint');
  const changed =
    canonicalJson(normalizeAgentCard(olds.card)) !== canonicalJson(normalizeAgentCard(news.card)) ||
    olds.setAsLatest !== news.setAsLatest ||
    canonicalJson(olds.credentials ?? null) !== canonicalJson(news.credentials ?? null) ||
    olds.drifted === true;
  return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/** POSTs the card, or PUTs it as a new version when the agent exists. */
export async function createAgentCard(inputs: AgentCardInputs): Promise<pulumi.dynamic.CreateResult> {
  await applyAgentCard(_client(inputs), inputs.card, { namespaceId: inputs.namespace, setAsLatest: inputs.setAsLatest });
  return { id: `${inputs.namespace}/${inputs.card.name}`, outs: _outputs(inputs) };
}

/** Refresh: reports drift when the stored version differs; a vanished version reads as deleted. */
export async function readAgentCard(id: string, props: AgentCardOutputs): Promise<pulumi.dynamic.ReadResult> {
  const client = _client(props);
  let stored: Record<string, unknown>;
  try {
    stored = (await client.getAgent(props.agentName, { namespaceId: props.namespace, version: props.version })) as unknown as Record<string, unknown>;
  } catch (err) {
    if (isNotFound(err)) return { id: '', props: {} };
    throw err;
  }
  // Compared in the form the server stores (a Nacos 3.1 keeps the 0.3 projection of a 1.0 card).
  const contentDrift = !sameAgentCard(stored, registryForm(props.card, await client.cardModel()));
  const latestDrift = props.setAsLatest && stored.latestVersion !== true;
  const drifted = contentDrift || latestDrift;
  const rest: Record<string, unknown> = { ...props };
  delete rest.remoteCard;
  return { id, props: { ...rest, drifted, ...(drifted ? { remoteCard: { ...normalizeAgentCard(stored), latestVersion: stored.latestVersion === true } } : {}) } };
}

/** PUTs the new version, or restores the owned version after drift. */
export async function updateAgentCard(_id: string, olds: AgentCardOutputs, news: AgentCardInputs): Promise<pulumi.dynamic.UpdateResult> {
  const client = _client(news);
  const sameVersion = olds.version === news.card.version;
  if (sameVersion && !sameAgentCard(olds.card, news.card)) {
    throw new Error(`AgentCard "${news.card.name}" version ${news.card.version} changed content (${cardDifferences(olds.card, news.card).join(', ')}); bump card.version`);
  }
  if (sameVersion && olds.drifted) {
    // The version is ours: put our content back.
    try {
      await client.updateAgent(news.card, { namespaceId: news.namespace, setAsLatest: news.setAsLatest });
    } catch (err) {
      if (!isNotFound(err, 50100)) throw err;
      await applyAgentCard(client, news.card, { namespaceId: news.namespace, setAsLatest: news.setAsLatest });
    }
  } else if (!sameVersion || (news.setAsLatest && !olds.setAsLatest)) {
    await applyAgentCard(client, news.card, { namespaceId: news.namespace, setAsLatest: news.setAsLatest });
  }
  return { outs: _outputs(news) };
}

/** DELETEs exactly the owned version; success when it is already gone. */
export async function deleteAgentCard(_id: string, props: AgentCardOutputs): Promise<void> {
  // Without a version, DELETE would remove every version of the agent: never send that.
  if (!props.agentName || !props.version) {
    throw new Error(`AgentCard state lacks agentName/version (${JSON.stringify(props.agentName)}/${JSON.stringify(props.version)}); refusing a DELETE that would remove every version`);
  }
  await _client(props).deleteAgent(props.agentName, { namespaceId: props.namespace, version: props.version });
}

function _outputs(inputs: AgentCardInputs): AgentCardOutputs {
  return { ...inputs, agentName: inputs.card.name, version: inputs.card.version, drifted: false };
}

function _client(inputs: { endpoint: string; credentials?: NacosCredentials }): NacosClient {
  return new NacosClient({ endpoint: inputs.endpoint, username: inputs.credentials?.username, password: inputs.credentials?.password });
}
