/**
 * @module The keys the sandbox accepts. They are not secrets: they exist only so the simulators can
 * check auth the way the real providers do. `npm start` writes them into `.dev.vars`.
 */
export const SANDBOX_SECRETS = {
  TAKEPAYMENTS_API_KEY: 'sandbox-takepayments-key',
  DIALLER_API_KEY: 'sandbox-dialler-key',
  CAP_API_KEY: 'sandbox-cap-key',
  GETLEAD_TOKEN: 'gl_sandboxtoken',
  LEADEXEC_API_KEY: 'sandbox-leadexec-key',
  ADMIN_TOKEN: 'sandbox-admin-token',
  CERTIFICATE_SECRET: 'sandbox-certificate-secret',
  // Cloudflare's documented always-passes test secret.
  TURNSTILE_SECRET: '1x0000000000000000000000000000000AA',
} as const;

export type SandboxSecrets = Record<keyof typeof SANDBOX_SECRETS, string>;

/**
 * Whether `given` opens an account whose key is `key`: the key itself, or the key followed by `-`
 * and a name, which the sandbox treats as a second account at the same provider (a destination
 * with `apiKeySecret` naming a secret that holds, say, `sandbox-cap-key-solar`).
 */
export function opensAccount(key: string, given: unknown): boolean {
  return typeof given === 'string' && (given === key || (given.startsWith(`${key}-`) && given.length > key.length + 1));
}
