import { EC2Client } from '@aws-sdk/client-ec2';

/** How to reach EC2: the only inputs the EC2 SDK client is built from. */
export interface Ec2ClientOptions {
  region: string;
  /** Static credentials; omitted = the SDK's default chain (env, shared config, web identity, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Endpoint override: a VPC endpoint in production, http://127.0.0.1:PORT in tests. */
  endpoint?: string;
}

/**
 * Builds the EC2 SDK client; the one place in Helios that does. SDK retries are off
 * (`maxAttempts: 1`) because AwsProvider owns retrying: throttling inside the adapter with full
 * jitter, everything else in the caller's work queue. Two retry layers would multiply attempts.
 */
export function createEc2Client(options: Ec2ClientOptions): EC2Client {
  return new EC2Client({
    region: options.region,
    maxAttempts: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}
