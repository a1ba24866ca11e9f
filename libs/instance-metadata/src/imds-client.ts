import type { PreemptionNotice } from './preemption-notice';
import { parseSpotInstanceAction, type SpotInstanceAction } from './spot-instance-action';

/** Where and how the node agent reaches the EC2 instance metadata service. */
export interface ImdsClientOptions {
  /** Default http://169.254.169.254; tests point it at a local server. */
  baseUrl?: string;
  /** Session token lifetime asked for, 1-21600 s; default 21600. */
  tokenTtlSeconds?: number;
  /** Per-request timeout; default 2000 ms (IMDS answers in microseconds or not at all). */
  timeoutMs?: number;
  /** Clock for token expiry, ms since epoch. */
  now?: () => number;
}

// Refresh the session token this long before it expires, so a request never carries a stale one.
const TOKEN_REFRESH_MARGIN_MS = 60_000;

/**
 * An IMDSv2 client: a session token from `PUT /latest/api/token`
 * (`X-aws-ec2-metadata-token-ttl-seconds`), then reads with `X-aws-ec2-metadata-token`. The token
 * is cached until shortly before it expires and fetched again once if IMDS answers 401.
 */
export class ImdsClient {
  private readonly baseUrl: string;
  private readonly ttlSeconds: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private cached: { token: string; expiresAt: number } | undefined;

  constructor(options: ImdsClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://169.254.169.254').replace(/\/+$/, '');
    this.ttlSeconds = options.tokenTtlSeconds ?? 21_600;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /** Returns the pending spot interruption, or undefined while there is none (IMDS answers 404). */
  async spotInstanceAction(): Promise<SpotInstanceAction | undefined> {
    const body = await this.get('/latest/meta-data/spot/instance-action');
    return body === undefined ? undefined : parseSpotInstanceAction(body);
  }

  /** Returns this instance's id (`i-...`). */
  async instanceId(): Promise<string> {
    const id = await this.get('/latest/meta-data/instance-id');
    if (!id) throw new Error(`IMDS ${this.baseUrl} has no instance-id`);
    return id.trim();
  }

  /**
   * Returns a preemption notice for `node` when EC2 has scheduled this spot instance's
   * interruption, else undefined. The node agent polls this about every 5 s.
   */
  async preemptionNotice(node: string): Promise<PreemptionNotice | undefined> {
    const action = await this.spotInstanceAction();
    if (action === undefined) return undefined;
    return { instanceId: await this.instanceId(), node, deadline: action.time };
  }

  /** GETs a metadata path; undefined on 404 (not present, e.g. no spot notice yet). */
  async get(path: string): Promise<string | undefined> {
    let response = await this.fetchWithToken(path, await this.token());
    if (response.status === 401) {
      // The token expired or IMDS restarted: fetch a fresh one, once.
      await response.body?.cancel();
      this.cached = undefined;
      response = await this.fetchWithToken(path, await this.token());
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) throw new Error(`IMDS GET ${path} answered HTTP ${response.status}`);
    return response.text();
  }

  private async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.expiresAt - TOKEN_REFRESH_MARGIN_MS) return this.cached.token;
    const issuedAt = this.now();
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(this.ttlSeconds) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new Error(`IMDS token request to ${this.baseUrl} failed`, { cause });
    }
    if (!response.ok) throw new Error(`IMDS token request to ${this.baseUrl} answered HTTP ${response.status}`);
    const token = (await response.text()).trim();
    this.cached = { token, expiresAt: issuedAt + this.ttlSeconds * 1000 };
    return token;
  }

  private async fetchWithToken(path: string, token: string): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        headers: { 'X-aws-ec2-metadata-token': token },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new Error(`IMDS GET ${path} from ${this.baseUrl} failed`, { cause });
    }
  }
}
