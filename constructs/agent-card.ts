import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { _emitTyped } from './_typed-manifest';
import { AGENT_CARD_KEY, AGENT_CARD_ROLE, ANNOTATION, LABEL } from './labels';
import { Field, refuse, sub } from './errors';

/** An A2A 0.3 skill as published in an AgentCard. */
export interface AgentCardSkill {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly examples?: readonly string[];
  readonly inputModes?: readonly string[];
  readonly outputModes?: readonly string[];
}

/** `capabilities.extensions[]` entry of an AgentCard. */
export interface AgentExtension {
  readonly uri: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly params?: Record<string, unknown>;
}

/**
 * An A2A 0.3 AgentCard as Nacos 3.1 stores it (see specs/a2a-agentcard.md): the one card type
 * of the package. The constructs build it ({@link agentCard}), the runtime validates and
 * registers it, the stack reads it back from the card ConfigMaps.
 */
export interface AgentCard {
  readonly protocolVersion: string;
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly url: string;
  /** Nacos 3.1 requires it (A2A 0.3 makes it optional). */
  readonly preferredTransport: string;
  readonly capabilities: {
    readonly streaming?: boolean;
    readonly pushNotifications?: boolean;
    readonly stateTransitionHistory?: boolean;
    readonly extensions?: readonly AgentExtension[];
  };
  readonly defaultInputModes: readonly string[];
  readonly defaultOutputModes: readonly string[];
  readonly skills: readonly AgentCardSkill[];
  readonly additionalInterfaces?: readonly { readonly url: string; readonly transport: string }[];
  readonly provider?: { readonly organization: string; readonly url: string };
  readonly documentationUrl?: string;
  readonly iconUrl?: string;
  readonly securitySchemes?: Readonly<Record<string, unknown>>;
  readonly security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
  readonly supportsAuthenticatedExtendedCard?: boolean;
}

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
  /** Where errors are reported: the agent's props, or a name for messages. */
  readonly path: Field;
}

const DEFAULT_MODES = ['text/plain', 'application/json'];

/**
 * Builds the AgentCard of an agent version and checks what Nacos 3.1 and A2A 0.3 require:
 * name of at most 64 printable ASCII characters, a version, a gateway URL (never localhost or an
 * in-cluster name: callers outside the cluster could not use it), skills with tags.
 *
 * @example agentCard({ name: 'search', description: 'Web search', version: '1.0.0', url, skills, path })
 */
export function agentCard(input: AgentCardInput): AgentCard {
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
  return {
    protocolVersion: '0.3.0',
    name: input.name,
    description: input.description,
    version: input.version,
    url: input.url,
    preferredTransport: 'JSONRPC',
    capabilities: { streaming: input.streaming ?? false, pushNotifications: false, stateTransitionHistory: false },
    defaultInputModes: [...(input.inputModes ?? DEFAULT_MODES)],
    defaultOutputModes: [...(input.outputModes ?? DEFAULT_MODES)],
    skills: input.skills.map((s) => ({ ...s, tags: [...s.tags] })),
    // The gateway checks a bearer JWT on every route (jwt-auth), so the card says so.
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'JWT issued by the platform identity provider' } },
    security: [{ bearer: [] }],
  };
}

/** Where and how a card ConfigMap is emitted. */
export interface AgentCardConfigMapProps {
  readonly card: AgentCard;
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
