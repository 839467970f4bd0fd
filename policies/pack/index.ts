/**
 * Entry of the CrossGuard policy pack (`pulumi preview --policy-pack policies/pack`). This is the only file
 * that constructs a PolicyPack: constructing one starts the analyzer server, so nothing may import it
 * (the library is `policies/index.ts`).
 * Default levels follow AGENT_RUNTIME_ENV (dev | staging | prod; default prod); Pulumi config overrides them.
 */
import { PolicyPack } from '@pulumi/policy';
import { buildPolicies } from '../pulumi-policies';
import { ENVS, type Env } from '../types';

const env = (ENVS as readonly string[]).includes(process.env.AGENT_RUNTIME_ENV ?? '') ? (process.env.AGENT_RUNTIME_ENV as Env) : 'prod';

new PolicyPack('agent-runtime', { description: `agent-runtime platform rules (${env} levels)`, policies: buildPolicies(env) });
