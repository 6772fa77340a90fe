/**
 * The remote port (R-003-3, D-12: the remote tool and port are closed as soon as remote work ends):
 * a TCP forwarder on loopback from a port this process opens to the customer's system. The
 * forwarder lives in the worker process that opened it, so the close is an activity on that
 * process's own task queue; it also closes by itself at the session's time limit (RemoteTerms.sessionLimitMinutes).
 */
import net from 'node:net';
import { type LoginDetailsVault } from './login-details';

export interface RemoteTarget {
  host: string;
  port: number;
}

export interface OpenedSession {
  sessionId: string;
  host: string;
  port: number;
  closesAtMs: number;
}

interface LiveSession extends OpenedSession {
  server: net.Server;
  sockets: Set<net.Socket>;
  timer: NodeJS.Timeout;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class RemoteAccessGateway {
  private readonly sessions = new Map<string, LiveSession>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Opens the forwarder; opening an open session again (a retried activity) returns the same port. */
  async open(request: { sessionId: string; target: RemoteTarget; closesAtMs: number }): Promise<OpenedSession> {
    const live = this.sessions.get(request.sessionId);
    if (live) return describe(live);
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(request.target.port, request.target.host);
      sockets.add(client).add(upstream);
      const forget = (socket: net.Socket) => () => sockets.delete(socket);
      client.on('close', forget(client));
      upstream.on('close', forget(upstream));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as net.AddressInfo;
    const session: LiveSession = {
      sessionId: request.sessionId,
      host: '127.0.0.1',
      port,
      closesAtMs: request.closesAtMs,
      server,
      sockets,
      timer: this.closeAt(request.sessionId, request.closesAtMs),
    };
    this.sessions.set(request.sessionId, session);
    return describe(session);
  }

  /**
   * The time limit holds even if no close ever arrives (the workflow asks too, at the same instant).
   * A timer longer than Node's 2^31 − 1 ms would fire at once: such a wait is taken in steps.
   */
  private closeAt(sessionId: string, closesAtMs: number): NodeJS.Timeout {
    const delay = Math.max(0, closesAtMs - this.now());
    const timer =
      delay > MAX_TIMER_MS
        ? setTimeout(() => {
            const session = this.sessions.get(sessionId);
            if (session) session.timer = this.closeAt(sessionId, closesAtMs);
          }, MAX_TIMER_MS)
        : setTimeout(() => void this.close(sessionId), delay);
    timer.unref();
    return timer;
  }

  /** Stops listening and cuts the connections still open; closing a closed session is no error. */
  async close(sessionId: string): Promise<{ wasOpen: boolean; closedAtMs: number }> {
    const session = this.sessions.get(sessionId);
    if (!session) return { wasOpen: false, closedAtMs: this.now() };
    this.sessions.delete(sessionId);
    clearTimeout(session.timer);
    const closed = new Promise<void>((resolve) => session.server.close(() => resolve()));
    for (const socket of session.sockets) socket.destroy();
    await closed;
    return { wasOpen: true, closedAtMs: this.now() };
  }

  openSessions(): OpenedSession[] {
    return [...this.sessions.values()].map(describe);
  }

  /** On shutdown: no port outlives the process's knowledge of it. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((sessionId) => this.close(sessionId)));
  }
}

function describe(session: OpenedSession): OpenedSession {
  return { sessionId: session.sessionId, host: session.host, port: session.port, closesAtMs: session.closesAtMs };
}

export interface RemoteAccessDeps {
  gateway: RemoteAccessGateway;
  vault: LoginDetailsVault;
  /** This process's own task queue: the close of a port goes there, to the process holding it. */
  gatewayQueue: string;
}

export function createRemoteAccessActivities({ gateway, vault, gatewayQueue }: RemoteAccessDeps) {
  return {
    /** Opens the port to the customer's system; the login details are opened here and nowhere else. */
    async openRemoteAccess(request: { sessionId: string; loginReference: string; target: RemoteTarget; closesAtMs: number }) {
      // Opening proves the authorisation still holds (not destroyed, a key this process has).
      await vault.open(request.loginReference);
      const opened = await gateway.open({ sessionId: request.sessionId, target: request.target, closesAtMs: request.closesAtMs });
      return { host: opened.host, port: opened.port, closesAtMs: opened.closesAtMs, gatewayQueue };
    },
    async closeRemoteAccess(request: { sessionId: string }) {
      return gateway.close(request.sessionId);
    },
    async destroyLoginDetails(request: { loginReference: string }) {
      return vault.destroy(request.loginReference);
    },
  };
}
