import { placedTemplateProblem, type LaunchRules } from '@helios/provider';
import { isInstanceName, isLabelValue } from './gcp-labels';

/**
 * What GCE adds to the port's launch check (checkLaunchRequest): node names that are valid GCE
 * instance names (each node's instance is named after it), cell and pool names that are valid
 * label values, and a placed template, a reserved pool naming its reservation.
 */
export const GCE_LAUNCH_RULES: LaunchRules = {
  nodeName: (name) => (isInstanceName(name) ? undefined : `node name ${JSON.stringify(name)} is not a GCE instance name (lowercase letter first, then [-a-z0-9], at most 63)`),
  template: (template) => {
    for (const [field, value] of [['cell', template.cell], ['pool', template.pool]] as const) {
      if (!isLabelValue(value)) return `${field} ${JSON.stringify(value)} is not a GCE label value ([a-z0-9_-], 1-63 characters)`;
    }
    return placedTemplateProblem(template, 'the reservation name');
  },
};
