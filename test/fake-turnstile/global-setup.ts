/**
 * Starts the Turnstile siteverify stand-in (./server.mjs) in Node for the
 * whole run and hands its URL to the tests in workerd:
 * `inject("fakeTurnstileUrl")`. Tests point TURNSTILE_VERIFY_URL at it.
 */
import type { TestProject } from "vitest/node";
// @ts-expect-error: a plain .mjs script without type declarations
import { startFakeTurnstile } from "./server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    fakeTurnstileUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const fake = (await startFakeTurnstile({ port: 0 })) as { url: string; close(): Promise<void> };
  project.provide("fakeTurnstileUrl", fake.url);
  return async () => {
    await fake.close();
  };
}
