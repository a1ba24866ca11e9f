import type { PreemptionNotice } from './preemption-notice';
import { parsePreempted } from './gce-preempted';

/** Where and how the node agent reaches the GCE metadata server. */
export interface GceMetadataClientOptions {
  /** Default http://metadata.google.internal; tests point it at a local server. */
  baseUrl?: string;
  /** Per-request timeout; default 2000 ms. */
  timeoutMs?: number;
  /** Clock for the preemption deadline. */
  now?: () => Date;
}

// GCE gives a preempted Spot VM about 30 seconds before it stops it.
const PREEMPTION_NOTICE_MS = 30_000;

/**
 * Reads the GCE metadata server (`/computeMetadata/v1/...` with `Metadata-Flavor: Google`). An
 * answer without that header back did not come from the metadata server and is refused.
 */
export class GceMetadataClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(options: GceMetadataClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://metadata.google.internal').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.now = options.now ?? (() => new Date());
  }

  /** True once GCE has started preempting this VM. */
  async isPreempted(): Promise<boolean> {
    return parsePreempted(await this.get('instance/preempted'));
  }

  /**
   * Returns a preemption notice for `node` once this VM is being preempted, else undefined. The
   * instance id is `<zone>/<name>`, as GcpProvider reports it; the deadline is now + 30 s.
   */
  async preemptionNotice(node: string): Promise<PreemptionNotice | undefined> {
    if (!(await this.isPreempted())) return undefined;
    const deadline = new Date(this.now().getTime() + PREEMPTION_NOTICE_MS);
    // instance/zone reads "projects/123456789/zones/us-central1-a".
    const zone = (await this.get('instance/zone')).trim().split('/').pop() ?? '';
    const name = (await this.get('instance/name')).trim();
    return { instanceId: `${zone}/${name}`, node, deadline };
  }

  /** GETs `/computeMetadata/v1/<path>` and returns the body. */
  async get(path: string): Promise<string> {
    const url = `${this.baseUrl}/computeMetadata/v1/${path}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { 'Metadata-Flavor': 'Google' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (cause) {
      throw new Error(`GCE metadata GET ${url} failed`, { cause });
    }
    const body = await response.text();
    if (response.headers.get('metadata-flavor') !== 'Google') throw new Error(`GCE metadata GET ${url}: answer lacks Metadata-Flavor: Google`);
    if (!response.ok) throw new Error(`GCE metadata GET ${url} answered HTTP ${response.status}`);
    return body;
  }
}
