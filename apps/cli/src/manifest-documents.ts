import { decodeManifest, ManifestError, metaOf, parentOf, unwrap, type KindName, type Resource } from '@helios/api';
import { parseAllDocuments } from 'yaml';
import { CliError } from './cli-error';

/** The text of one `-f` source: a file path, or `-` for stdin. */
export interface ManifestSource {
  /** As the user named it, for error messages (`pools.yaml`, `<stdin>`). */
  name: string;
  text: string;
}

/** One decoded manifest document, ready to send. */
export interface DecodedManifest {
  source: string;
  /** 0-based position among the source's non-empty documents. */
  index: number;
  kind: KindName;
  name: string;
  /** Cell of a pool or node, deployment of a replica; '' for top-level kinds. */
  parent: string;
  resource: Resource;
}

/**
 * Parses YAML or JSON text (JSON is YAML) into its documents; empty documents (a trailing `---`)
 * are skipped. Duplicate keys are errors, since the later one would silently win.
 *
 * @throws CliError naming the source and the line.
 */
export function parseDocuments(source: ManifestSource): unknown[] {
  const docs = parseAllDocuments(source.text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const out: unknown[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      // yaml's messages may run over several lines with a code excerpt; the first says it.
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new CliError(`${source.name}${line ? `: line ${line}` : ''}: ${message}`, 1, { cause: error });
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/**
 * Decodes every document of every source, all before anything is sent: one bad document and
 * nothing is applied. A document's index appears in errors only when its source has several.
 *
 * @throws CliError `pools.yaml: document 2: spec.minNode: unknown field (did you mean "min"?)`.
 */
export function decodeSources(sources: readonly ManifestSource[]): DecodedManifest[] {
  const out: DecodedManifest[] = [];
  for (const source of sources) {
    const docs = parseDocuments(source);
    docs.forEach((doc, index) => {
      let resource: Resource;
      try {
        resource = decodeManifest(doc, docs.length > 1 ? index : undefined);
      } catch (e) {
        if (e instanceof ManifestError) throw new CliError(`${source.name}: ${e.message}`, 1, { cause: e });
        throw e;
      }
      const u = unwrap(resource)!;
      out.push({ source: source.name, index, kind: u.name, name: metaOf(u.resource).name, parent: parentOf(u.name, u.resource), resource });
    });
  }
  if (out.length === 0) throw new CliError(`no objects in ${sources.map((s) => s.name).join(', ')}`);
  return out;
}
