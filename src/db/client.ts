import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const handles = new WeakMap<D1Database, ReturnType<typeof build>>();

function build(d1: D1Database) {
  return drizzle(d1, { schema, casing: "snake_case" });
}

/**
 * The db handle passed into domain functions. `casing` matches drizzle.config.ts
 * so camelCase properties map to the snake_case columns of the migrations.
 *
 * One handle per binding, kept for the isolate's life: building one walks the
 * whole schema (`extractTablesRelationalConfig`), which cost more CPU than the
 * rest of a `/healthz` request when it ran per request (bench profile). The
 * handle holds no request state, only the binding and the schema.
 */
export function createDb(d1: D1Database) {
  let db = handles.get(d1);
  if (!db) {
    db = build(d1);
    handles.set(d1, db);
  }
  return db;
}

export type Db = ReturnType<typeof build>;
