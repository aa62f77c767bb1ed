declare namespace Cloudflare {
  interface Env {
    /** Test-only binding from vitest.config.ts: the migrations to apply. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
