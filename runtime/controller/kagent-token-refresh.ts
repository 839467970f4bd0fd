/**
 * Gets a rotated caller token into a declarative agent's engine config.
 *
 * kagent v0.9.12 copies `headersFrom` Secret values into the engine's config when it reconciles
 * the Agent, and its Agent controller does not watch Secrets. It reconciles an Agent when the
 * Agent's generation or labels change (`agent_controller.go`: `For(&Agent{},
 * predicate.Or(GenerationChangedPredicate, LabelChangedPredicate))`; an annotation change passes
 * neither). So after each issuance the controller sets the label {@link TOKEN_FINGERPRINT_LABEL}
 * to the new token's fingerprint on every kagent Agent of the namespace whose `headersFrom` reads
 * that token Secret: kagent re-translates, the config Secret changes, the pod template's
 * `kagent.dev/config-hash` changes and the engine restarts on the new token, with a third of the
 * token's lifetime to spare (tokens rotate at 2/3).
 *
 * One writer per field: the Agent is the deployer's (Pulumi), this label is the controller's.
 * It is written by server-side apply under its own field manager, so the deployer's applies
 * (server-side too, under Pulumi's manager), which never set it, leave it alone. The apply carries the
 * cached resourceVersion: it never creates an Agent that was deleted meanwhile, and a stale cache
 * gets a 409 and a retry.
 */
import { LABEL } from '../../constructs/labels';
import type { Informer } from './cluster';
import type { ObjectMeta } from './desired-state';

/** Label on kagent Agents: fingerprint of the caller token kagent should have translated. */
export const TOKEN_FINGERPRINT_LABEL = 'agentruntime.io/a2a-token-fingerprint';

/** Field manager of the controller's server-side applies. */
export const CONTROLLER_FIELD_MANAGER = 'agent-runtime-controller';

/** A kagent.dev/v1alpha2 Agent, the parts the controller reads. */
export interface KagentAgentObject {
  readonly metadata: ObjectMeta & { readonly generation?: number };
  readonly spec?: {
    readonly declarative?: {
      readonly tools?: readonly { readonly headersFrom?: readonly { readonly valueFrom?: { readonly type?: string; readonly name?: string } }[] }[];
    };
  };
}

/** The one write: a server-side apply of one label on one Agent, conditional on `resourceVersion`. */
export interface KagentAgentWriter {
  applyAgentLabel(agent: { namespace: string; name: string; resourceVersion?: string }, label: string, value: string): Promise<void>;
}

/** True when `agent` reads Secret `secretName` (of its own namespace) into a tool's headers. */
export function readsSecret(agent: KagentAgentObject, secretName: string): boolean {
  return (agent.spec?.declarative?.tools ?? []).some((tool) => (tool?.headersFrom ?? []).some((h) => h?.valueFrom?.type === 'Secret' && h.valueFrom.name === secretName));
}

/** Labels the Agents that read a token Secret with that token's fingerprint. */
export class KagentTokenRefresh {
  constructor(
    private readonly _agents: Informer<KagentAgentObject>,
    private readonly _writer: KagentAgentWriter,
    private readonly _log: (line: string) => void = () => undefined,
  ) {}

  /** Every kagent Agent of agent `key`'s namespace reading `secretName` gets `fingerprint`; resolves to the Agents written. */
  async refresh(namespace: string, agent: string, secretName: string, fingerprint: string): Promise<string[]> {
    const written: string[] = [];
    for (const a of this._agents.list()) {
      const m = a.metadata;
      if (m.namespace !== namespace || m.labels?.[LABEL.agent] !== agent || !readsSecret(a, secretName)) continue;
      if (m.labels?.[TOKEN_FINGERPRINT_LABEL] === fingerprint) continue;
      await this._writer.applyAgentLabel({ namespace, name: m.name, resourceVersion: m.resourceVersion }, TOKEN_FINGERPRINT_LABEL, fingerprint);
      written.push(`${namespace}/${m.name}`);
      this._log(`labelled kagent Agent ${namespace}/${m.name} with the fingerprint of its new token (kagent re-translates it)`);
    }
    return written;
  }
}
