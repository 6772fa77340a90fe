/** A loopback port the OS says is free now, for the servers tests and the bench start beside `npm start`. */
import { createServer } from 'node:net';

/** The ports `npm start` uses by default: never handed out, so a running system is left alone. */
const RESERVED_PORTS = new Set([3000, 7233, 8233, 9464]);

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 0 && !RESERVED_PORTS.has(port)) return port;
  }
}
