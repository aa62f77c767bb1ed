#!/usr/bin/env node
// `npm run db:check` (CI): proves src/db/schema.ts and migrations/ agree.
//
// 1. `drizzle-kit check`: the snapshots in migrations/meta are consistent.
// 2. Every migrations/*.sql is in meta/_journal.json and back. wrangler applies
//    every .sql file in the folder; drizzle-kit only knows journal entries.
// 3. `drizzle-kit generate --name ci-check` must find nothing to do. If it
//    writes a migration, the schema was changed without `npm run db:generate`:
//    print the SQL it wanted, delete what it wrote, restore the journal, fail.
// 4. Apply all migrations, in order, to an in-memory SQLite and check that
//    every trigger ever created still exists at the end (drizzle-kit does not
//    model triggers; a table rebuild in a later migration drops them silently).
//
// Leaves the working tree as it found it, and exits non-zero on any failure.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = join(root, "migrations");
const journalPath = join(migrationsDir, "meta", "_journal.json");
const drizzleKit = join(
  root,
  "node_modules",
  ".bin",
  process.platform === "win32" ? "drizzle-kit.cmd" : "drizzle-kit",
);

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.error(`\n✘ ${msg}`);
};
const ok = (msg) => console.log(`✔ ${msg}`);

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function drizzle(args) {
  const res = spawnSync(drizzleKit, args, {
    cwd: root,
    encoding: "utf8",
    // No stdin: drizzle-kit must never wait on an interactive prompt (e.g. "was
    // this column renamed?") in CI; the timeout catches it if it tries.
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const output = `${res.stdout ?? ""}${res.stderr ?? ""}`;
  if (res.error) return { status: 1, output: `${output}\n${res.error.message}` };
  return { status: res.status ?? 1, output };
}

if (!existsSync(drizzleKit)) {
  console.error("drizzle-kit is not installed: run `npm install` first.");
  process.exit(1);
}
if (!existsSync(journalPath)) {
  console.error(`No ${relative(root, journalPath)}: run \`npm run db:generate\` first.`);
  process.exit(1);
}

// 1. Snapshot consistency.
{
  const { status, output } = drizzle(["check"]);
  if (status === 0) ok("drizzle-kit check: snapshots are consistent");
  else fail(`drizzle-kit check failed:\n${output.trim()}`);
}

// 2. SQL files <-> journal.
const journalText = readFileSync(journalPath, "utf8");
const journal = JSON.parse(journalText);
{
  const tags = journal.entries.map((e) => e.tag);
  const sqlFiles = readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -4));
  const notInJournal = sqlFiles.filter((f) => !tags.includes(f));
  const missingFiles = tags.filter((t) => !sqlFiles.includes(t));
  if (notInJournal.length)
    fail(
      `migrations/${notInJournal.join(".sql, migrations/")}.sql not in meta/_journal.json. ` +
        "Create hand-written SQL with `npm exec -- drizzle-kit generate --custom --name <name>` so drizzle-kit records it.",
    );
  if (missingFiles.length) fail(`journal entries without a .sql file: ${missingFiles.join(", ")}`);
  if (!notInJournal.length && !missingFiles.length)
    ok(`${tags.length} migrations, all in the journal`);
}

// 3. Schema vs migrations: generating must produce nothing.
{
  const before = new Set(listFiles(migrationsDir));
  let result;
  try {
    result = drizzle(["generate", "--name", "ci-check"]);
  } finally {
    const created = listFiles(migrationsDir).filter((f) => !before.has(f));
    const journalChanged = readFileSync(journalPath, "utf8") !== journalText;
    if (created.length || journalChanged) {
      const sql = created
        .filter((f) => f.endsWith(".sql"))
        .map((f) => readFileSync(f, "utf8"))
        .join("\n");
      fail(
        "src/db/schema.ts has changes that no migration contains.\n" +
          "Run `npm run db:generate -- --name <what_changed>` and commit the new migration.\n" +
          `The missing migration would be:\n\n${sql.trim()}\n`,
      );
      for (const f of created) rmSync(f, { force: true });
      writeFileSync(journalPath, journalText);
      console.error(
        `(removed ${created.map((f) => relative(root, f)).join(", ")} and restored the journal)`,
      );
    }
  }
  if (result.status !== 0) fail(`drizzle-kit generate failed:\n${result.output.trim()}`);
  else if (!failures.some((f) => f.startsWith("src/db/schema.ts")))
    ok("schema and migrations agree (generate: nothing to do)");
}

// 4. Apply to a scratch SQLite; every trigger created must survive to the end.
{
  let DatabaseSync;
  try {
    const origEmit = process.emitWarning;
    process.emitWarning = () => {}; // node:sqlite prints an ExperimentalWarning on Node 22
    ({ DatabaseSync } = await import("node:sqlite"));
    process.emitWarning = origEmit;
  } catch {
    console.warn("! node:sqlite unavailable (Node < 22.13): skipped applying migrations");
  }
  if (DatabaseSync) {
    const db = new DatabaseSync(":memory:");
    db.exec("PRAGMA foreign_keys = ON");
    const expected = new Set();
    let applied = 0;
    for (const { tag } of journal.entries) {
      const file = join(migrationsDir, `${tag}.sql`);
      if (!existsSync(file)) continue;
      const text = readFileSync(file, "utf8");
      try {
        db.exec(text);
        applied++;
      } catch (e) {
        fail(`migrations/${tag}.sql does not apply to SQLite: ${e.message}`);
        break;
      }
      const noComments = text.replace(/--[^\n]*/g, "");
      for (const m of noComments.matchAll(
        /CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?(\w+)/gi,
      ))
        expected.add(m[1]);
      for (const m of noComments.matchAll(/DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?[`"[]?(\w+)/gi))
        expected.delete(m[1]);
    }
    const present = new Set(
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .all()
        .map((r) => r.name),
    );
    const lost = [...expected].filter((t) => !present.has(t));
    if (lost.length)
      fail(
        `triggers lost by a later migration (a table rebuild drops its triggers): ${lost.join(", ")}. ` +
          "Re-create them in a custom migration (`npm exec -- drizzle-kit generate --custom --name triggers_again`).",
      );
    else if (applied === journal.entries.length)
      ok(
        `migrations apply to SQLite; all ${expected.size} triggers present: ${[...expected].sort().join(", ")}`,
      );
    db.close();
  }
}

if (failures.length) {
  console.error(
    `\ndb:check failed (${failures.length} problem${failures.length === 1 ? "" : "s"}).`,
  );
  process.exit(1);
}
console.log("\ndb:check passed.");
