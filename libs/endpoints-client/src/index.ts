export { applyEndpointMessage, sameEndpoint, type EndpointDelta } from './endpoint-delta';
export { EndpointSet, type EndpointChange, type EndpointSetOptions } from './endpoint-set';
export { FakeEndpointsServer } from './fake-endpoints-server';
