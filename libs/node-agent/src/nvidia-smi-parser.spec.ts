import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiCsv } from './nvidia-smi-parser';

describe('parseNvidiaSmiCsv', () => {
  it.each([
    {
      name: 'the worked example',
      output: '0, GPU-5f0e9c4a-1111-2222-3333-444455556666, NVIDIA H100 80GB HBM3, 81559\n',
      want: [{ index: 0, uuid: 'GPU-5f0e9c4a-1111-2222-3333-444455556666', model: 'NVIDIA H100 80GB HBM3', memoryMib: 81559, healthy: true }],
    },
    {
      name: 'several GPUs out of order, CRLF and blank lines',
      output: '1, GPU-b, NVIDIA L4, 23034\r\n\r\n0, GPU-a, NVIDIA L4, 23034\r\n',
      want: [
        { index: 0, uuid: 'GPU-a', model: 'NVIDIA L4', memoryMib: 23034, healthy: true },
        { index: 1, uuid: 'GPU-b', model: 'NVIDIA L4', memoryMib: 23034, healthy: true },
      ],
    },
    {
      name: 'a model name with a comma',
      output: '0, GPU-a, NVIDIA A100-SXM4-80GB, rev 2, 81920',
      want: [{ index: 0, uuid: 'GPU-a', model: 'NVIDIA A100-SXM4-80GB, rev 2', memoryMib: 81920, healthy: true }],
    },
    {
      name: 'unreadable memory',
      output: '0, GPU-a, NVIDIA GH200, [N/A]\n1, GPU-b, NVIDIA GH200, [Not Supported]',
      want: [
        { index: 0, uuid: 'GPU-a', model: 'NVIDIA GH200', memoryMib: 0, healthy: true },
        { index: 1, uuid: 'GPU-b', model: 'NVIDIA GH200', memoryMib: 0, healthy: true },
      ],
    },
    { name: 'no GPUs', output: '\n', want: [] },
  ])('parses $name', ({ output, want }) => {
    expect(parseNvidiaSmiCsv(output)).toEqual(want);
  });

  it.each([
    { output: '0, GPU-a, 81559', error: 'nvidia-smi line 1 has 3 fields, expected 4: "0, GPU-a, 81559"' },
    { output: '\nx, GPU-a, NVIDIA L4, 23034', error: 'nvidia-smi line 2 has a bad GPU index "x"' },
    { output: '0, , NVIDIA L4, 23034', error: 'nvidia-smi line 1 has no GPU uuid' },
  ])('rejects $output', ({ output, error }) => {
    expect(() => parseNvidiaSmiCsv(output)).toThrow(error);
  });
});
