/**
 * Reconciles each controller has finished, whatever their result, from a control plane's
 * Prometheus text (`helios_controller_reconcile_total{controller,result}` summed over result).
 *
 * Example: {controller="placement",result="success"} 3 and {controller="placement",result="requeue"} 1
 * -> placement 4.
 */
export function reconcilesByController(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const m of text.matchAll(/^helios_controller_reconcile_total\{([^}]*)\}\s+(\S+)/gm)) {
    const controller = /controller="([^"]*)"/.exec(m[1]!)?.[1];
    if (controller === undefined) continue;
    totals.set(controller, (totals.get(controller) ?? 0) + Number(m[2]));
  }
  return totals;
}

/**
 * The controllers that reconciled more in `after` than in `before` (a controller absent from
 * `before` had 0).
 *
 * Example: before {deployment 0}, after {deployment 2, placement 0} -> [deployment].
 */
export function controllersThatMoved(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string[] {
  return [...after].filter(([name, total]) => total > (before.get(name) ?? 0)).map(([name]) => name);
}
