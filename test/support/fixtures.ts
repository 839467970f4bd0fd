/**
 * Shared, realistic props for tests: one public EC key per issuer (no private material; the
 * private halves were discarded when they were generated, so nothing can sign for them).
 */
export const TEST_JWKS = '{"keys":[{"kty":"EC","kid":"ybin_SOB32p9hYW4LtdZqF-PwV7gxgBsRaFY5wgiPMI","use":"sig","alg":"ES256","crv":"P-256","x":"wwMKHSevyutbF61CJ-7npmdkrS4KSciaDMyyN_J2fQM","y":"n5LaSx3URHa-meooq5NynTvK1VVd4ELW8pwJDaWgkmY"}]}';
export const TEST_INTERNAL_JWKS = '{"keys":[{"kty":"EC","kid":"6lgN9P24rhe6kK5ZAWLtCMf_u23kSf546z-md1V3OKs","use":"sig","alg":"ES256","crv":"P-256","x":"YmQ0uuuolpXUdnDio4H-LdTK2q82pO8aZ8W3TCzyBpA","y":"1bbcOK8_EXS6FmslR7_9t7XaQ7Uo4zepNKRG_rMGwgM"}]}';

/** Platform props good enough for every test that needs a platform. */
export const PLATFORM_PROPS = {
  gatewayHost: 'agents.example.com',
  gateway: {
    jwt: {
      public: { issuer: 'https://login.example.com/', jwks: TEST_JWKS },
      internal: { issuer: 'https://a2a.internal.example.com', jwks: TEST_INTERNAL_JWKS },
    },
    rateLimitTiers: { free: { requestsPerMinute: 60 }, standard: { requestsPerMinute: 600 } },
  },
} as const;
