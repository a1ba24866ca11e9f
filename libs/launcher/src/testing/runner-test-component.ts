/**
 * A component for the runner's process tests (run-component.spec.ts): it registers stop steps
 * that say when they run, and fails, hangs or takes its time where its flags say.
 */
import { runComponent } from '../run-component';

const say = (line: string) => void process.stdout.write(`${line}\n`);

runComponent({
  name: 'runner-test-component',
  summary: 'A component that only starts and stops, for the component runner\'s tests.',
  settings: {
    cell: { flag: 'cell', env: 'HELIOS_TEST_CELL', default: 'c1', doc: 'any name; empty is a usage error' },
    startMs: { flag: 'start-ms', env: 'HELIOS_TEST_START_MS', default: 0, min: 0, doc: 'the start takes this long, in ms' },
    failStart: { flag: 'fail-start', env: 'HELIOS_TEST_FAIL_START', default: false, doc: 'the start fails after starting a and b' },
    holdOpen: { flag: 'hold-open', env: 'HELIOS_TEST_HOLD_OPEN', default: false, doc: 'leave a handle open that no stop step closes' },
    hangStop: { flag: 'hang-stop', env: 'HELIOS_TEST_HANG_STOP', default: false, doc: 'a stop step that never ends' },
    failStop: { flag: 'fail-stop', env: 'HELIOS_TEST_FAIL_STOP', default: false, doc: 'a stop step that throws' },
    failRunning: { flag: 'fail-running', env: 'HELIOS_TEST_FAIL_RUNNING', default: false, doc: 'the work fails once started' },
  },
  check(config) {
    if (!config.cell) throw new Error('--cell is required');
  },
  async start(config, component) {
    say('starting');
    if (config.holdOpen) setInterval(() => undefined, 1_000);
    component.onStop('a', () => say('stopped a'));
    // What keeps the process alive while it runs, as a server or an etcd client would.
    const serving = setInterval(() => undefined, 1_000);
    component.onStop('b', () => {
      clearInterval(serving);
      say('stopped b');
    });
    if (config.failStop) {
      component.onStop('d', () => {
        throw new Error('d would not stop');
      });
    }
    if (config.hangStop) {
      component.onStop('c', () => {
        say('stopping c');
        return new Promise(() => undefined);
      });
    }
    if (config.startMs) await new Promise((resolve) => setTimeout(resolve, config.startMs));
    if (config.failStart) throw new Error('reaching etcd', { cause: new Error('connection refused') });
    say('started');
    if (config.failRunning) setTimeout(() => component.stop(1, 'the work failed'), 0);
  },
});
