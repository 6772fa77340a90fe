/**
 * The remote port as a real TCP forwarder on loopback to a real echo server: bytes pass while the
 * session is open; after the close, or at the time limit, a new connection is refused and the
 * connections still open are cut.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { LOGIN_DETAILS_UNAVAILABLE, LoginDetailsVault, parseSealingKeys } from '../../activities/login-details';
import { RemoteAccessGateway, createRemoteAccessActivities } from '../../activities/remote-access';
import { connectionRefused, exchange } from '../helpers/tcp';

describe('remote access gateway', () => {
  let echo: net.Server;
  let target: { host: string; port: number };
  let gateway: RemoteAccessGateway;
  let directory: string;
  beforeAll(async () => {
    echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
  });
  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));
  beforeEach(async () => {
    gateway = new RemoteAccessGateway();
    directory = await mkdtemp(path.join(os.tmpdir(), 'aftercare-remote-'));
  });
  afterEach(async () => {
    await gateway.closeAll();
    await rm(directory, { recursive: true, force: true });
  });

  it('forwards to the customer system while open and refuses connections once closed', async () => {
    const opened = await gateway.open({ sessionId: 'remote-A', target, closesAtMs: Date.now() + 60_000 });
    expect(opened.host).toBe('127.0.0.1');
    expect(await exchange(opened.port, 'ping')).toBe('ping');
    const held = net.connect(opened.port, '127.0.0.1');
    await new Promise((resolve) => held.once('connect', resolve));
    const cut = new Promise((resolve) => held.once('close', resolve));
    expect(await gateway.close('remote-A')).toMatchObject({ wasOpen: true });
    await cut;
    expect(await connectionRefused(opened.port)).toBe(true);
    expect(await gateway.close('remote-A')).toMatchObject({ wasOpen: false });
    expect(gateway.openSessions()).toEqual([]);
  });

  it('returns the same port when a retried activity opens the same session again', async () => {
    const first = await gateway.open({ sessionId: 'remote-B', target, closesAtMs: Date.now() + 60_000 });
    const again = await gateway.open({ sessionId: 'remote-B', target, closesAtMs: Date.now() + 60_000 });
    expect(again.port).toBe(first.port);
    expect(gateway.openSessions()).toHaveLength(1);
  });

  it('closes the port by itself at the session time limit', async () => {
    const opened = await gateway.open({ sessionId: 'remote-C', target, closesAtMs: Date.now() + 300 });
    expect(await exchange(opened.port, 'still open')).toBe('still open');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(gateway.openSessions()).toEqual([]);
    expect(await connectionRefused(opened.port)).toBe(true);
  });

  it('keeps a port open whose limit is further away than one Node timer can wait (2^31 ms)', async () => {
    const opened = await gateway.open({ sessionId: 'remote-far', target, closesAtMs: Date.now() + 30 * 86_400_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.openSessions().map((session) => session.sessionId)).toEqual(['remote-far']);
    expect(await exchange(opened.port, 'far')).toBe('far');
  });

  it('opens remote access only with sealed login details that still exist, and names its own queue for the close', async () => {
    const vault = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS: `k:${randomBytes(32).toString('base64')}` }));
    const activities = createRemoteAccessActivities({ gateway, vault, gatewayQueue: 'aftercare-gateway-test' });
    await vault.seal('remote-D.login', { username: 'ops', password: 'secret' });
    const opened = await activities.openRemoteAccess({ sessionId: 'remote-D', loginReference: 'remote-D.login', target, closesAtMs: Date.now() + 60_000 });
    expect(opened.gatewayQueue).toBe('aftercare-gateway-test');
    await activities.closeRemoteAccess({ sessionId: 'remote-D' });
    expect(await activities.destroyLoginDetails({ loginReference: 'remote-D.login' })).toEqual({ existed: true });
    const refused = await activities.openRemoteAccess({ sessionId: 'remote-E', loginReference: 'remote-D.login', target, closesAtMs: Date.now() + 60_000 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).type).toBe(LOGIN_DETAILS_UNAVAILABLE);
    expect(gateway.openSessions()).toEqual([]);
  });
});
