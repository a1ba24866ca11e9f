import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, type DescriptorProto, type EnumDescriptorProto, type FileDescriptorProto } from 'ts-proto-descriptors';
import { protoMetadata as operatorProtoMetadata } from '../gen/helios/v1/operator';
import type { KindName } from '../kinds';
import { enumWords, type EnumWords } from './enum-words';

/**
 * The shape of the API messages as the manifest codec needs it, walked once from the ts-proto
 * descriptors so that a field added to `proto/` is accepted and printed without touching the codec.
 */

/** Scalar types as they appear in ts-proto's TypeScript (all 64-bit integers are `number`). */
export type ScalarType = 'double' | 'float' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'string' | 'bytes';

export interface EnumSchema {
  /** `.helios.v1.Tier` */
  fullName: string;
  words: EnumWords[];
}

export interface MessageSchema {
  /** `.helios.v1.NodePoolSpec` */
  fullName: string;
  fields: FieldSchema[];
}

/** What one value (a single field, one element of a list, one value of a map) holds. */
export type ValueSchema =
  | { type: 'scalar'; scalar: ScalarType }
  | { type: 'enum'; enum: EnumSchema }
  /** google.protobuf.Timestamp: an ISO-8601 string in ts-proto's TypeScript (useDate=string). */
  | { type: 'timestamp' }
  | { type: 'message'; message: MessageSchema };

export interface FieldSchema {
  /** Proto name, `gpu_type`. */
  name: string;
  /** JSON and TypeScript name, `gpuType`. */
  jsonName: string;
  cardinality: 'single' | 'repeated' | 'map';
  /** Type of the keys of a map field (a scalar). */
  mapKey?: ScalarType;
  value: ValueSchema;
}

/** The subset of ts-proto's generated ProtoMetadata the schema walks. */
interface ProtoFile {
  fileDescriptor: FileDescriptorProto;
  dependencies?: ProtoFile[];
}

const TIMESTAMP = '.google.protobuf.Timestamp';

const SCALARS: Partial<Record<FieldDescriptorProto_Type, ScalarType>> = {
  [FieldDescriptorProto_Type.TYPE_DOUBLE]: 'double',
  [FieldDescriptorProto_Type.TYPE_FLOAT]: 'float',
  [FieldDescriptorProto_Type.TYPE_INT64]: 'int64',
  [FieldDescriptorProto_Type.TYPE_SINT64]: 'int64',
  [FieldDescriptorProto_Type.TYPE_SFIXED64]: 'int64',
  [FieldDescriptorProto_Type.TYPE_UINT64]: 'uint64',
  [FieldDescriptorProto_Type.TYPE_FIXED64]: 'uint64',
  [FieldDescriptorProto_Type.TYPE_INT32]: 'int32',
  [FieldDescriptorProto_Type.TYPE_SINT32]: 'int32',
  [FieldDescriptorProto_Type.TYPE_SFIXED32]: 'int32',
  [FieldDescriptorProto_Type.TYPE_UINT32]: 'uint32',
  [FieldDescriptorProto_Type.TYPE_FIXED32]: 'uint32',
  [FieldDescriptorProto_Type.TYPE_BOOL]: 'bool',
  [FieldDescriptorProto_Type.TYPE_STRING]: 'string',
  [FieldDescriptorProto_Type.TYPE_BYTES]: 'bytes',
};

/** Every message and enum descriptor of a set of proto files, by fully qualified name. */
class DescriptorIndex {
  readonly messages = new Map<string, DescriptorProto>();
  readonly enums = new Map<string, EnumDescriptorProto>();
  private readonly seenFiles = new Set<string>();

  add(file: ProtoFile): this {
    const fd = file.fileDescriptor;
    if (this.seenFiles.has(fd.name)) return this;
    this.seenFiles.add(fd.name);
    const scope = fd.package ? `.${fd.package}` : '';
    for (const message of fd.messageType) this.addMessage(scope, message);
    for (const e of fd.enumType) this.enums.set(`${scope}.${e.name}`, e);
    for (const dep of file.dependencies ?? []) this.add(dep);
    return this;
  }

