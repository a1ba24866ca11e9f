import { describe, expect, it } from 'vitest';
import { parseAddressList } from './address-list';

describe('parseAddressList', () => {
  it.each([
    ['127.0.0.1:50051', ['127.0.0.1:50051']],
    ['10.0.0.1:50051, 10.0.0.2:50051', ['10.0.0.1:50051', '10.0.0.2:50051']],
    ['a:1,,b:2,', ['a:1', 'b:2']],
    ['[::1]:9000', ['[::1]:9000']],
  ])('%s -> %j', (value, addresses) => {
    expect(parseAddressList(value)).toEqual(addresses);
  });
  it.each([
    ['', '--control-plane: no address given (host:port[,host:port...])'],
    ['a:1,b', '--control-plane: "b" is not host:port'],
    ['a:x', '--control-plane: "a:x" has no valid port'],
  ])('refuses %j: %s', (value, message) => {
    expect(() => parseAddressList(value)).toThrow(message);
  });
});
