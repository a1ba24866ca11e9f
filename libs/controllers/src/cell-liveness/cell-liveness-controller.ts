import { CellPhase, enumDisplayName, metaOf } from '@helios/api';
import { registerOnce, type ControllerTerm, type ManagedController, type ReconcileContext } from '@helios/controller-runtime';
import { Gauge, type Registry } from 'prom-client';
import { isNotFound, type Informer, type KeyInformer } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { cellLivenessStatus } from './cell-liveness-status';

// Cells are looked at this often even when nothing changes, as a guard against a missed event.
const RESYNC_MS = 60_000;

const phaseSources = new WeakMap<Registry, () => Map<string, number>>();

/**
 * Keeps each Cell's status.agentLive and phase in step with its agent key
 * (`agents/<cell>`, bound to the cell agent's lease): Ready while the key exists, Unreachable
 * when it does not. Watches Cells and agent keys; writes are fenced by leadership. Reports
 * `helios_cells{phase}` (cells by phase) from its cache while it runs, on the leader.
 */
export class CellLivenessController implements ManagedController {
  readonly name = 'cell-liveness';
  private cells: Informer<'cell'> | undefined;
  private agents: KeyInformer | undefined;

  constructor(private readonly deps: ControllerDeps) {
    const registry = deps.metrics.registry;
    // The gauge reads the controller built last on its registry: the current leadership term's.
    phaseSources.set(registry, () => this.cellsByPhase());
    registerOnce(registry, 'helios_cells', () =>
      new Gauge({
        name: 'helios_cells',
        help: 'Cells by phase (reported by the leader).',
        labelNames: ['phase'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [phase, count] of phaseSources.get(registry)?.() ?? []) this.set({ phase }, count);
        },
      }),
    );
  }

  setup(term: ControllerTerm): void {
    const cells = term.informers.informer('cell');
    const agents = term.informers.keyInformer(this.deps.keys.agents());
    term.watch(cells, (event) => metaOf(event.object).name);
    term.watch(agents, (event) => this.cellOfAgentKey(event.key));
    // A warm cache sends no 'added' events at a new term: look at every cell once.
    term.resync(() => cells.list().map((cell) => metaOf(cell).name), RESYNC_MS);
    this.cells = cells;
    this.agents = agents;
    term.onStop(() => {
      this.cells = undefined;
      this.agents = undefined;
    });
  }

  async reconcile(cellName: string, ctx: ReconcileContext): Promise<void> {
    const cell = this.cells?.get(cellName);
    if (!cell) return;
    const agent = this.agents?.get(this.deps.keys.agent(cellName));
    const agentId = agent ? agent.value.toString('utf8') : undefined;
    const now = () => new Date(this.deps.clock?.now() ?? Date.now()).toISOString();
    // Decide from the cache first: most events (a status write by someone else) change nothing here.
    if (!cellLivenessStatus(cell.status, agentId, now())) return;
    try {
      // Re-decide on the freshest copy: mutate re-reads on every compare-and-swap retry.
      await this.deps.store.mutate(
        'cell',
        cellName,
        undefined,
        (current) => {
          const status = cellLivenessStatus(current.status, agentId, now());
          return status ? { ...current, status } : undefined;
        },
        { fence: this.deps.fence(), onWritten: ctx.wrote },
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw new Error(`setting liveness of cell ${cellName}`, { cause: err });
    }
  }

  /** Cell count by phase name, from the cache; nothing while not running. */
  private cellsByPhase(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const cell of this.cells?.list() ?? []) {
      const phase = enumDisplayName(CellPhase, cell.status?.phase ?? CellPhase.CELL_PHASE_UNSPECIFIED);
      counts.set(phase, (counts.get(phase) ?? 0) + 1);
    }
    return counts;
  }

  /** `<root>/agents/<cell>` -> `<cell>`; undefined for a key that is not one cell's. */
  private cellOfAgentKey(key: string): string | undefined {
    const cell = key.slice(this.deps.keys.agents().length);
    return cell !== '' && !cell.includes('/') ? cell : undefined;
  }
}
