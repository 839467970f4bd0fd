import { App, Chart } from 'cdk8s';
import { AgentRuntimePlatform, TenantNamespace } from 'agent-runtime';

// The issuers' public keys (JWKS JSON), e.g. from https://login.example.com/.well-known/jwks.json.
const jwks = process.env.JWKS ?? '{"keys":[]}';
const app = new App();
const chart = new Chart(app, 'agents', { disableResourceNameHashes: true });
const platform = new AgentRuntimePlatform(chart, 'platform', {
  gatewayHost: 'agents.example.com',
  gateway: { jwt: { public: { issuer: 'https://login.example.com/', jwks }, internal: { issuer: 'https://a2a.internal.example.com', jwks } } },
});
const acme = new TenantNamespace(chart, 'acme', { name: 'acme', platform: platform.facts });
const search = acme.addAgent({ name: 'search', version: '1.4.2', byo: { image: 'ghcr.io/acme/search:1.4.2' },
  skills: [{ id: 'web', name: 'Web search', description: 'Searches the web', tags: ['search'] }] });
acme.addAgent({ name: 'planner', byo: { image: 'ghcr.io/acme/planner:2.0.1' }, calls: [search.skill('web')],
  skills: [{ id: 'plan', name: 'Plan', description: 'Plans and delegates', tags: ['planning'] }] });
app.synth(); // writes dist/agents.k8s.yaml
