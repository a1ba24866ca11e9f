import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { BootstrapToken, StoredBootstrapToken, type CreateBootstrapTokenResponse } from '@helios/api';
import { readPrefix, StoreError, type Keys } from '@helios/store';
import type { Etcd3, IKeyValue, ITxnResponse } from 'etcd3';
import { formatBootstrapToken, hashSecret, judgeToken, parseBootstrapToken, tokenChars, TOKEN_ID_LENGTH, TOKEN_SECRET_LENGTH, type TokenParts } from './bootstrap-token';
import { NodeApiError, unauthenticated } from './node-api-error';
import type { TokenSpec } from './token-request';

// A join that loses the compare-and-swap on a multi-use token to a join through another replica
// tries again on the version read back; with uses taken one at a time per replica, this many
// losses in a row means a stampede, refused rather than spun on.
const CONSUME_ATTEMPTS = 16;
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 200;

/**
 * Bootstrap tokens in etcd (`tokens/<id>`, a StoredBootstrapToken): made by operators, used up by
 * joining nodes. Only the SHA-256 of a secret is stored. Each token's key is bound to a lease of
 * the token's lifetime, so etcd deletes it when it expires; joins check the expiry too, since
 * etcd revokes expired leases with a delay.
 */
export class BootstrapTokens {
  /** The last use of each token being taken in this process: the next one waits for it. */
  private readonly inUse = new Map<string, Promise<TokenState | undefined>>();

