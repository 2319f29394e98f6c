/**
 * The deployment's front door. CloudFront adds this header, with the origin secret as its value, to every request it
 * forwards to the servers; the server, given ORIGIN_SECRET, refuses requests without it (infra's web stack sets the
 * header, infra/README "Security" describes the whole contract).
 */
export const ORIGIN_SECRET_HEADER = 'x-origin-secret';
