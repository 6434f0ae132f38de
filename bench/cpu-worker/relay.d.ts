/**
 * The two relay modules the CPU worker imports, as far as it uses them. wrangler.toml aliases these
 * names to edge/; declaring them here keeps workerd's global types out of the bench's program.
 */
declare module 'lead-capture-relay-app' {
  export const app: {
    fetch(request: Request, env: unknown, executionCtx: unknown): Response | Promise<Response>;
  };
}

declare module 'lead-capture-relay-rate-limiter' {
  export class RateLimiter {}
}
