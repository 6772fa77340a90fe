/**
 * Bearer JWTs from the operator's identity provider, the other way in beside API keys (keys.ts),
 * mapped to the same Principal: `sub` is its id (the actor recorded on cases, as a key's principal
 * is), a claim names its role, and a customer's token names its customer id in another claim.
 *
 * A token is checked against the provider's published key set (JWKS), fetched when first needed
 * and kept for ten minutes (jose's cache); a token naming an unknown key id fetches it again, at
 * most once per cool-down, so a rotated key counts at once and a stream of forged kids costs one
 * fetch. Only asymmetric algorithms: `none` and HS* are refused before any key is looked at (an
 * HS256 token "signed" with the provider's public key is the classic forgery).
 */
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { actor, identifier } from '../../domain/contract-schema';
import { type Principal, ROLES } from './keys';

export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
export const DEFAULT_JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];
export const DEFAULT_ROLE_CLAIM = 'aftercare_role';
export const DEFAULT_CUSTOMER_ID_CLAIM = 'aftercare_customer_id';

/** The drift allowed between the provider's clock and ours, on `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_S = 30;

export interface JwtConfig {
  jwksUrl: string;
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` every token must include: this API, as the provider names it. */
  audience: string;
  algorithms: readonly JwtAlgorithm[];
  roleClaim: string;
  customerIdClaim: string;
}

export interface JwtVerifierOptions {
  /** How long after a fetch of the key set an unknown kid does not fetch it again (jose: 30 s). */
  jwksCooldownMs?: number;
  /** How long a fetch of the key set may take (jose: 5 s). */
  jwksTimeoutMs?: number;
}

/** The token is not one this API accepts; the message says why, never what the token holds. */
export class TokenRefused extends Error {}

/** The provider's key set could not be fetched: the token may be fine, it could not be checked. */
export class IdentityProviderUnavailable extends Error {}

export interface JwtVerifier {
  /** The principal a token stands for; throws TokenRefused or IdentityProviderUnavailable. */
  verify(token: string): Promise<Principal>;
}

export function createJwtVerifier(config: JwtConfig, options: JwtVerifierOptions = {}): JwtVerifier {
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
    ...(options.jwksCooldownMs !== undefined && { cooldownDuration: options.jwksCooldownMs }),
    ...(options.jwksTimeoutMs !== undefined && { timeoutDuration: options.jwksTimeoutMs }),
  });
  // Only a key the set does not have is the token's fault; anything else failed on the way to the set.
  const keyOf: JWTVerifyGetKey = async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new IdentityProviderUnavailable("The identity provider's signing keys could not be fetched, so the token could not be checked; retry later", { cause: error });
    }
  };
  const verifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms: [...config.algorithms],
    clockTolerance: CLOCK_TOLERANCE_S,
    // A token without `exp` would be good forever.
    requiredClaims: ['sub', 'exp'],
  };
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyOf, verifyOptions));
      } catch (error) {
        if (error instanceof errors.JOSEError) throw new TokenRefused(reasonOf(error, config), { cause: error });
        throw error;
      }
      return principalOf(payload, config);
    },
  };
}

function reasonOf(error: errors.JOSEError, config: JwtConfig): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired ("exp")';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The token has no "${error.claim}" claim`;
    if (error.claim === 'iss') return 'The token was not issued by the identity provider this API trusts ("iss")';
    if (error.claim === 'aud') return 'The token is not meant for this API ("aud")';
    if (error.claim === 'nbf') return 'The token is not valid yet ("nbf")';
    return `The token's "${error.claim}" claim is not valid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return `The token's signing algorithm is not accepted (only ${config.algorithms.join(', ')})`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token is signed with a key the identity provider does not publish (unknown "kid")';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'The token names no key ("kid") and the identity provider publishes several that could fit';
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature does not verify";
  return 'The bearer token is not a well-formed signed JWT';
}

const role = z.enum(ROLES);

/** The principal of a verified token's claims, as strict as a key's (keys.ts `newKeyRequest`). */
function principalOf(payload: JWTPayload, { roleClaim, customerIdClaim }: JwtConfig): Principal {
  const id = actor.safeParse(payload.sub);
  if (!id.success) throw new TokenRefused('The token\'s "sub" claim is not a usable principal id (1–100 characters of plain text)');
  const claimedRole = role.safeParse(payload[roleClaim]);
  if (!claimedRole.success) {
    const what = payload[roleClaim] === undefined ? `has no "${roleClaim}" claim` : `has a "${roleClaim}" claim that is not a role`;
    throw new TokenRefused(`The token ${what}: it must be one of ${ROLES.join(', ')}`);
  }
  // A staff member's token may carry a customer id (a profile field); like a staff key, it acts for no customer.
  if (claimedRole.data !== 'customer') return { id: id.data, role: claimedRole.data };
  const customerId = identifier.safeParse(payload[customerIdClaim]);
  if (!customerId.success) {
    const what = payload[customerIdClaim] === undefined ? `no "${customerIdClaim}" claim` : `a "${customerIdClaim}" claim that is not a customer id (1–64 letters, digits, ".", "_" or "-")`;
    throw new TokenRefused(`A customer's token needs its customer id: this one has ${what}`);
  }
  return { id: id.data, role: 'customer', customerId: customerId.data };
}
