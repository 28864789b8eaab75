/**
 * Where did a lost datagram go? Linux counts, per UDP socket, the datagrams
 * the kernel dropped because the socket's receive buffer was full (the
 * `drops` column of /proc/net/udp). A process that cannot keep up with its
 * socket loses packets there, silently; this reads that counter for the
 * sockets bound on 127.0.0.1 at the given ports.
 */
import { readFileSync } from 'node:fs';

/** Kernel receive-buffer drops summed over the 127.0.0.1 UDP sockets on `ports`; null where /proc/net/udp cannot be read (not Linux). */
export function udpReceiveDrops(ports: readonly number[]): number | null {
  let table: string;
  try {
    table = readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return null;
  }
  const wanted = new Set(ports.map((port) => `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`));
  let drops = 0;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13 || !wanted.has(fields[1] ?? '')) continue;
    drops += Number(fields[fields.length - 1] ?? 0);
  }
  return drops;
}
