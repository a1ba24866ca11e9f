import { readFileSync } from 'node:fs';

/**
 * The bootstrap token a node joins with: --token (or HELIOS_BOOTSTRAP_TOKEN), else the first
 * line of --token-file, else none (a node that holds a stored credential needs none). A token
 * that is not `<id>.<secret>` is refused here, before it reaches the control plane.
 */
export function readBootstrapToken(token: string, tokenFile: string): string | undefined {
  let value = token.trim();
  if (!value && tokenFile) {
    try {
      value = readFileSync(tokenFile, 'utf8').split('\n')[0]!.trim();
    } catch (err) {
      throw new Error(`--token-file: cannot read ${tokenFile}`, { cause: err });
    }
    if (!value) throw new Error(`--token-file: ${tokenFile} is empty`);
  }
  if (!value) return undefined;
  if (!/^[^.\s]+\.[^.\s]+$/.test(value)) throw new Error(`${token ? '--token' : '--token-file'}: a bootstrap token is <id>.<secret>`);
  return value;
}
