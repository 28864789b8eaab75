/**
 * Where the list of gateway nodes comes from. A fixed fleet writes it out
 * (`id=host:port,...`); on Kubernetes the gateway pods come and go with the
 * HPA, so the list is the addresses behind the gateways' headless Service
 * (`dns:gateway:50051`), looked up again when it is older than `refreshMs`.
 */
import { lookup } from 'node:dns/promises';
import { parseMemberList, type Member } from '@chat/ring';

/** The current gateway nodes. */
export interface GatewayNodeList {
  current(): Promise<readonly Member[]>;
}

/** A fixed list. */
export function staticNodeList(nodes: readonly Member[]): GatewayNodeList {
  return { current: async () => nodes };
}

/** Every address `host` resolves to, with `port`; each node's id is its address. */
export function dnsNodeList(host: string, port: number, options: { refreshMs?: number; resolve?: (host: string) => Promise<string[]> } = {}): GatewayNodeList {
  const refreshMs = options.refreshMs ?? 5_000;
  const resolve = options.resolve ?? (async (name: string) => (await lookup(name, { all: true })).map((entry) => entry.address));
  let nodes: readonly Member[] = [];
  let resolvedAt = -Infinity;
  let pending: Promise<readonly Member[]> | undefined;
  const refresh = async (): Promise<readonly Member[]> => {
    try {
      const addresses = [...new Set(await resolve(host))].sort();
      nodes = addresses.map((address) => {
        const hostPort = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
        return { id: hostPort, address: hostPort };
      });
      resolvedAt = Date.now();
      return nodes;
    } finally {
      pending = undefined;
    }
  };
  return {
    async current() {
      if (Date.now() - resolvedAt < refreshMs) return nodes;
      pending ??= refresh();
      return pending;
    },
  };
}

/**
 * Reads a CHAT_API_GATEWAY_NODES-style value: `dns:host:port` or
 * `id=host:port,...`; throws naming `key` when it is neither.
 */
export function parseGatewayNodeList(value: string, key: string): GatewayNodeList {
  if (!value.startsWith('dns:')) return staticNodeList(parseMemberList(value, key));
  const match = /^dns:([^:\s]+):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65_535) throw new Error(`${key}: expected dns:<host>:<port> (e.g. dns:gateway:50051), got ${JSON.stringify(value)}`);
  return dnsNodeList(match[1]!, port);
}
