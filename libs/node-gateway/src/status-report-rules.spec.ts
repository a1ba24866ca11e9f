import { ReportStatusRequest } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { validateStatusReport } from './status-report-rules';

describe('validateStatusReport', () => {
  const replica = (fields: object) => ({ deployment: 'chat', name: 'chat-abc', uid: 'u1', ...fields });
  it.each([
    ['replicas only', { replicas: [replica({})] }, []],
    ['no deployment', { replicas: [replica({}), replica({ deployment: '' })] }, [{ path: 'replicas[1].deployment', message: 'is required' }]],
    ['a name that would escape its key', { replicas: [replica({ name: '../x' })] }, [{ path: 'replicas[0].name', message: expect.stringContaining('must be a DNS-1123 label') }]],
    ['a replica twice', { replicas: [replica({}), replica({})] }, [{ path: 'replicas[1]', message: 'replica chat/chat-abc is reported twice' }]],
    ['no uid', { replicas: [replica({ uid: '' })] }, [{ path: 'replicas[0].uid', message: 'is required' }]],
    ['257 replicas', { replicas: Array.from({ length: 257 }, () => replica({})) }, [{ path: 'replicas', message: 'at most 256 per report, got 257' }]],
    ['a node status with a bad GPU', { nodeStatus: { gpus: [{ index: -1 }] } }, [{ path: 'nodeStatus.gpus[0].index', message: 'must not be negative, got -1' }]],
  ])('%s', (_what, request, errors) => {
    expect(validateStatusReport(ReportStatusRequest.fromPartial(request))).toEqual(errors);
  });
});
