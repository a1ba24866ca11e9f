import { status } from '@grpc/grpc-js';
import { KINDS, kindInfoOf, type KindInfo, type KindName } from '@helios/api';
import { ApiError } from '@helios/api-server';
import { describeErrors, validateLabels, validateName, type FieldError } from '@helios/validation';

/** Where a request points: a kind, a name and (for pools, nodes and replicas) maybe a parent. */
export interface Target {
  kind: KindName;
  info: KindInfo;
  name: string;
  parent: string;
}

/** Validates kind, name and parent of a request for one object. */
export function objectTarget(kindNumber: number, name: string, parent: string): Target {
  const info = kindOrThrow(kindNumber);
  const errors: FieldError[] = [...validateName('name', name), ...parentErrors(info, parent)];
  rejectIfInvalid(info.display, name, errors);
  return { kind: info.name, info, name, parent };
}

/** Validates kind, parent and label selector of a list or watch. */
export function collectionTarget(kindNumber: number, parent: string, selector: Record<string, string> | undefined): Target {
  const info = kindOrThrow(kindNumber);
  rejectIfInvalid(info.display, '', [...parentErrors(info, parent), ...validateLabels('labelSelector', selector)]);
  return { kind: info.name, info, name: '', parent };
}

/** An INVALID_ARGUMENT failure of a request. */
export function invalid(message: string): ApiError {
  return new ApiError(status.INVALID_ARGUMENT, message);
}

/** Fails the request with INVALID_ARGUMENT naming every field path at fault, when there is one. */
export function rejectIfInvalid(display: string, name: string, errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(describeErrors(display, name, errors));
}

/** `NodePool "gpu-a" in cell "c1"`, or `Cell "c1"`. */
export function describeTarget(display: string, name: string, kind: KindName, parent: string): string {
  const field = KINDS[kind].parentField;
  return field && parent ? `${display} ${JSON.stringify(name)} in ${field} ${JSON.stringify(parent)}` : `${display} ${JSON.stringify(name)}`;
}

function kindOrThrow(kindNumber: number): KindInfo {
  const info = kindInfoOf(kindNumber);
  if (info) return info;
  const known = Object.values(KINDS).map((k) => `${k.display} (${k.kind})`);
  throw invalid(`kind: must be one of ${known.join(', ')}, got ${kindNumber}`);
}

function parentErrors(info: KindInfo, parent: string): FieldError[] {
  if (info.parentField) return validateName('parent', parent, false);
  return parent === '' ? [] : [{ path: 'parent', message: `must be empty: a ${info.display} has no parent, got ${JSON.stringify(parent)}` }];
}
