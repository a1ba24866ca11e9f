import { status } from '@grpc/grpc-js';
import type {
  CreateBootstrapTokenRequest,
  CreateBootstrapTokenResponse,
  DeleteBootstrapTokenRequest,
  DeleteBootstrapTokenResponse,
  ListBootstrapTokensRequest,
  ListBootstrapTokensResponse,
} from '@helios/api';
import { describeErrors, validateName } from '@helios/validation';
import type { BootstrapTokens } from './bootstrap-tokens';
import { invalidArgument, NodeApiError } from './node-api-error';
import { resolveTokenRequest } from './token-request';

/**
 * The operator API's bootstrap-token calls (CreateBootstrapToken, ListBootstrapTokens,
 * DeleteBootstrapToken): validated, then done on the tokens in etcd. Failures are NodeApiErrors
 * carrying their status.
 */
export class BootstrapTokenApi {
  constructor(private readonly tokens: BootstrapTokens) {}

  /** Makes a token (INVALID_ARGUMENT naming the fields when the request is out of bounds). */
  create(request: CreateBootstrapTokenRequest): Promise<CreateBootstrapTokenResponse> {
    const spec = resolveTokenRequest(request);
    if (Array.isArray(spec)) return Promise.reject(invalidArgument(describeErrors('bootstrap token', '', spec)));
    return this.tokens.create(spec);
  }

  async list(request: ListBootstrapTokensRequest): Promise<ListBootstrapTokensResponse> {
    const errors = validateName('cell', request.cell, false);
    if (errors.length > 0) throw invalidArgument(describeErrors('bootstrap tokens', '', errors));
    return { tokens: await this.tokens.list(request.cell) };
  }

  /** Deletes a token: NOT_FOUND when there is none of that id (expired tokens are gone too). */
  async delete(request: DeleteBootstrapTokenRequest): Promise<DeleteBootstrapTokenResponse> {
    if (!/^[a-z0-9]{6}$/.test(request.id)) throw invalidArgument(`bootstrap token: id: must be 6 lowercase letters and digits, got ${JSON.stringify(request.id)}`);
    if (!(await this.tokens.delete(request.id))) throw new NodeApiError(status.NOT_FOUND, `bootstrap token ${request.id} not found (deleted, used up or expired)`);
    return {};
  }
}
