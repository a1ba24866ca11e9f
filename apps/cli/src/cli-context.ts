import type { OperatorApi } from '@helios/operator-client';
import type { ManifestSource } from './manifest-documents';

/**
 * Everything a command touches outside itself. Commands get it whole, so they stay short scripts
 * and all I/O is wired in one place (main.ts).
 */
export interface CliContext {
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
  /** The operator API of the selected control plane; connects on first use. */
  api(): OperatorApi;
  /** Wall clock in ms, for AGE columns. */
  now(): number;
  /** Reads `-f` arguments (files, directories, `-`). */
  readSources(paths: readonly string[]): Promise<ManifestSource[]>;
  /** Calls `onInterrupt` on Ctrl-C instead of dying; returns the unsubscribe. */
  onInterrupt(onInterrupt: () => void): () => void;
}
