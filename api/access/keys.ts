/**
 * API keys, stored hashed (scrypt, a salt each) in one JSON file under `.data/` — never in
 * Temporal. A key is shown once, when it is created: `ac_<id>_<secret>`, where the id finds the
 * stored hash and only the secret is hashed. Verifying costs a scrypt, so a key once verified is
 * remembered by a SHA-256 of it until it is revoked; the file is read again when it changes (a key
 * created by `scripts/api-keys.ts` in another process counts at once, a revocation within a second).
 */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { actor, identifier } from '../../domain/contract-schema';

const scrypt = promisify(scryptCallback) as (secret: string, salt: Buffer, keyLength: number) => Promise<Buffer>;

export const ROLES = ['customer', 'engineer', 'service-manager', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who calls: the actor of everything the call does (`by` in every record). */
export interface Principal {
  id: string;
  role: Role;
  /** A customer principal acts for this customer only. */
  customerId?: string;
}

export const newKeyRequest = z
  .object({
    principal: actor,
    role: z.enum(ROLES),
    customerId: identifier.optional(),
    name: z.string().max(200).optional(),
  })
  .strict()
  .refine((request) => (request.role === 'customer') === (request.customerId !== undefined), {
    message: 'A customer key names its customerId; no other key does',
    path: ['customerId'],
  });
export type NewKeyRequest = z.infer<typeof newKeyRequest>;

const storedKey = z.object({
  id: z.string(),
  principal: z.string(),
  role: z.enum(ROLES),
  customerId: z.string().optional(),
  name: z.string().optional(),
  salt: z.string(),
  hash: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
type StoredKey = z.infer<typeof storedKey>;
const keyFile = z.object({ keys: z.array(storedKey) });

/** What may be shown of a key: never its hash. */
export type KeyInfo = Omit<StoredKey, 'salt' | 'hash'>;

const KEY_PATTERN = /^ac_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

/** A bearer token meant as an API key (even a malformed one): never a JWT, which starts `eyJ`. */
export const looksLikeApiKey = (token: string) => token.startsWith('ac_');
const HASH_BYTES = 32;
const RELOAD_CHECK_MS = 1_000;

export function apiKeysFileFrom(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.AFTERCARE_API_KEYS_FILE || path.join(env.AFTERCARE_DATA_DIR || '.data', 'api-keys.json'));
}

const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex');

export class KeyStore {
  private keys: StoredKey[] = [];
  private loadedStamp = '';
  private checkedAtMs = 0;
  /** Fingerprint of a verified key → its id. */
  private readonly verified = new Map<string, string>();

  constructor(readonly file: string) {
    this.reload();
  }

  /** The principal a presented key stands for, or null (unknown, revoked, malformed). */
  async verify(token: string): Promise<Principal | null> {
    this.reloadIfChanged();
    const match = KEY_PATTERN.exec(token);
    if (!match) return null;
    const remembered = this.verified.get(fingerprint(token));
    const find = () => this.keys.find((candidate) => candidate.id === match[1] && candidate.revokedAt === undefined);
    // A key made by another process a moment ago: look at the file now rather than within a second.
    let key = find();
    if (!key && stampOf(this.file) !== this.loadedStamp) {
      this.reload();
      key = find();
    }
    if (!key) return null;
    if (remembered !== key.id) {
      const hash = await scrypt(match[2], Buffer.from(key.salt, 'base64'), HASH_BYTES);
      if (!timingSafeEqual(hash, Buffer.from(key.hash, 'base64'))) return null;
      this.verified.set(fingerprint(token), key.id);
    }
    return { id: key.principal, role: key.role, ...(key.customerId !== undefined && { customerId: key.customerId }) };
  }

  /** Creates a key; the answer is the only time its secret is seen. */
  async create(request: NewKeyRequest, nowMs = Date.now()): Promise<{ key: string; info: KeyInfo }> {
    this.reload();
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    const salt = randomBytes(16);
    const hash = await scrypt(secret, salt, HASH_BYTES);
    const stored: StoredKey = {
      id,
      principal: request.principal,
      role: request.role,
      ...(request.customerId !== undefined && { customerId: request.customerId }),
      ...(request.name !== undefined && { name: request.name }),
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      createdAt: new Date(nowMs).toISOString(),
    };
    this.write([...this.keys, stored]);
    return { key: `ac_${id}_${secret}`, info: infoOf(stored) };
  }

  list(): KeyInfo[] {
    this.reload();
    return this.keys.map(infoOf);
  }

  /** Revokes a key at once (its remembered verifications go with it); false for an unknown id. */
  revoke(id: string, nowMs = Date.now()): KeyInfo | null {
    this.reload();
    const key = this.keys.find((candidate) => candidate.id === id);
    if (!key) return null;
    if (key.revokedAt === undefined) this.write(this.keys.map((candidate) => (candidate === key ? { ...key, revokedAt: new Date(nowMs).toISOString() } : candidate)));
    return infoOf(this.keys.find((candidate) => candidate.id === id)!);
  }

  hasActiveAdmin(): boolean {
    this.reload();
    return this.keys.some((key) => key.role === 'admin' && key.revokedAt === undefined);
  }

  private write(keys: StoredKey[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Write aside, then rename: a reader never sees half a file.
    const aside = `${this.file}.${process.pid}.tmp`;
    writeFileSync(aside, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
    renameSync(aside, this.file);
    this.reload();
  }

  private reloadIfChanged(): void {
    const nowMs = Date.now();
    if (nowMs - this.checkedAtMs < RELOAD_CHECK_MS) return;
    this.checkedAtMs = nowMs;
    if (stampOf(this.file) !== this.loadedStamp) this.reload();
  }

  private reload(): void {
    const stamp = stampOf(this.file);
    this.loadedStamp = stamp;
    this.checkedAtMs = Date.now();
    this.keys = stamp === '' ? [] : keyFile.parse(JSON.parse(readFileSync(this.file, 'utf8'))).keys;
    // A revoked or removed key must not stay verified.
    const active = new Set(this.keys.filter((key) => key.revokedAt === undefined).map((key) => key.id));
    for (const [print, id] of this.verified) if (!active.has(id)) this.verified.delete(print);
  }
}

function stampOf(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return '';
  }
}

function infoOf({ salt: _salt, hash: _hash, ...info }: StoredKey): KeyInfo {
  return info;
}
