import * as pulumi from '@pulumi/pulumi';
import { App, Chart } from 'cdk8s';
import { AgentRuntimePlatform, TenantNamespace } from 'agent-runtime';
import { cardsOf, ChartRelease } from 'agent-runtime/pulumi';
import { AgentCard } from 'agent-runtime/runtime';

const config = new pulumi.Config();
const jwks = config.require('jwks');
const chart = new Chart(new App(), 'agents', { disableResourceNameHashes: true });
const platform = new AgentRuntimePlatform(chart, 'platform', {
  gatewayHost: 'agents.example.com',
  gateway: { jwt: { public: { issuer: 'https://login.example.com/', jwks }, internal: { issuer: 'https://a2a.internal.example.com', jwks } } },
});
const acme = new TenantNamespace(chart, 'acme', { name: 'acme', platform: platform.facts });
acme.addAgent({ name: 'search', version: '1.4.2', byo: { image: 'ghcr.io/acme/search:1.4.2' },
  skills: [{ id: 'web', name: 'Web search', description: 'Searches the web', tags: ['search'] }] });

const objects = chart.toJson();
const release = new ChartRelease('agents', { objects });
const credentials = pulumi.secret({ username: 'nacos', password: config.requireSecret('nacosAdminPassword') });
export const cards = cardsOf(objects).map((c) => new AgentCard(c.resourceName, {
  card: c.card, endpoint: config.require('nacosEndpoint'), namespace: c.namespace, credentials, setAsLatest: c.setAsLatest,
}, { dependsOn: [release] }).version);
