/** A host and port to listen on or connect to. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or `:port` (all interfaces), the form of every address setting
 * and of a replica's endpoint; `setting` (a flag such as `--metrics-addr`) starts the error
 * message when given.
 * Examples: "127.0.0.1:8080" -> 127.0.0.1 / 8080; "[::1]:9000" -> ::1 / 9000; ":80" -> 0.0.0.0 / 80.
 */
export function parseHostPort(value: string, setting?: string): HostPort {
  const what = setting ? `${setting}: ` : '';
  const at = value.lastIndexOf(':');
  if (at < 0) throw new Error(`${what}"${value}" is not host:port`);
  let host = value.slice(0, at);
  const portText = value.slice(at + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new Error(`${what}"${value}" has no valid port`);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port };
}
