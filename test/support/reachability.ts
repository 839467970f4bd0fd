/** The NetworkPolicy evaluator is product code now (the review's reachability invariants use it). */
export { External, inCidr, NetworkModel, Pod, podsFromWorkloads, selectorMatches } from '../../policies/reachability';
