/**
 * The failure-storm limiter of Helios: decides when a cell whose nodes go silent is Degraded (a
 * partition or a store problem, not hardware) and which evictions may proceed now, at a
 * token-bucket rate. Pure: it takes a snapshot of a cell's silences and a clock reading and
 * returns a plan.
 *
 * @packageDocumentation
 */
export { msUntilToken, refill, take, wholeTokens, type EvictionBucket, type EvictionRate } from './eviction-bucket';
export { largestSilentBurst } from './silent-burst';
export { planCellEvictions, type CellEvictionPlan, type CellSnapshot, type SilentNode } from './storm-decision';
export { DEFAULT_STORM_SETTINGS, resolveStormSettings, type ResolvedStormSettings, type StormSettings } from './storm-settings';
