import type { Resource } from '../gen/helios/v1/operator';
import { KIND_NAMES, KINDS, kindByAlias, wrap, type KindInfo } from '../kinds';
import { didYouMean } from './did-you-mean';
import { ManifestError } from './manifest-error';
import { kindSchema, type FieldSchema, type MessageSchema, type ScalarType, type ValueSchema } from './message-schema';

/** The apiVersion every manifest carries (optional on input, always printed). */
export const API_VERSION = 'helios/v1';

/** Keys a manifest document has besides the fields of its kind's message. */
const ENVELOPE = ['apiVersion', 'kind'] as const;

const INT_RANGES: Record<'int32' | 'uint32' | 'int64' | 'uint64', [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  // ts-proto maps 64-bit integers to `number`, so the safe-integer range is what survives.
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

const FLOAT_MAX = 3.4028234663852886e38;

// RFC 3339, as protobuf JSON writes Timestamps: a date, a time, optional fraction and an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

/**
 * Decodes one kubectl-style manifest document into a Resource, strictly.
 *
 * `{ apiVersion?: 'helios/v1', kind: 'NodePool', metadata: {...}, spec: {...}, status?: {...} }`.
 * Field names are the camelCase JSON names (`gpuType`), or the proto snake_case names (`gpu_type`).
 * Unknown fields, wrong types, out-of-range integers and unknown enum values are errors that name
 * the field path. Enum values are accepted as the full proto name (`TIER_ON_DEMAND`), the PascalCase
 * suffix (`OnDemand`) or the kebab-case suffix (`on-demand`). A number is accepted where a string is
 * expected (Kubernetes IntOrString: `maxSurge: 1`); a 64-bit integer may be a decimal string, as
 * protobuf JSON writes them. Timestamps are RFC 3339 strings. `null` means unset.
 *
 * @param index 0-based position of the document when the caller decodes several; it prefixes errors.
 * @throws ManifestError
 */
export function decodeManifest(doc: unknown, index?: number): Resource {
  const fail = (path: string, reason: string): never => {
    throw new ManifestError(path, reason, index);
  };
  if (!isMapping(doc)) return fail('', `expected a mapping with apiVersion, kind, metadata and spec, got ${describe(doc)}`);
  const apiVersion = doc['apiVersion'];
  if (apiVersion !== undefined && apiVersion !== null && apiVersion !== API_VERSION) {
    fail('apiVersion', `unsupported ${describe(apiVersion)} (expected "${API_VERSION}")`);
  }
  const info = kindOf(doc['kind'], fail);
  const body = new ManifestDecoder(fail).message(kindSchema(info.name), doc, '', ENVELOPE);
  const metadata = body['metadata'] as Json | undefined;
  if (typeof metadata?.['name'] !== 'string' || metadata['name'] === '') fail('metadata.name', 'required');
  return wrap(info.name, info.codec.fromPartial(body));
}

function kindOf(kind: unknown, fail: (path: string, reason: string) => never): KindInfo {
  const displays = KIND_NAMES.map((k) => KINDS[k].display);
  if (kind === undefined || kind === null) return fail('kind', `required (one of ${displays.join(', ')})`);
  if (typeof kind !== 'string') return fail('kind', `expected a string, got ${describe(kind)}`);
  const info = KIND_NAMES.map((k) => KINDS[k] as KindInfo).find((i) => i.display === kind);
  if (info) return info;
  const meant = kindByAlias(kind)?.display ?? didYouMean(kind, displays);
  return fail('kind', `unknown kind "${kind}" (${meant ? `did you mean "${meant}"?` : `one of ${displays.join(', ')}`})`);
}

/** Walks a document along a message schema, producing the object ts-proto's fromPartial takes. */
class ManifestDecoder {
  constructor(private readonly fail: (path: string, reason: string) => never) {}

  message(schema: MessageSchema, input: unknown, path: string, extraKeys: readonly string[] = []): Json {
    if (!isMapping(input)) return this.fail(path, `expected a mapping, got ${describe(input)}`);
    const out: Json = {};
    const seen = new Map<string, string>();
    for (const [key, raw] of Object.entries(input)) {
      if (extraKeys.includes(key)) continue;
      const field = schema.fields.find((f) => f.jsonName === key) ?? schema.fields.find((f) => f.name === key);
      const fieldPath = joinPath(path, key);
      if (!field) {
        const meant = didYouMean(key, [...schema.fields.map((f) => f.jsonName), ...extraKeys]);
        this.fail(fieldPath, `unknown field${meant ? ` (did you mean "${meant}"?)` : ''}`);
      } else {
        const other = seen.get(field.jsonName);
        if (other !== undefined) this.fail(fieldPath, `given twice (also as "${other}")`);
        seen.set(field.jsonName, key);
        // null is "unset", as in protobuf JSON and Kubernetes (an empty YAML value `foo:`).
        if (raw !== null && raw !== undefined) out[field.jsonName] = this.field(field, raw, fieldPath);
      }
    }
    return out;
  }

  private field(field: FieldSchema, raw: unknown, path: string): unknown {
    if (field.cardinality === 'repeated') {
      if (!Array.isArray(raw)) return this.fail(path, `expected a list, got ${describe(raw)}`);
      return raw.map((item, i) => this.value(field.value, item, `${path}[${i}]`));
    }
    if (field.cardinality === 'map') {
      if (!isMapping(raw)) return this.fail(path, `expected a mapping, got ${describe(raw)}`);
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) {
        const entryPath = joinPath(path, key);
        this.mapKey(field.mapKey ?? 'string', key, entryPath);
        out[key] = this.value(field.value, value, entryPath);
      }
      return out;
    }
    return this.value(field.value, raw, path);
  }

  private mapKey(type: ScalarType, key: string, path: string): void {
    if (type === 'string') return;
    if (type === 'bool') {
      if (key !== 'true' && key !== 'false') this.fail(path, `map key must be true or false`);
      return;
    }
    if (!/^-?\d+$/.test(key)) this.fail(path, `map key must be an integer`);
    else this.scalar(type, Number(key), path);
  }

  private value(schema: ValueSchema, raw: unknown, path: string): unknown {
    switch (schema.type) {
      case 'scalar':
        return this.scalar(schema.scalar, raw, path);
      case 'enum': {
        const allowed = schema.enum.words.filter((w) => w.value !== 0).map((w) => w.pascal);
        if (typeof raw !== 'string') return this.fail(path, `expected one of ${allowed.join(', ')}, got ${describe(raw)}`);
        const hit = schema.enum.words.find((w) => w.full === raw || w.pascal === raw || w.kebab === raw);
        if (hit) return hit.value;
        return this.fail(path, `invalid value "${raw}" (allowed: ${allowed.join(', ')})`);
      }
      case 'timestamp':
        return this.timestamp(raw, path);
      case 'message':
        return this.message(schema.message, raw, path);
    }
  }

  private timestamp(raw: unknown, path: string): string {
    if (raw instanceof Date && !Number.isNaN(raw.getTime())) return raw.toISOString();
    if (typeof raw !== 'string') return this.fail(path, `expected an RFC 3339 timestamp (2024-05-01T12:00:00Z), got ${describe(raw)}`);
    const ms = Date.parse(raw);
    if (!RFC3339.test(raw) || Number.isNaN(ms)) return this.fail(path, `expected an RFC 3339 timestamp (2024-05-01T12:00:00Z), got "${raw}"`);
    return new Date(ms).toISOString();
  }

  private scalar(type: ScalarType, raw: unknown, path: string): unknown {
    switch (type) {
      case 'string':
        // IntOrString: `maxSurge: 1` and `maxSurge: "25%"` both mean something.
        if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
        if (typeof raw !== 'string') return this.fail(path, `expected a string, got ${describe(raw)}`);
        return raw;
      case 'bool':
        if (typeof raw !== 'boolean') return this.fail(path, `expected true or false, got ${describe(raw)}`);
        return raw;
      case 'double':
      case 'float':
        if (typeof raw !== 'number' || !Number.isFinite(raw)) return this.fail(path, `expected a number, got ${describe(raw)}`);
        if (type === 'float' && Math.abs(raw) > FLOAT_MAX) return this.fail(path, `${raw} is out of range for a 32-bit float`);
        return raw;
      case 'bytes':
        if (typeof raw !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(raw)) return this.fail(path, `expected base64 bytes, got ${describe(raw)}`);
        return new Uint8Array(Buffer.from(raw, 'base64'));
      default: {
        // protobuf JSON writes 64-bit integers as decimal strings, so accept those for int64/uint64.
        const is64 = type === 'int64' || type === 'uint64';
        const n = is64 && typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
        if (typeof n !== 'number' || !Number.isInteger(n)) return this.fail(path, `expected an integer, got ${describe(raw)}`);
        const [min, max] = INT_RANGES[type];
        if (n < min || n > max) return this.fail(path, `${typeof raw === 'string' ? raw : n} is out of range for ${type} (${min}..${max})`);
        return n;
      }
    }
  }
}

function isMapping(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

/** `spec.template`, `metadata.labels["app.kubernetes.io/name"]`. */
function joinPath(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/** A short, quoted description of a value for error messages: `string "abc"`, `a list`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}
