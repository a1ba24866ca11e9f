/**
 * The autoscaler's pure decision for Helios deployments: load reports summed into one observation
 * per moment (observeLoad), windows of samples kept as a plain state value (ScalerState), and the
 * replica count decided from them (decideScale) by the Kubernetes HPA's and Knative KPA's rules:
 * tolerance band, stable and panic windows, scale-down stabilization and steps, replicas on their
 * way counted as capacity, scale to and from zero. No I/O.
 *
 * @packageDocumentation
 */
export { AUTOSCALING_DEFAULTS, metricName, resolveAutoscalingPolicy, type AutoscalingPolicy, type MetricTarget } from './autoscaling-policy';
export { decideScale, type ScaleDecision, type ScaleReason, type ScaleSnapshot } from './decide-scale';
export { DECISION_HISTORY, nextScalingStatus } from './scaling-status';
export { recordReplicaRequest, type ReplicaRequestOutcome } from './replica-request';
export { observeLoad, type LoadObservation, type ReplicaView } from './observe-load';
export { EMPTY_SCALER_STATE, recordObservation, windowAverage, type LoadSample, type ScalerState } from './scaler-state';
