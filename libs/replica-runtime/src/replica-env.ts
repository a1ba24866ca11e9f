import type { ReplicaLaunch } from './replica-runtime';

/** Variables of the host a replica inherits by default: enough to find programs and a temp dir. */
export const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'] as const;

/**
 * The environment of a replica's process: the inherited base, then the template's env, then
 * what Helios decides, which a template cannot override (a replica must not pick its own GPUs
 * or port):
 * - CUDA_VISIBLE_DEVICES: the GPU indices bound to it, comma-separated ("" hides every GPU);
 * - PORT: the port it must serve on;
 * - HELIOS_DEPLOYMENT, HELIOS_REPLICA, HELIOS_REVISION: who it is.
 *
 * Example: gpuIndices [2, 3], port 8000, template env {MODEL: "llama", PORT: "1"} ->
 * {...base, MODEL: "llama", PORT: "8000", CUDA_VISIBLE_DEVICES: "2,3", HELIOS_REPLICA: ...}.
 */
export function replicaEnvironment(launch: ReplicaLaunch, port: number, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  Object.assign(env, launch.template.env);
  env.CUDA_VISIBLE_DEVICES = launch.gpuIndices.join(',');
  env.PORT = String(port);
  env.HELIOS_DEPLOYMENT = launch.deployment;
  env.HELIOS_REPLICA = launch.replica;
  env.HELIOS_REVISION = String(launch.revision);
  return env;
}

/** The inherited subset of an environment (default: this process's). */
export function inheritedEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
