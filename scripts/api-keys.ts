/**
 * API keys from the command line, on the same file the API reads (AFTERCARE_API_KEYS_FILE, default
 * .data/api-keys.json): the API notices a change within a second.
 *
 *   npx tsx scripts/api-keys.ts create --principal agent-li --role engineer [--name "Li, hotline"]
 *   npx tsx scripts/api-keys.ts create --principal contact-acme --role customer --customer acme
 *   npx tsx scripts/api-keys.ts list
 *   npx tsx scripts/api-keys.ts revoke <key id>
 *   npx tsx scripts/api-keys.ts bootstrap   # the first admin key, once, when there is none (npm start)
 */
import { parseArgs } from 'node:util';
import { KeyStore, apiKeysFileFrom, newKeyRequest } from '../api/access/keys';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { principal: { type: 'string' }, role: { type: 'string' }, customer: { type: 'string' }, name: { type: 'string' } },
  });
  const store = new KeyStore(apiKeysFileFrom(process.env));
  const [command, argument] = positionals;
  switch (command) {
    case 'create': {
      const parsed = newKeyRequest.safeParse({ principal: values.principal, role: values.role, customerId: values.customer, name: values.name });
      if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      const { key, info } = await store.create(parsed.data);
      console.log(`Created ${info.role} key ${info.id} for ${info.principal}. The key (shown this once):\n${key}`);
      return;
    }
    case 'list':
      for (const key of store.list()) console.log([key.id, key.role, key.principal, key.customerId ?? '-', key.createdAt, key.revokedAt ? `revoked ${key.revokedAt}` : 'active'].join('\t'));
      return;
    case 'revoke': {
      const revoked = argument && store.revoke(argument);
      if (!revoked) throw new Error(`No key ${argument ?? '(give its id)'}`);
      console.log(`Revoked ${revoked.id} (${revoked.role} ${revoked.principal})`);
      return;
    }
    case 'bootstrap': {
      if (store.hasActiveAdmin()) return;
      const { key, info } = await store.create({ principal: 'admin', role: 'admin', name: 'first admin, made by npm start' });
      console.log(`First admin API key (${info.id}), shown this once; keep it, make the others with it (POST /admin/api-keys):\n  ${key}`);
      return;
    }
    default:
      throw new Error('Use: create | list | revoke <id> | bootstrap');
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
