/** The A2A 0.3 AgentCard types (specs/a2a-agentcard.md): the registry's 0.3 form and what 0.3 clients read. */

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
 * An A2A 0.3 AgentCard as Nacos 3.1 stores it (see specs/a2a-agentcard.md): what the registry
 * keeps and 0.3 clients read. The constructs build 1.0 cards ({@link AgentCardV1}); this is their
 * 0.3 projection (`legacyCardOf`), and the shape the runtime compares stored cards in.
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
