import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/**
 * The db handle passed into domain functions. `casing` matches drizzle.config.ts
 * so camelCase properties map to the snake_case columns of the migrations.
 */
export function createDb(d1: D1Database) {
  return drizzle(d1, { schema, casing: "snake_case" });
}

export type Db = ReturnType<typeof createDb>;
