import { ProviderError, type CloudProvider, type Instance, type LaunchRequest, type ProviderErrorCode } from '@helios/provider';
import { fromWire, SIM_CLOUD_PATHS, type WireError, type WireInstance } from './sim-cloud-wire';

/** Where the sim cloud is. */
export interface SimCloudClientOptions {
  /** The SimCloudServer's URL. */
  url: string;
  /** Per-call timeout; default 60 s. A timed-out launch may have happened, so it is an Unknown error. */
  timeoutMs?: number;
}

const CODES: ReadonlySet<string> = new Set<ProviderErrorCode>(['InsufficientCapacity', 'QuotaExceeded', 'Throttled', 'NotFound', 'InvalidConfiguration', 'Unknown']);

/**
 * The CloudProvider of a cell agent whose sim cloud lives in another process (a SimCloudServer):
 * the same calls, errors and idempotency as a SimProvider in-process.
 */
export class SimCloudClient implements CloudProvider {
  readonly name = 'sim';
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(options: SimCloudClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async launch(request: LaunchRequest): Promise<Instance[]> {
    return ((await this.call(SIM_CLOUD_PATHS.launch, request)) as WireInstance[]).map(fromWire);
  }

  async terminate(instanceIds: string[]): Promise<void> {
    await this.call(SIM_CLOUD_PATHS.terminate, { instanceIds });
  }

  async list(cell: string, pool?: string): Promise<Instance[]> {
    return ((await this.call(SIM_CLOUD_PATHS.list, { cell, pool })) as WireInstance[]).map(fromWire);
  }

  private async call(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      // No answer: the cloud may or may not have acted, which is what Unknown means to callers.
      throw new ProviderError('Unknown', `sim cloud ${this.url}${path} did not answer`, { cause });
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text);
    let error: WireError;
    try {
      error = JSON.parse(text) as WireError;
    } catch {
      error = { code: 'Unknown', message: text.slice(0, 200) };
    }
    throw new ProviderError(CODES.has(error.code) ? (error.code as ProviderErrorCode) : 'Unknown', `sim cloud: ${error.message}`);
  }
}
