declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    /** The storage bench's number of leads (bench/storage/vitest.config.ts). */
    STORAGE_LEADS: string;
  }
}
