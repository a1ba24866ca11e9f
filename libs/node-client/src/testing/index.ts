export { FakeControlPlane, FakeNodeServer } from './fake-node-service';
