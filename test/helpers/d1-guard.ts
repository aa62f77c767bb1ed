/**
 * Production D1 limits that local D1 does not enforce: at most 100 bound
 * parameters per statement and 50 queries per Worker invocation (free plan).
 * Wrapping the binding makes every route test fail when a request breaks them.
 * @see https://developers.cloudflare.com/d1/platform/limits/
 */
export const D1_MAX_PARAMS = 100;
export const D1_MAX_QUERIES = 50;

export interface D1Usage {
  queries: number;
  maxParams: number;
  statements: { sql: string; params: number }[];
}

export class D1LimitError extends Error {
  override name = "D1LimitError";
}

function check(usage: D1Usage, sql: string, params: number) {
  usage.queries += 1;
  usage.maxParams = Math.max(usage.maxParams, params);
  usage.statements.push({ sql, params });
  if (params > D1_MAX_PARAMS) {
    throw new D1LimitError(
      `${params} bound parameters (> ${D1_MAX_PARAMS}) in: ${sql.slice(0, 200)}`,
    );
  }
  if (usage.queries > D1_MAX_QUERIES) {
    throw new D1LimitError(`more than ${D1_MAX_QUERIES} queries in one invocation`);
  }
}

const RAW = Symbol("raw");

type Tracked = D1PreparedStatement & { __sql: string; __params: number };

function wrapStatement(
  stmt: D1PreparedStatement,
  sql: string,
  params: number,
  usage: D1Usage,
): Tracked {
  return new Proxy(stmt, {
    get(target, prop, receiver) {
      if (prop === RAW) return target;
      if (prop === "__sql") return sql;
      if (prop === "__params") return params;
      if (prop === "bind") {
        return (...values: unknown[]) =>
          wrapStatement(target.bind(...values), sql, values.length, usage);
      }
      if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
        const fn = Reflect.get(target, prop, target) as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => {
          check(usage, sql, params);
          return fn.apply(target, args);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Tracked;
}

/** A D1 binding that counts what one invocation does and throws past the limits. */
export function guardD1(db: D1Database): { db: D1Database; usage: D1Usage } {
  const usage: D1Usage = { queries: 0, maxParams: 0, statements: [] };
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => wrapStatement(target.prepare(sql), sql, 0, usage);
      }
      if (prop === "batch") {
        return (stmts: Tracked[]) => {
          // Unwrap: the real binding only accepts its own statement objects.
          for (const s of stmts) check(usage, s.__sql, s.__params);
          return target.batch(stmts.map((s) => unwrap(s)));
        };
      }
      if (prop === "exec") {
        return (sql: string) => {
          check(usage, sql, 0);
          return target.exec(sql);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, usage };
}

function unwrap(s: D1PreparedStatement): D1PreparedStatement {
  return (s as unknown as Record<symbol, D1PreparedStatement>)[RAW] ?? s;
}
