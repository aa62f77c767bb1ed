/**
 * The load suite's tally: each check prints `ok` or `FAIL` with what it saw,
 * and the run ends with one line `N passed, N failed` (what .ci/run counts).
 */
import { isDeepStrictEqual } from "node:util";

export function tally() {
  let passed = 0;
  let failed = 0;
  const fails = [];
  const record = (ok, name, detail) => {
    if (ok) passed += 1;
    else {
      failed += 1;
      fails.push(name);
    }
    console.log(`  ${ok ? "ok  " : "FAIL"}  ${name}${detail === undefined ? "" : ` (${detail})`}`);
  };
  return {
    /** Passes when `ok` is truthy. */
    check: (name, ok, detail) => record(Boolean(ok), name, detail),
    /** Passes when `actual` deep-equals `expected`. */
    equal: (name, actual, expected) =>
      record(
        isDeepStrictEqual(actual, expected),
        name,
        isDeepStrictEqual(actual, expected)
          ? JSON.stringify(actual)
          : `got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`,
      ),
    /** A suite that threw counts as one failure. */
    crashed: (suite, err) => record(false, `${suite}: ran to the end`, err?.stack ?? String(err)),
    get passed() {
      return passed;
    },
    get failed() {
      return failed;
    },
    fails,
  };
}
