import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, UsageError } from './cli-error';
import type { ManifestSource } from './manifest-documents';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * Reads the `-f` arguments: a file, a directory (its .yaml/.yml/.json files, sorted, not
 * recursive, like `kubectl apply -f dir/`) or `-` for stdin (once).
 */
export async function readManifestSources(paths: readonly string[], readStdin: () => Promise<string>): Promise<ManifestSource[]> {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('-f - (stdin) can be given only once');
  const sources: ManifestSource[] = [];
  for (const path of paths) {
    if (path === '-') {
      sources.push({ name: '<stdin>', text: await readStdin() });
      continue;
    }
    try {
      if ((await stat(path)).isDirectory()) {
        const files = (await readdir(path)).filter((f) => MANIFEST_EXTENSIONS.test(f)).sort();
        if (files.length === 0) throw new CliError(`${path}: no .yaml, .yml or .json files in this directory`);
        for (const f of files) sources.push({ name: join(path, f), text: await readFile(join(path, f), 'utf8') });
      } else {
        sources.push({ name: path, text: await readFile(path, 'utf8') });
      }
    } catch (e) {
      if (e instanceof CliError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, 1, { cause: e });
    }
  }
  return sources;
}

/** All of stdin as UTF-8 text. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
