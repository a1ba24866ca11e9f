import type { Resource } from '../gen/helios/v1/operator';
import { KINDS, unwrap } from '../kinds';
import { API_VERSION } from './decode-manifest';
import { kindSchema, type FieldSchema, type MessageSchema, type ValueSchema } from './message-schema';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A resource as people read and write it: the manifest shape that `decodeManifest` takes back. */
export interface DisplayObject {
  apiVersion: typeof API_VERSION;
  /** `NodePool` */
  kind: string;
  metadata?: JsonObject;
  spec?: JsonObject;
  status?: JsonObject;
  /** Any further top-level field a future proto adds to every kind. */
  [field: string]: JsonValue | undefined;
}

/**
 * Turns a Resource into plain JSON in the manifest shape, `{ apiVersion, kind, metadata, spec, status }`.
 *
 * Like protobuf JSON: fields are camelCase, zero values ('' / 0 / false / the zero enum / empty
 * lists and maps / unset messages) are omitted, a set message is kept even when empty (`status: {}`).
 * Unlike it, enums print as their PascalCase suffix (`OnDemand`, `NotReady`) and 64-bit integers as
 * numbers. `decodeManifest(toDisplayObject(r))` gives back `r`.
 */
export function toDisplayObject(resource: Resource): DisplayObject {
  const unwrapped = unwrap(resource);
  if (!unwrapped) throw new Error('cannot display a Resource with no kind set');
  const body = messageToJson(kindSchema(unwrapped.name), unwrapped.resource as unknown as Record<string, unknown>);
  return { apiVersion: API_VERSION, kind: KINDS[unwrapped.name].display, ...body };
}

function messageToJson(schema: MessageSchema, message: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const field of schema.fields) {
    const value = fieldToJson(field, message[field.jsonName]);
    if (value !== undefined) out[field.jsonName] = value;
  }
  return out;
}

function fieldToJson(field: FieldSchema, value: unknown): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (field.cardinality === 'repeated') {
    const items = value as unknown[];
    return items.length === 0 ? undefined : items.map((item) => valueToJson(field.value, item));
  }
  if (field.cardinality === 'map') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(field.value, v)]));
  }
  return isZero(field.value, value) ? undefined : valueToJson(field.value, value);
}

function isZero(schema: ValueSchema, value: unknown): boolean {
  if (schema.type === 'message') return false;
  if (value instanceof Uint8Array) return value.length === 0;
  return value === '' || value === 0 || value === false;
}

function valueToJson(schema: ValueSchema, value: unknown): JsonValue {
  switch (schema.type) {
    case 'message':
      return messageToJson(schema.message, value as Record<string, unknown>);
    case 'enum':
      // An enum number this build does not know (a newer server) prints as the number.
      return schema.enum.words.find((w) => w.value === value)?.pascal ?? (value as number);
    case 'timestamp':
      return value as string;
    case 'scalar':
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      return value as JsonValue;
  }
}
