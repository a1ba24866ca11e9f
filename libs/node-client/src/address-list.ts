import { parseHostPort } from '@helios/config';

/**
 * Parses a list of control-plane addresses, `host:port[,host:port...]` (the --control-plane flag),
 * checking each as every address setting is checked. Spaces around commas are allowed.
 * Example: "10.0.0.1:50051, 10.0.0.2:50051" -> ["10.0.0.1:50051", "10.0.0.2:50051"].
 */
export function parseAddressList(value: string, setting = '--control-plane'): string[] {
  const addresses = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (addresses.length === 0) throw new Error(`${setting}: no address given (host:port[,host:port...])`);
  for (const address of addresses) parseHostPort(address, setting);
  return addresses;
}
