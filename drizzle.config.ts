import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema.ts and applied by wrangler
// (`wrangler d1 migrations apply`), so drizzle-kit only writes SQL files here.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  casing: "snake_case",
});
