import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What Join (or RenewCredential) handed a node: who it is, and the bearer credential saying so. */
export interface NodeCredential {
  cell: string;
  node: string;
  credential: string;
  /** ISO time after which the control plane refuses it. */
  expireTime: string;
}

// Not .json: the process runtime keeps its records of replica processes in the same state
// directory as *.json files, and reaps every one of them when an agent starts.
const FILE = 'node.credential';

/**
 * The credential kept in a node's state directory, so an agent restarted on the same host
 * registers with it instead of needing its single-use bootstrap token again. Written whole
 * (temporary file, then rename) and readable by the agent's user only: it is the node's identity.
 */
export class CredentialFile {
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, FILE);
  }

  /** The stored credential, or undefined when there is none (or it cannot be read as one). */
  read(): NodeCredential | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const value = JSON.parse(text) as Partial<NodeCredential>;
      if (typeof value.cell !== 'string' || typeof value.node !== 'string' || typeof value.credential !== 'string' || typeof value.expireTime !== 'string') return undefined;
      return { cell: value.cell, node: value.node, credential: value.credential, expireTime: value.expireTime };
    } catch {
      // A torn or foreign file is no credential: Join with the token instead.
      return undefined;
    }
  }

  write(credential: NodeCredential): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(credential), { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch (err) {
      throw new Error(`writing the node credential to ${this.path}`, { cause: err });
    }
  }
}
