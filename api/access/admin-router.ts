/** API keys, for admins: create (the key is shown once), list (never a hash), revoke. */
import { z } from 'zod';
import { HttpError } from '../errors';
import { type AccessDeps, securedRouter } from './middleware';
import { newKeyRequest } from './keys';

export const keyParams = z.object({ keyId: z.string().regex(/^[0-9a-f]{12}$/, 'A key id is 12 hex digits') });

export function adminRouter(deps: AccessDeps) {
  const router = securedRouter(deps);
  router.get('/api-keys', (_req, res) => {
    res.json({ keys: deps.keys.list() });
  });
  router.post('/api-keys', async (req, res) => {
    const created = await deps.keys.create(newKeyRequest.parse(req.body));
    res.status(201).json({ ...created.info, key: created.key });
  });
  router.delete('/api-keys/:keyId', (req, res) => {
    const { keyId } = keyParams.parse(req.params);
    const revoked = deps.keys.revoke(keyId);
    if (!revoked) throw new HttpError(404, 'not_found', `No key ${keyId}`);
    res.json(revoked);
  });
  return router;
}
