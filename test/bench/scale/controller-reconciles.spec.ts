import { describe, expect, it } from 'vitest';
import { controllersThatMoved, reconcilesByController } from './controller-reconciles';

const text = [
  '# HELP helios_controller_reconcile_total Reconciles by controller and result.',
  '# TYPE helios_controller_reconcile_total counter',
  'helios_controller_reconcile_total{controller="placement",result="success"} 3',
  'helios_controller_reconcile_total{controller="placement",result="requeue"} 1',
  'helios_controller_reconcile_total{result="success",controller="deployment"} 200',
  'helios_controller_reconcile_total_created{controller="deployment"} 1',
  'helios_controller_reconcile_errors_total{controller="deployment"} 7',
].join('\n');

describe('reconcilesByController', () => {
  it('sums every result of each controller, whatever the label order (the worked example)', () => {
    expect(reconcilesByController(text)).toEqual(new Map([['placement', 4], ['deployment', 200]]));
  });

  it('is empty for a control plane that never ran a controller', () => {
    expect(reconcilesByController('# TYPE helios_controller_reconcile_total counter\n')).toEqual(new Map());
  });
});

describe('controllersThatMoved', () => {
  it('names the controllers whose total grew, a new one counting from 0 (the worked example)', () => {
    expect(controllersThatMoved(new Map([['deployment', 0]]), new Map([['deployment', 2], ['placement', 0]]))).toEqual(['deployment']);
    expect(controllersThatMoved(new Map(), new Map([['capacity', 1]]))).toEqual(['capacity']);
    expect(controllersThatMoved(new Map([['capacity', 5]]), new Map([['capacity', 5]]))).toEqual([]);
  });
});