  constructor(
    private readonly client: Etcd3,
    private readonly keys: Keys,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Makes a token; the answer carries its secret, which is not kept anywhere. */
  async create(spec: TokenSpec): Promise<CreateBootstrapTokenResponse> {
    const now = this.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const parts = { id: tokenChars(TOKEN_ID_LENGTH, randomBytes), secret: tokenChars(TOKEN_SECRET_LENGTH, randomBytes) };
      const info = BootstrapToken.fromPartial({
        id: parts.id,
        cell: spec.cell,
        pool: spec.pool,
        usesLeft: spec.uses,
        createTime: now.toISOString(),
        expireTime: new Date(now.getTime() + spec.ttlSeconds * 1000).toISOString(),
        description: spec.description,
      });
      const value = Buffer.from(StoredBootstrapToken.encode({ token: info, secretSha256: hashSecret(parts.secret) }).finish());
      const key = this.keys.token(parts.id);
      const created = await this.call(key, `creating bootstrap token ${parts.id}`, async () => {
        const lease = await this.client.leaseClient.leaseGrant({ TTL: spec.ttlSeconds });
        const res = await this.client.kv.txn({
          compare: [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
          success: [{ request_put: { key: Buffer.from(key), value, lease: lease.ID } }],
          failure: [],
        });
        if (!res.succeeded) await this.client.leaseClient.leaseRevoke({ ID: lease.ID }).catch(() => undefined);
        return res.succeeded;
      });
      // 36^6 ids: a collision is rare, and then another id is drawn.
      if (created) return { token: formatBootstrapToken(parts), info };
    }
    throw new NodeApiError(status.ABORTED, 'creating a bootstrap token: five random ids in a row were taken; retry');
  }

  /** The tokens not yet expired, of one cell or of all, by id. */
  async list(cell = ''): Promise<BootstrapToken[]> {
    const prefix = this.keys.tokens();
    const snapshot = await this.call(prefix, 'listing bootstrap tokens', () => readPrefix(this.client, prefix));
    const now = this.now().getTime();
    return snapshot.kvs
      .map((kv) => decode(kv).token)
      .filter((token): token is BootstrapToken => token !== undefined && (cell === '' || token.cell === cell) && Date.parse(token.expireTime ?? '') > now)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Deletes a token; false when there was none of that id. */
  async delete(id: string): Promise<boolean> {
    const key = this.keys.token(id);
    const res = await this.call(key, `deleting bootstrap token ${id}`, () => this.client.kv.deleteRange({ key: Buffer.from(key) }));
    return Number(res.deleted) > 0;
  }

  /**
   * Uses the token once for node `node` of pool `pool` and returns it as it was: the last use
   * deletes it, any other decrements its uses, each a compare-and-swap on the version read, so
   * two joins racing for a single-use token cannot both succeed. Throws UNAUTHENTICATED (and
   * writes nothing) for a malformed, unknown, used-up, expired or foreign-pool token.
   *
   * Uses of one token are taken one at a time within this process (a pool's hosts often share
   * one multi-use token and boot together), so only joins through other control-plane replicas
   * race for it; a lost race reads the token back in the same transaction and tries again.
   */
  async consume(text: string, node: string, pool: string): Promise<BootstrapToken> {
    const parts = parseBootstrapToken(text);
    if ('error' in parts) throw unauthenticated(parts.error);
    const previous = this.inUse.get(parts.id) ?? Promise.resolve(undefined);
    const run = previous.then((known) => this.consumeNow(parts, node, pool, known));
    // The next use in line starts from the state this one leaves, unless it failed (read again).
    const after = run.then(
      (result) => result.after,
      () => undefined,
    );
    this.inUse.set(parts.id, after);
    void after.then(() => {
      if (this.inUse.get(parts.id) === after) this.inUse.delete(parts.id);
    });
    const { outcome } = await run;
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /** One use, from the token's state as the previous use left it (or as read now). */
  private async consumeNow(parts: TokenParts, node: string, pool: string, known: TokenState | undefined): Promise<{ outcome: BootstrapToken | Error; after: TokenState }> {
    const key = this.keys.token(parts.id);
    let state = known ?? stateOf((await this.call(key, `reading bootstrap token ${parts.id}`, () => this.client.kv.range({ key: Buffer.from(key) }))).kvs[0]);
    for (let attempt = 0; attempt < CONSUME_ATTEMPTS; attempt++) {
      const verdict = judgeToken(state.stored, parts.id, { secret: parts.secret, pool, node, now: this.now() });
      if (!verdict.ok) return { outcome: unauthenticated(verdict.reason), after: state };
      const token = state.stored!.token!;
      const next: StoredBootstrapToken = { ...state.stored!, token: { ...token, usesLeft: token.usesLeft - 1 } };
      const version = state.modRevision;
      const res: ITxnResponse = await this.call(key, `using bootstrap token ${parts.id}`, () =>
        this.client.kv.txn({
          compare: [{ key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: version }],
          success: [
            verdict.consume === 'delete'
              ? { request_delete_range: { key: Buffer.from(key) } }
              : // ignore_lease: the key keeps the lease that expires it with the token.
                { request_put: { key: Buffer.from(key), value: Buffer.from(StoredBootstrapToken.encode(next).finish()), ignore_lease: true } },
          ],
          failure: [{ request_range: { key: Buffer.from(key) } }],
        }),
      );
      if (res.succeeded) return { outcome: token, after: verdict.consume === 'delete' ? ABSENT : { stored: next, modRevision: res.header.revision } };
      state = stateOf(res.responses[0]?.response_range?.kvs?.[0]);
      // Lost to a join through another replica, whose uses follow each other back to back: an
      // immediate retry would lose again every time. A random wait, doubling up to 200 ms, lets
      // the two interleave.
      await sleep(Math.random() * Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt));
    }
    throw new NodeApiError(status.ABORTED, `bootstrap token ${parts.id}: ${CONSUME_ATTEMPTS} joins through other control-plane replicas in a row raced for it; retry`);
  }

  private async call<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StoreError(key, `${what}: etcd request failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** A token as one version of its key holds it; `stored` undefined when the key is absent. */
interface TokenState {
  stored: StoredBootstrapToken | undefined;
  modRevision: string;
}

const ABSENT: TokenState = { stored: undefined, modRevision: '0' };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stateOf(kv: IKeyValue | undefined): TokenState {
  return kv ? { stored: decode(kv), modRevision: kv.mod_revision } : ABSENT;
}

function decode(kv: IKeyValue): StoredBootstrapToken {
  return StoredBootstrapToken.decode(kv.value);
}
