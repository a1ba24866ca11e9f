import { Cell, NodePool, wrap } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error';
import { decodeSources, parseDocuments } from './manifest-documents';

const CELL_YAML = 'kind: Cell\nmetadata:\n  name: us-east\nspec:\n  provider: sim\n';
const POOL_YAML = 'kind: NodePool\nmetadata:\n  name: gpu-a\nspec:\n  cell: us-east\n  max: 2\n';

describe('parseDocuments', () => {
  it.each<[string, string, unknown[]]>([
    ['one YAML document', 'a: 1\n', [{ a: 1 }]],
    ['several, skipping empty ones', '---\na: 1\n---\n---\nb: 2\n---\n', [{ a: 1 }, { b: 2 }]],
    ['JSON', '{"a": [1, "x"]}', [{ a: [1, 'x'] }]],
    ['nothing', '', []],
    ['comments only', '# nothing here\n', []],
    ['aliases', 'a: &x 1\nb: *x\n', [{ a: 1, b: 1 }]],
    ['YAML 1.2 booleans only', 'a: yes\nb: true\n', [{ a: 'yes', b: true }]],
  ])('%s', (_name, text, docs) => {
    expect(parseDocuments({ name: 'f.yaml', text })).toEqual(docs);
  });

  it.each([
    ['a: 1\na: 2\n', 'f.yaml: line 2: Map keys must be unique'],
    ['a: [1\n', 'f.yaml: line 2: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['{"a": 1,,}', 'f.yaml: line 1: '],
  ])('refuses %j on one line naming the line', (text, start) => {
    let error: unknown;
    try {
      parseDocuments({ name: 'f.yaml', text });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message.startsWith(start)).toBe(true);
    expect((error as CliError).message).not.toContain('\n');
  });
});

describe('decodeSources', () => {
  it('decodes every document of every source with kind, name and parent', () => {
    expect(decodeSources([{ name: 'a.yaml', text: `${CELL_YAML}---\n${POOL_YAML}` }, { name: '<stdin>', text: CELL_YAML }])).toEqual([
      { source: 'a.yaml', index: 0, kind: 'cell', name: 'us-east', parent: '', resource: wrap('cell', Cell.fromPartial({ metadata: { name: 'us-east' }, spec: { provider: 'sim' } })) },
      { source: 'a.yaml', index: 1, kind: 'nodePool', name: 'gpu-a', parent: 'us-east', resource: wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a' }, spec: { cell: 'us-east', max: 2 } })) },
      { source: '<stdin>', index: 0, kind: 'cell', name: 'us-east', parent: '', resource: wrap('cell', Cell.fromPartial({ metadata: { name: 'us-east' }, spec: { provider: 'sim' } })) },
    ]);
  });

  it.each([
    ['names the document when the source has several', [{ name: 'a.yaml', text: `${CELL_YAML}---\n${POOL_YAML.replace('max', 'maxi')}` }], 'a.yaml: document 2: spec.maxi: unknown field (did you mean "max"?)'],
    ['omits it when the source has one', [{ name: 'b.yaml', text: POOL_YAML.replace('max', 'maxi') }], 'b.yaml: spec.maxi: unknown field (did you mean "max"?)'],
    ['fails on a later source too', [{ name: 'a.yaml', text: CELL_YAML }, { name: 'c.json', text: '[1]' }], 'c.json: expected a mapping with apiVersion, kind, metadata and spec, got a list'],
    ['fails when there is nothing at all', [{ name: 'e.yaml', text: '---\n' }, { name: 'f.yaml', text: '' }], 'no objects in e.yaml, f.yaml'],
  ])('%s', (_name, sources, message) => {
    expect(() => decodeSources(sources)).toThrow(new CliError(message));
  });
});
