/**
 * Sealed login details in a real folder: nothing of the password is readable in the sealed file,
 * a rotated key still opens what the old one sealed, and destroyed details are gone for good.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { LOGIN_DETAILS_UNAVAILABLE, LOGIN_DETAILS_UNREADABLE, LoginDetailsVault, parseSealingKeys, secretDirectoryFrom } from '../../activities/login-details';
import { encodingsOf } from '../helpers/secrets';

const PASSWORD = 'Tr0ub4dor&3-客户';
const keyEntry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('login details vault', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'aftercare-secrets-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('keeps neither the password nor any encoding of it in the sealed file, which only its owner may read', async () => {
    const vault = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS: keyEntry('k1') }));
    expect(await vault.seal('remote-C-1.login', { username: 'ops', password: PASSWORD })).toEqual({ reference: 'remote-C-1.login', keyId: 'k1' });
    const [file] = await readdir(directory);
    const raw = await readFile(path.join(directory, file), 'utf8');
    for (const encoding of encodingsOf(PASSWORD)) expect(raw).not.toContain(encoding);
    expect((await stat(path.join(directory, file))).mode & 0o777).toBe(0o600);
    expect(await vault.open('remote-C-1.login')).toEqual({ username: 'ops', password: PASSWORD });
  });

  it('opens with a rotated key list what the old current key sealed, and seals new details under the new key', async () => {
    const old = keyEntry('2026-11');
    const before = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS: old }));
    await before.seal('remote-C-2.login', { username: 'ops', password: PASSWORD });
    const keysFile = path.join(directory, 'keys.txt');
    await writeFile(keysFile, `${keyEntry('2026-12')},\n${old}\n`);
    const after = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS_FILE: keysFile }));
    expect(await after.open('remote-C-2.login')).toEqual({ username: 'ops', password: PASSWORD });
    expect((await after.seal('remote-C-3.login', { username: 'u', password: 'p' })).keyId).toBe('2026-12');
  });

  it('refuses details sealed under a key it does not hold, or a file moved to another reference', async () => {
    const vault = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS: keyEntry('a') }));
    await vault.seal('remote-C-4.login', { username: 'ops', password: PASSWORD });
    const stranger = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS: keyEntry('b') }));
    expect((await failureOf(stranger.open('remote-C-4.login'))).type).toBe(LOGIN_DETAILS_UNREADABLE);
    await writeFile(path.join(directory, 'remote-C-5.login.sealed.json'), await readFile(path.join(directory, 'remote-C-4.login.sealed.json')));
    const moved = await failureOf(vault.open('remote-C-5.login'));
    expect([moved.type, moved.nonRetryable]).toEqual([LOGIN_DETAILS_UNREADABLE, true]);
  });

  it('destroys the sealed details once, after which they are unavailable', async () => {
    const vault = new LoginDetailsVault(directory, parseSealingKeys({ AFTERCARE_SEALING_KEYS: keyEntry('k') }));
    await vault.seal('remote-C-6.login', { username: 'ops', password: PASSWORD });
    expect(await vault.destroy('remote-C-6.login')).toEqual({ existed: true });
    expect(await vault.destroy('remote-C-6.login')).toEqual({ existed: false });
    expect(await readdir(directory)).toEqual([]);
    expect((await failureOf(vault.open('remote-C-6.login'))).type).toBe(LOGIN_DETAILS_UNAVAILABLE);
  });

  it('rejects a key that is not 32 bytes, naming the variable, and generates one shared key when none is set', async () => {
    expect(() => parseSealingKeys({ AFTERCARE_SEALING_KEYS: `k:${randomBytes(16).toString('base64')}` })).toThrow(/AFTERCARE_SEALING_KEYS: key "k" is 16 bytes/);
    expect(() => parseSealingKeys({ AFTERCARE_SEALING_KEYS: 'no-colon' })).toThrow(/AFTERCARE_SEALING_KEYS/);
    // Without a configured key, API and worker on one machine share one generated into the data folder.
    const generated = parseSealingKeys({ AFTERCARE_DATA_DIR: directory });
    expect(generated.generatedFile).toBe(path.join(directory, 'sealing-keys'));
    expect((await stat(generated.generatedFile!)).mode & 0o777).toBe(0o600);
    expect(parseSealingKeys({ AFTERCARE_DATA_DIR: directory }).current).toEqual(generated.current);
    expect(secretDirectoryFrom({ AFTERCARE_DATA_DIR: '/srv/aftercare' })).toBe('/srv/aftercare/secrets');
  });
});