  private addMessage(scope: string, message: DescriptorProto): void {
    const fullName = `${scope}.${message.name}`;
    this.messages.set(fullName, message);
    for (const nested of message.nestedType) this.addMessage(fullName, nested);
    for (const e of message.enumType) this.enums.set(`${fullName}.${e.name}`, e);
  }
}

/** Builds MessageSchemas from descriptors, memoized by name so recursive messages terminate. */
class SchemaBuilder {
  private readonly messages = new Map<string, MessageSchema>();
  private readonly enums = new Map<string, EnumSchema>();

  constructor(private readonly index: DescriptorIndex) {}

  message(fullName: string): MessageSchema {
    const cached = this.messages.get(fullName);
    if (cached) return cached;
    const descriptor = this.index.messages.get(fullName);
    if (!descriptor) throw new Error(`manifest schema: message ${fullName} is not in the descriptors`);
    const schema: MessageSchema = { fullName, fields: [] };
    this.messages.set(fullName, schema);
    schema.fields = descriptor.field.map((f) => {
      try {
        return this.field(f);
      } catch (cause) {
        throw new Error(`manifest schema: field ${fullName}.${f.name}`, { cause });
      }
    });
    return schema;
  }

  private field(f: DescriptorProto['field'][number]): FieldSchema {
    const repeated = f.label === FieldDescriptorProto_Label.LABEL_REPEATED;
    const base = { name: f.name, jsonName: f.jsonName || f.name };
    if (repeated && f.type === FieldDescriptorProto_Type.TYPE_MESSAGE) {
      const entry = this.index.messages.get(f.typeName);
      if (entry?.options?.mapEntry) {
        const key = entry.field.find((x) => x.number === 1);
        const value = entry.field.find((x) => x.number === 2);
        const mapKey = key && SCALARS[key.type];
        if (!mapKey || !value) throw new Error(`map entry ${f.typeName} has no scalar key or no value`);
        return { ...base, cardinality: 'map', mapKey, value: this.value(value) };
      }
    }
    return { ...base, cardinality: repeated ? 'repeated' : 'single', value: this.value(f) };
  }

  private value(f: DescriptorProto['field'][number]): ValueSchema {
    if (f.type === FieldDescriptorProto_Type.TYPE_MESSAGE) {
      return f.typeName === TIMESTAMP ? { type: 'timestamp' } : { type: 'message', message: this.message(f.typeName) };
    }
    if (f.type === FieldDescriptorProto_Type.TYPE_ENUM) return { type: 'enum', enum: this.enumSchema(f.typeName) };
    const scalar = SCALARS[f.type];
    if (!scalar) throw new Error(`unsupported field type ${f.type}`);
    return { type: 'scalar', scalar };
  }

  private enumSchema(fullName: string): EnumSchema {
    const cached = this.enums.get(fullName);
    if (cached) return cached;
    const descriptor = this.index.enums.get(fullName);
    if (!descriptor) throw new Error(`enum ${fullName} is not in the descriptors`);
    const schema = { fullName, words: enumWords(descriptor.name, descriptor.value) };
    this.enums.set(fullName, schema);
    return schema;
  }
}

let kindSchemas: Map<KindName, MessageSchema> | undefined;

/**
 * The schema of the message of a kind (`nodePool` -> `.helios.v1.NodePool`), found through the
 * oneof of `Resource` in operator.proto, whose field jsonNames are the KindNames.
 */
export function kindSchema(kind: KindName): MessageSchema {
  if (!kindSchemas) {
    const index = new DescriptorIndex().add(operatorProtoMetadata);
    const builder = new SchemaBuilder(index);
    const resource = index.messages.get('.helios.v1.Resource');
    if (!resource) throw new Error('manifest schema: helios.v1.Resource is not in the descriptors');
    kindSchemas = new Map(resource.field.map((f) => [f.jsonName as KindName, builder.message(f.typeName)]));
  }
  const schema = kindSchemas.get(kind);
  if (!schema) throw new Error(`manifest schema: kind ${kind} is not a case of helios.v1.Resource`);
  return schema;
}
