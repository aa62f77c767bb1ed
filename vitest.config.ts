import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Tests run inside workerd against real local D1, with the migrations applied
 * by a setup file (storage is isolated per test file).
 * @see https://developers.cloudflare.com/workers/testing/vitest-integration/
 */
const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdefghijklmnop";
const TEST_TOKEN_SECRET = "test-token-secret-0123456789abcdefghijklmnop";
// wrangler.toml declares these as required secrets; without them in the
// environment wrangler warns once per test file. The bindings below win anyway.
process.env.ADMIN_TOKEN ??= TEST_ADMIN_TOKEN;
process.env.TOKEN_SECRET ??= TEST_TOKEN_SECRET;

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
            TOKEN_SECRET: TEST_TOKEN_SECRET,
            PUBLIC_URL: "https://presale.test",
            EMAIL_PROVIDER: "log",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "test/load/**"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      // Node side: the fake Resend for the email tests (URL via inject("fakeResendUrl")) and the
      // Turnstile siteverify stand-in for the signup tests (inject("fakeTurnstileUrl")).
      globalSetup: ["./test/fake-resend/global-setup.ts", "./test/fake-turnstile/global-setup.ts"],
      testTimeout: 30_000,
      // Info lines (honeypot trips, job progress, …) from hundreds of tests
      // bury the failures. Warnings and errors stay.
      onConsoleLog: (log: string, type: "stdout" | "stderr") =>
        !(type === "stdout" && log.startsWith('{"level":"info"')),
    },
  };
});
