/** A host and port to listen on or connect to. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or `:port` (all interfaces).
 * Examples: "127.0.0.1:8080" -> 127.0.0.1 / 8080; "[::1]:9000" -> ::1 / 9000; ":80" -> 0.0.0.0 / 80.
 */
export function parseHostPort(value: string): HostPort {
  const at = value.lastIndexOf(':');
  if (at < 0) throw new Error(`"${value}" is not host:port`);
  let host = value.slice(0, at);
  const portText = value.slice(at + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new Error(`"${value}" has no valid port`);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host || '0.0.0.0', port };
}
