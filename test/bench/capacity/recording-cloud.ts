import type { CloudProvider, Instance, LaunchRequest } from '@helios/provider';
import type { SimProvider } from '@helios/sim';
import type { InstanceLife } from './cost-bound';

/** An instance as the benchmark keeps it: where it is and when it lived. */
export interface RecordedInstance extends InstanceLife {
  id: string;
  cell: string;
  node: string;
  token: string;
}

/**
 * The sim cloud as the cell agents see it (served over HTTP), recording what it did: every
 * instance a launch created, under which token, and when it ended. Spend and duplicate instances
 * are counted from this record, not from anything the system under test reports.
 */
export class RecordingCloud implements CloudProvider {
  readonly name = 'sim';
  readonly instances = new Map<string, RecordedInstance>();
  /** Instance ids each launch token created. */
  readonly createdByToken = new Map<string, Set<string>>();
  refusals = 0;

  constructor(readonly sim: SimProvider) {
    sim.onInstanceTerminated(({ instance }) => {
      const recorded = this.instances.get(instance.id);
      if (recorded && recorded.end === undefined) recorded.end = Date.now();
    });
  }

  async launch(request: LaunchRequest): Promise<Instance[]> {
    let out: Instance[];
    try {
      out = await this.sim.launch(request);
    } catch (err) {
      this.refusals += 1;
      throw err;
    }
    for (const i of out) {
      if (this.instances.has(i.id)) continue;
      this.instances.set(i.id, { id: i.id, cell: i.cell, pool: i.pool, node: i.node, token: request.token, start: Date.now() });
      const ids = this.createdByToken.get(request.token) ?? new Set<string>();
      ids.add(i.id);
      this.createdByToken.set(request.token, ids);
    }
    return out;
  }

  terminate(instanceIds: string[]): Promise<void> {
    return this.sim.terminate(instanceIds);
  }

  list(cell: string, pool?: string): Promise<Instance[]> {
    return this.sim.list(cell, pool);
  }

  /** Instances not terminated yet. */
  live(): RecordedInstance[] {
    return [...this.instances.values()].filter((i) => i.end === undefined);
  }
}
