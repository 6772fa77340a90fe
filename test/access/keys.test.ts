/**
 * The API key store on a real file, as the API and `scripts/api-keys.ts` share it from two
 * processes (two stores here): a key made by one verifies at once in the other, a revocation counts
 * within a second, a forged or altered key never verifies.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyStore } from '../../api/access/keys';

const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'aftercare-keys-')), 'api-keys.json');

test('a key made by one store verifies at once in another on the same file; its revocation counts there within a second', async () => {
  const keysFile = file();
  const api = new KeyStore(keysFile);
  const script = new KeyStore(keysFile);
  expect(await api.verify('ac_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  const { key, info } = await script.create({ principal: 'agent-li', role: 'engineer' });
  expect(await api.verify(key)).toEqual({ id: 'agent-li', role: 'engineer' });
  script.revoke(info.id);
  await sleep(1_100);
  expect(await api.verify(key)).toBeNull();
});

test('only the exact key verifies; the file holds a salted hash, not the key', async () => {
  const store = new KeyStore(file());
  const { key } = await store.create({ principal: 'contact-acme', role: 'customer', customerId: 'acme' });
  expect(await store.verify(key)).toEqual({ id: 'contact-acme', role: 'customer', customerId: 'acme' });
  const last = key.at(-1) === 'A' ? 'B' : 'A';
  expect(await store.verify(`${key.slice(0, -1)}${last}`)).toBeNull();
  expect(await store.verify(key.toUpperCase())).toBeNull();
  expect(await store.verify(`${key}x`)).toBeNull();
  const stored = readFileSync(store.file, 'utf8');
  expect(stored).not.toContain(key.slice(16));
  // Twice the same secret would give two hashes: each key has its own salt.
  const [first] = JSON.parse(stored).keys;
  expect(first.salt).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
});
