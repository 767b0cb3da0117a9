// A minimal SOCKS5 proxy for tests (RFC 1928: no authentication, CONNECT to an IPv4 address or a
// host name), counting the connections it relays.
import net from 'node:net';

export interface Socks5Proxy {
  url: string;
  /** `host:port` of every connection relayed. */
  connections: string[];
  stop(): Promise<void>;
}

/** The target of a CONNECT request, or undefined when the request is not one this proxy serves. */
function connectTarget(req: Buffer): { host: string; port: number } | undefined {
  if (req[0] !== 5 || req[1] !== 1) return undefined;
  const type = req[3];
  if (type === 1) return { host: [...req.subarray(4, 8)].join('.'), port: req.readUInt16BE(8) };
  if (type === 3) {
    const length = req[4]!;
    return { host: req.subarray(5, 5 + length).toString(), port: req.readUInt16BE(5 + length) };
  }
  return undefined;
}

export async function startSocks5Proxy(): Promise<Socks5Proxy> {
  const connections: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.once('data', () => {
      client.write(Buffer.from([5, 0])); // version 5, no authentication
      client.once('data', (req) => {
        const target = connectTarget(req);
        if (!target) return void client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
        connections.push(`${target.host}:${target.port}`);
        const upstream = net.connect(target.port, target.host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          client.pipe(upstream).pipe(client);
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `socks5://127.0.0.1:${port}`,
    connections,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
