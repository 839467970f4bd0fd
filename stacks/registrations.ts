/**
 * Registrations in Nacos: one `NacosNamespace` per tenant and one `AgentCard` per card the
 * tenant charts carry. They run after the registry and the agents' workloads are ready,
 * which the dependency on the releases gives (ConfigGroup waits for readiness).
 */
import * as pulumi from '@pulumi/pulumi';
import type { AgentCard as AgentCardData } from '../runtime/agent-card';
import { AgentCard } from '../runtime/agent-card-resource';
import { NacosNamespace } from '../runtime/nacos-namespace-resource';
import { ANNOTATION, AGENT_CARD_KEY, AGENT_CARD_ROLE, LABEL } from '../constructs/labels';
import type { RegistrationConfig as RegistrationConfigKeys } from './config-types';

/** How the stack reaches Nacos' admin API. */
export type RegistrationConfig = Required<RegistrationConfigKeys>;

/** The admin user Nacos 3 creates on first start (`POST /nacos/v3/auth/user/admin`). */
export const NACOS_ADMIN_USER = 'nacos';

/** A card found in a chart, with what registering it needs. */
export interface ChartCard {
  readonly resourceName: string;
  readonly namespace: string;
  readonly setAsLatest: boolean;
  /** The card as the chart carries it (checked by the AgentCard resource before it is registered). */
  readonly card: AgentCardData;
}

/** The AgentCards carried by a chart's card ConfigMaps. */
export function cardsOf(objects: any[]): ChartCard[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.[LABEL.role] === AGENT_CARD_ROLE)
    .map((o) => ({
      resourceName: `${o.metadata.namespace}-${o.metadata.name}`,
      namespace: o.metadata.annotations?.[ANNOTATION.nacosNamespace] ?? o.metadata.namespace,
      setAsLatest: o.metadata.annotations?.[ANNOTATION.setAsLatest] !== 'false',
      card: JSON.parse(o.data[AGENT_CARD_KEY]) as AgentCardData,
    }));
}

/** A registered card, as the stack outputs it. */
export interface RegisteredCard {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly latest: boolean;
}

/** Creates the tenant's Nacos namespace and registers its cards. */
export function registerTenant(
  tenant: string, objects: any[], registration: RegistrationConfig,
  credentials: pulumi.Output<{ username: string; password: string }>, dependsOn: pulumi.Resource[],
): { namespace: NacosNamespace; cards: { resource: AgentCard; registered: pulumi.Output<RegisteredCard> }[] } {
  const namespace = new NacosNamespace(`nacos-namespace-${tenant}`, {
    endpoint: registration.endpoint,
    namespaceId: tenant,
    namespaceName: tenant,
    description: `agent-runtime tenant ${tenant}`,
    credentials,
  }, { dependsOn });
  // Latest versions first: Nacos marks the first POST of an agent latest, so a canary
  // version registered before its stable one would briefly be served as latest.
  const found = cardsOf(objects).sort((a, b) => Number(b.setAsLatest) - Number(a.setAsLatest));
  const latest = new Map<string, AgentCard>();
  const cards = found.map((c) => {
    const stable = c.setAsLatest ? undefined : latest.get(`${c.namespace}/${c.card.name}`);
    const card = new AgentCard(`card-${c.resourceName}`, {
      card: c.card,
      endpoint: registration.endpoint,
      namespace: c.namespace,
      credentials,
      setAsLatest: c.setAsLatest,
    }, { dependsOn: [...dependsOn, namespace, ...(stable ? [stable] : [])] });
    if (c.setAsLatest) latest.set(`${c.namespace}/${c.card.name}`, card);
    // Known once the registration succeeded (the id resolves after create).
    const registered = card.id.apply(() => ({ namespace: c.namespace, name: String(c.card.name), version: String(c.card.version), latest: c.setAsLatest }));
    return { resource: card, registered };
  });
  return { namespace, cards };
}
