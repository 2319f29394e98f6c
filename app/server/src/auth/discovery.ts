import { z } from 'zod';
import { fetchJson } from './fetch-json';
import { secureUrl } from './secure-url';

/** The parts of an OpenID Provider's metadata the verifier relies on. */
export interface IssuerMetadata {
  issuer: string;
  jwksUri: URL;
  /** What the issuer says it signs ID tokens with, when it says. */
  signingAlgorithms: string[] | undefined;
}

const metadataSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});

/**
 * Reads the discovery document (`<issuer>/.well-known/openid-configuration`, or another URL that serves the same
 * document, such as moto's for a Cognito pool). Its `issuer` must be exactly the one configured (OpenID Connect
 * Discovery 4.3), and its key set URL must be as secure as the issuer's.
 */
export async function fetchIssuerMetadata(discoveryUrl: URL, expectedIssuer: string, timeoutMs: number): Promise<IssuerMetadata> {
  const parsed = metadataSchema.safeParse(await fetchJson(discoveryUrl, timeoutMs));
  if (!parsed.success) throw new Error(`discovery document at ${discoveryUrl} lacks issuer or jwks_uri`);
  const doc = parsed.data;
  if (doc.issuer !== expectedIssuer) {
    throw new Error(`discovery document names issuer "${doc.issuer}", not the configured "${expectedIssuer}"`);
  }
  return {
    issuer: doc.issuer,
    jwksUri: secureUrl(doc.jwks_uri, 'jwks_uri of the discovery document'),
    signingAlgorithms: doc.id_token_signing_alg_values_supported,
  };
}
