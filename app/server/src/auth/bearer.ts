/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750; the scheme is case-insensitive), undefined when
 * there is none. A header with another scheme is not a token either.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '');
  return match?.[1];
}
