import { describe, expect, it } from 'vitest';
import { KIND_NAMES } from '../kinds';
import { kindSchema, type FieldSchema, type MessageSchema } from './message-schema';

function field(schema: MessageSchema, name: string): FieldSchema {
  const f = schema.fields.find((x) => x.jsonName === name);
  if (!f) throw new Error(`no field ${name} in ${schema.fullName}`);
  return f;
}

function sub(schema: MessageSchema, name: string): MessageSchema {
  const f = field(schema, name);
  if (f.value.type !== 'message') throw new Error(`${name} is not a message`);
  return f.value.message;
}

describe('kindSchema', () => {
  it.each(KIND_NAMES.map((k) => [k]))('%s has metadata, spec and status', (kind) => {
    const schema = kindSchema(kind);
    expect(schema.fields.map((f) => f.jsonName)).toEqual(['metadata', 'spec', 'status']);
    expect(sub(schema, 'metadata').fullName).toBe('.helios.v1.ObjectMeta');
  });

  it('walks scalar, enum, timestamp, map and repeated fields from the descriptors', () => {
    const pool = kindSchema('nodePool');
    const spec = sub(pool, 'spec');
    expect(spec.fullName).toBe('.helios.v1.NodePoolSpec');
    expect(field(spec, 'gpuType')).toEqual({ name: 'gpu_type', jsonName: 'gpuType', cardinality: 'single', value: { type: 'scalar', scalar: 'string' } });
    expect(field(spec, 'min').value).toEqual({ type: 'scalar', scalar: 'int32' });
    expect(field(spec, 'hourlyPrice').value).toEqual({ type: 'scalar', scalar: 'double' });
    const tier = field(spec, 'tier').value;
    expect(tier.type === 'enum' && tier.enum.words.map((w) => w.pascal)).toEqual(['Unspecified', 'Reserved', 'OnDemand', 'Preemptible']);

    const meta = sub(pool, 'metadata');
    expect(field(meta, 'resourceVersion').value).toEqual({ type: 'scalar', scalar: 'int64' });
    expect(field(meta, 'createdAt').value).toEqual({ type: 'timestamp' });
    expect(field(meta, 'labels')).toMatchObject({ cardinality: 'map', mapKey: 'string', value: { type: 'scalar', scalar: 'string' } });

    const status = sub(pool, 'status');
    expect(field(status, 'conditions')).toMatchObject({ cardinality: 'repeated', value: { type: 'message' } });
    const replicaSpec = sub(kindSchema('replica'), 'spec');
    expect(field(replicaSpec, 'gpuIndices')).toMatchObject({ cardinality: 'repeated', value: { type: 'scalar', scalar: 'int32' } });
  });

  it('shares one schema object per message type', () => {
    expect(sub(kindSchema('cell'), 'metadata')).toBe(sub(kindSchema('node'), 'metadata'));
  });
});
