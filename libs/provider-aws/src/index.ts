export { AwsProvider, type AwsProviderOptions } from './aws-provider';
export { createEc2Client, type Ec2ClientOptions } from './ec2-client';
export { classifyEc2ErrorCode, ec2ErrorCode, toProviderError } from './ec2-error';
export { HELIOS_TAG } from './helios-tags';
export { deriveClientToken, runInstancesInput, type AwsLaunchSettings, type NodeLaunch } from './run-instances-input';
