/**
 * Entry `agent-runtime/pulumi`: what your own Pulumi program needs to deploy charts built with
 * the constructs and register their AgentCards (see examples/pulumi-program.ts).
 */
export { ChartRelease, type ChartReleaseArgs } from './chart-release';
export { cardsOf, type ChartCard } from './registrations';
