import type { ReadinessProbe, ReplicaTemplate } from '@helios/api';
import { child, indexed, keyed, type FieldError } from './field-error';
import { LIMITS } from './limits';
import { quote, validateAnnotations } from './names';
import { validateInt } from './numbers';
import { validateGpuType, validateString } from './strings';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks a replica template: a non-empty command (program first), a port (0 lets the node agent
 * choose one), 0-16 GPUs with a type when any, a readiness probe, environment variables and
 * annotations (which make a new revision when they change).
 */
export function validateTemplate(path: string, template: ReplicaTemplate | undefined): FieldError[] {
  if (!template) return [{ path, message: 'is required' }];
  const errors: FieldError[] = [];
  const command = child(path, 'command');
  if (template.command.length === 0) errors.push({ path: command, message: 'is required: the program and its arguments' });
  else if (template.command[0] === '') errors.push({ path: indexed(command, 0), message: 'is required: the program to run' });
  if (template.command.length > LIMITS.commandArgs) {
    errors.push({ path: command, message: `must have at most ${LIMITS.commandArgs} arguments, got ${template.command.length}` });
  }
  template.command.forEach((arg, i) => errors.push(...validateString(indexed(command, i), arg, LIMITS.commandArgLength)));
  errors.push(
    ...validateString(child(path, 'image'), template.image, LIMITS.image),
    ...validateInt(child(path, 'port'), template.port, 0, LIMITS.port),
    ...validateInt(child(path, 'gpus'), template.gpus, 0, LIMITS.gpusPerNode),
    ...validateGpuType(child(path, 'gpuType'), template.gpuType, child(path, 'gpus'), template.gpus),
    ...validateProbe(child(path, 'readinessProbe'), template.readinessProbe),
    ...validateEnv(child(path, 'env'), template.env),
    ...validateAnnotations(child(path, 'annotations'), template.annotations),
  );
  return errors;
}

function validateProbe(path: string, probe: ReadinessProbe | undefined): FieldError[] {
  if (!probe) return [];
  const errors: FieldError[] = [];
  if (probe.path !== '' && !probe.path.startsWith('/')) errors.push({ path: child(path, 'path'), message: `must start with '/', got ${quote(probe.path)}` });
  errors.push(
    ...validateString(child(path, 'path'), probe.path, LIMITS.path),
    ...validateInt(child(path, 'periodSeconds'), probe.periodSeconds, 0, LIMITS.probeSeconds),
    ...validateInt(child(path, 'timeoutSeconds'), probe.timeoutSeconds, 0, LIMITS.probeSeconds),
    ...validateInt(child(path, 'failureThreshold'), probe.failureThreshold, 0, LIMITS.probeSeconds),
    ...validateInt(child(path, 'initialDelaySeconds'), probe.initialDelaySeconds, 0, LIMITS.probeSeconds),
  );
  return errors;
}

function validateEnv(path: string, env: Readonly<Record<string, string>> | undefined): FieldError[] {
  const entries = Object.entries(env ?? {});
  const errors: FieldError[] = [];
  if (entries.length > LIMITS.envVars) errors.push({ path, message: `must have at most ${LIMITS.envVars} variables, got ${entries.length}` });
  for (const [name, value] of entries) {
    const at = keyed(path, name);
    if (!ENV_NAME.test(name) || name.length > LIMITS.shortString) {
      errors.push({ path: at, message: `name must be letters, digits and '_', not starting with a digit, got ${quote(name)}` });
    }
    errors.push(...validateString(at, value, LIMITS.envValueLength));
  }
  return errors;
}
