import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** What the local fleet needs to know of its manifest before the API has read it. */
export interface FleetSummary {
  cells: string[];
  /** Sum of the pools' min: how many nodes should be Ready once the fleet is up. */
  minNodes: number;
}

/** Reads the cell names and the pools' minimum node counts from a multi-document manifest. */
export function summarizeFleet(path: string): FleetSummary {
  const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, unknown> | null);
  const cells: string[] = [];
  let minNodes = 0;
  for (const doc of docs) {
    if (!doc) continue;
    const name = (doc.metadata as { name?: string } | undefined)?.name;
    if (doc.kind === 'Cell' && name) cells.push(name);
    if (doc.kind === 'NodePool') minNodes += Number((doc.spec as { min?: number } | undefined)?.min ?? 0);
  }
  return { cells, minNodes };
}

/** The name of the (first) Deployment in a manifest file. */
export function summarizeDeployment(path: string): string {
  const doc = parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .find((d) => d?.kind === 'Deployment');
  const name = (doc?.metadata as { name?: string } | undefined)?.name;
  if (!name) throw new Error(`${path} has no Deployment with a name`);
  return name;
}
