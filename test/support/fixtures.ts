/** Shared, realistic props for tests: a JWKS with one public RSA key (no private material). */
export const TEST_JWKS = JSON.stringify({
  keys: [{ kty: 'RSA', kid: 'test', use: 'sig', alg: 'RS256', e: 'AQAB', n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw' }],
});

/** Platform props good enough for every test that needs a platform. */
export const PLATFORM_PROPS = {
  gatewayHost: 'agents.example.com',
  gateway: {
    jwt: {
      public: { issuer: 'https://login.example.com/', jwks: TEST_JWKS },
      internal: { issuer: 'https://a2a.internal.example.com', jwks: TEST_JWKS },
    },
    rateLimitTiers: { free: { requestsPerMinute: 60 }, standard: { requestsPerMinute: 600 } },
  },
} as const;
