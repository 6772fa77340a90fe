/**
 * The customer's login details for remote maintenance (M002-3, M002-9: authorisation and login details; D-13),
 * sealed before they come near a workflow: AES-256-GCM under a key from the worker's and API's
 * configuration, with a key id so the key can rotate. History holds only the reference; the
 * details are opened inside the activity that uses them and destroyed when the case ends.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';

/** No sealed details under that reference: never sealed, or destroyed when their case ended. */
export const LOGIN_DETAILS_UNAVAILABLE = 'LoginDetailsUnavailable';
/** Sealed under a key this process does not hold, or the file was changed: the customer authorises again. */
export const LOGIN_DETAILS_UNREADABLE = 'LoginDetailsUnreadable';

export interface LoginDetails {
  username: string;
  password: string;
}

export interface SealingKey {
  id: string;
  key: Buffer;
}

export interface SealingKeys {
  /** Seals new details; the first key listed. */
  current: SealingKey;
  /** Every key that may open details sealed earlier (rotation keeps the old ones for a while). */
  all: SealingKey[];
  /** Set when no key was configured: the file a key was generated into, for this machine only. */
  generatedFile?: string;
}

interface SealedFile {
  reference: string;
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

const KEY_ENTRY = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/=]+)$/;

function parseKeyList(list: string, source: string): SealingKey[] {
  const keys = list
    .split(/[,\s]+/)
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = KEY_ENTRY.exec(entry);
      if (!match) throw new Error(`${source}: each key is <key id>:<base64 of 32 bytes>, comma-separated`);
      const key = Buffer.from(match[2], 'base64');
      if (key.length !== 32) throw new Error(`${source}: key "${match[1]}" is ${key.length} bytes; AES-256 needs 32`);
      return { id: match[1], key };
    });
  if (keys.length === 0) throw new Error(`${source}: no key listed`);
  if (new Set(keys.map((key) => key.id)).size !== keys.length) throw new Error(`${source}: a key id is listed twice`);
  return keys;
}

/**
 * The sealing keys: AFTERCARE_SEALING_KEYS (`id:base64,…`, the first seals) or the same list in the
 * file AFTERCARE_SEALING_KEYS_FILE. Without either, a key generated once into `sealing-keys` in the
 * data folder, so that the API (which seals) and the worker (which opens) on one machine share it.
 * Read once at start-up, so a bad key stops the process with the variable's name.
 */
export function parseSealingKeys(env: NodeJS.ProcessEnv): SealingKeys {
  if (env.AFTERCARE_SEALING_KEYS) return fromList(parseKeyList(env.AFTERCARE_SEALING_KEYS, 'AFTERCARE_SEALING_KEYS'));
  const configured = env.AFTERCARE_SEALING_KEYS_FILE;
  const file = path.resolve(configured || path.join(env.AFTERCARE_DATA_DIR || '.data', 'sealing-keys'));
  if (!configured) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, `local-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const keys = fromList(parseKeyList(readFileSync(file, 'utf8'), `${configured ? 'AFTERCARE_SEALING_KEYS_FILE' : 'the generated sealing keys'} (${file})`));
  return configured ? keys : { ...keys, generatedFile: file };
}

function fromList(keys: SealingKey[]): SealingKeys {
  return { current: keys[0], all: keys };
}

/** Where sealed details are kept: AFTERCARE_SECRET_DIR, else `secrets` in the data folder. */
export function secretDirectoryFrom(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.AFTERCARE_SECRET_DIR || path.join(env.AFTERCARE_DATA_DIR || '.data', 'secrets'));
}

const REFERENCE = /^[A-Za-z0-9._-]{1,200}$/;

export class LoginDetailsVault {
  constructor(
    private readonly directory: string,
    private readonly keys: SealingKeys,
  ) {}

  private file(reference: string): string {
    if (!REFERENCE.test(reference)) throw ApplicationFailure.create({ type: LOGIN_DETAILS_UNAVAILABLE, nonRetryable: true, message: `"${reference}" is not a login reference` });
    return path.join(this.directory, `${reference}.sealed.json`);
  }

  /** Seals the details under the current key; the reference is the GCM's associated data, so a file renamed to another reference does not open. */
  async seal(reference: string, details: LoginDetails): Promise<{ reference: string; keyId: string }> {
    const file = this.file(reference);
    const { id, key } = this.keys.current;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(reference));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(details), 'utf8'), cipher.final()]);
    const sealed: SealedFile = { reference, keyId: id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(sealed), { mode: 0o600 });
    await rename(temporary, file);
    return { reference, keyId: id };
  }

  async open(reference: string): Promise<LoginDetails> {
    let sealed: SealedFile;
    try {
      sealed = JSON.parse(await readFile(this.file(reference), 'utf8')) as SealedFile;
    } catch (error) {
      if (error instanceof ApplicationFailure) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw ApplicationFailure.create({ type: LOGIN_DETAILS_UNAVAILABLE, nonRetryable: true, message: `No login details are sealed under ${reference}` });
      throw error;
    }
    const key = this.keys.all.find((candidate) => candidate.id === sealed.keyId);
    if (!key)
      throw ApplicationFailure.create({
        type: LOGIN_DETAILS_UNREADABLE,
        nonRetryable: true,
        message: `The login details were sealed under key "${sealed.keyId}", which this process does not hold`,
      });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(reference));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as LoginDetails;
    } catch {
      throw ApplicationFailure.create({ type: LOGIN_DETAILS_UNREADABLE, nonRetryable: true, message: `The login details under ${reference} do not open with key "${key.id}"` });
    }
  }

  /** Overwrites the sealed file with zeros, then removes it; destroying twice is no error. */
  async destroy(reference: string): Promise<{ existed: boolean }> {
    const file = this.file(reference);
    let handle;
    try {
      handle = await open(file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { existed: false };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      await handle.write(Buffer.alloc(size), 0, size, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(file, { force: true });
    return { existed: true };
  }
}
