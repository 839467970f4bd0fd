/**
 * Entry `agent-runtime/pulumi`: what your own Pulumi program needs to deploy charts built with
 * the constructs and register their AgentCards (see examples/pulumi-program.ts).
 */
import { requirePeers } from '../runtime/peer-dependencies';

// Before the re-exports below load Pulumi: a clear error when it is not installed.
requirePeers('agent-runtime/pulumi', ['@pulumi/pulumi', '@pulumi/kubernetes']);

export { ChartRelease, type ChartReleaseArgs } from './chart-release';
export { cardsOf, type ChartCard } from './registrations';
