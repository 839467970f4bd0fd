import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _emitTyped } from './_typed-manifest';
import { AGENT_CARD_KEY, AGENT_CARD_ROLE, ANNOTATION, LABEL } from './labels';
import type { AgentCardSkill } from './agent-card-03';
import type { AgentCardV1 } from './agent-card-v1';
import { A2A_V03, A2A_V1 } from './agent-card-v1';
import { Field, refuse, sub } from './errors';

export type { AgentCard, AgentCardSkill, AgentExtension } from './agent-card-03';

/** The card the constructs build: A2A 1.0 (specs/a2a-1.0.md §1). */
export type PlatformAgentCard = AgentCardV1;

/** What an AgentCard is built from. */
export interface AgentCardInput {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  /** Public gateway URL of the agent. */
  readonly url: string;
  readonly skills: readonly AgentCardSkill[];
  /** @default false */
  readonly streaming?: boolean;
  /** @default ['text/plain', 'application/json'] */
  readonly inputModes?: readonly string[];
  /** @default ['text/plain', 'application/json'] */
  readonly outputModes?: readonly string[];
  /**
   * A2A versions the agent serves on its JSON-RPC route; the card lists an interface for each.
   * @default ['1.0', '0.3'] (the agent SDK serves both)
   */
  readonly protocolVersions?: ReadonlyArray<typeof A2A_V1 | typeof A2A_V03>;
  /** Where errors are reported: the agent's props, or a name for messages. */
  readonly path: Field;
}

const DEFAULT_MODES = ['text/plain', 'application/json'];

/** The A2A versions an agent of `kind` serves: kagent's runtime 0.3 only; agents on the agent SDK 1.0 and 0.3. */
export function servedProtocolVersions(kind: 'declarative' | 'byo'): Array<typeof A2A_V1 | typeof A2A_V03> {
  return kind === 'declarative' ? [A2A_V03] : [A2A_V1, A2A_V03];
}

/**
 * Builds the A2A 1.0 AgentCard of an agent version and checks what Nacos and A2A require:
 * name of at most 64 printable ASCII characters, a version, a gateway URL (never localhost or an
 * in-cluster name: callers outside the cluster could not use it), skills with tags. The card lists
 * one JSON-RPC interface per served version at the gateway URL (1.0 first, preferred; the same URL
 * at 0.3 for 0.3 callers and Nacos 3.1), and the internal JWT the gateway checks on every route.
 * No HTTP+JSON interface: the gateway's internal routes are exact paths, so REST sub-paths would
 * not reach the agent.
 *
 * @example agentCard({ name: 'search', description: 'Web search', version: '1.0.0', url, skills, path })
 */
export function agentCard(input: AgentCardInput): PlatformAgentCard {
  if (input.name.length === 0 || input.name.length > 64 || !/^[\x20-\x7e]+$/.test(input.name)) {
    throw refuse(sub(input.path, 'name'), input.name, 'is not allowed as an AgentCard name; Nacos 3.1 needs 1-64 printable ASCII characters');
  }
  // Callers pin versions and the registry orders them: MAJOR.MINOR.PATCH with an optional pre-release.
  // The version is also a label value (app.kubernetes.io/version): no '+' build part, at most 63 characters.
  if (!/^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]*[0-9A-Za-z])?$/.test(input.version) || input.version.length > 63) {
    throw refuse(sub(input.path, 'version'), input.version, `is not allowed; use a semantic version MAJOR.MINOR.PATCH (pre-release "-rc.1" allowed, no "v", no "+build", at most 63 characters), e.g. "${_suggestVersion(input.version)}"`);
  }
  const host = /^https:\/\/([^/:]+)/.exec(input.url)?.[1];
  if (!host || host === 'localhost' || host === '0.0.0.0' || /\.svc(\.|$)/.test(host) || /^127\./.test(host)) {
    throw refuse(input.path, input.url, 'is not a public gateway URL for the AgentCard; set gatewayHost to the gateway\'s public host (https://<gateway host>/...), never localhost or *.svc');
  }
  const versions = input.protocolVersions ?? [A2A_V1, A2A_V03];
  if (versions.length === 0) throw refuse(sub(input.path, 'protocolVersions'), versions, 'is empty; list the A2A versions the agent serves, e.g. ["1.0", "0.3"]');
  return {
    name: input.name,
    description: input.description,
    version: input.version,
    supportedInterfaces: [...versions].sort((a, b) => (a === A2A_V1 ? -1 : b === A2A_V1 ? 1 : 0)).map((v) => ({ url: input.url, protocolBinding: 'JSONRPC', protocolVersion: v })),
    capabilities: { streaming: input.streaming ?? false, pushNotifications: false },
    defaultInputModes: [...(input.inputModes ?? DEFAULT_MODES)],
    defaultOutputModes: [...(input.outputModes ?? DEFAULT_MODES)],
    skills: input.skills.map((s) => ({ ...s, tags: [...s.tags] })),
    // The gateway checks a bearer JWT on every route (jwt-auth), so the card says so.
    securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT issued by the platform identity provider' } } },
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
  };
}

/** Where and how a card ConfigMap is emitted. */
export interface AgentCardConfigMapProps {
  readonly card: PlatformAgentCard;
  readonly name: string;
  readonly namespace: string;
  readonly nacosNamespace: string;
  readonly setAsLatest: boolean;
  readonly labels: Record<string, string>;
}

/**
 * Emits a card as the ConfigMap `agent-runtime cards|register` reads: pretty JSON under
 * `agent-card.json`, role `agent-card`, with the Nacos namespace and set-as-latest annotations.
 */
export function _emitAgentCardConfigMap(scope: Construct, id: string, props: AgentCardConfigMapProps): void {
  _emitTyped(scope, id, k8s.KubeConfigMap.GVK, k8s.toJson_KubeConfigMapProps, {
    metadata: {
      name: props.name,
      namespace: props.namespace,
      annotations: {
        [ANNOTATION.nacosNamespace]: props.nacosNamespace,
        [ANNOTATION.setAsLatest]: String(props.setAsLatest),
      },
    },
    data: { [AGENT_CARD_KEY]: JSON.stringify(props.card, null, 2) },
  }, { ...props.labels, [LABEL.role]: AGENT_CARD_ROLE });
}

/** A semantic version close to `v` (`v0.1` → `0.1.0`), for the error message. */
function _suggestVersion(v: string): string {
  const parts = String(v).replace(/^v/i, '').split(/[+]/)[0].split('.').map((x) => x.replace(/[^0-9]/g, '')).filter((x) => x !== '');
  while (parts.length < 3) parts.push('0');
  return parts.slice(0, 3).map((x) => String(Number(x))).join('.');
}
