/**
 * Setup file of the unit project: a unit spec that starts a process fails at once, naming the
 * call, instead of quietly running an app in the fast suite. It catches what the classifier in
 * test/spec-project.ts cannot see, such as a helper module that spawns on a spec's behalf.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const SPAWNING = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

for (const name of SPAWNING) {
  Object.defineProperty(childProcess, name, {
    configurable: true,
    writable: true,
    value: (command: unknown) => {
      throw new Error(
        `child_process.${name}(${JSON.stringify(command)}) in a unit spec: unit specs start no processes. ` +
          'test/spec-project.ts puts a spec in the e2e project when its own text starts one (launchComponent, runCli, child_process ...).',
      );
    },
  });
}
// ES module imports of node:child_process see the replacements too, not only require().
syncBuiltinESMExports();
