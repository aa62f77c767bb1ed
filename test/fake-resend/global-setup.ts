/**
 * Starts the fake Resend (scripts/fake-resend.mjs) in Node for the whole run
 * and hands its URL to the tests in workerd: `inject("fakeResendUrl")`.
 * Tests isolate themselves by using their own API key (the fake keeps
 * deliveries and faults per key).
 */
import type { TestProject } from "vitest/node";
import { startFakeResend } from "../../scripts/fake-resend.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    fakeResendUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const fake = await startFakeResend({ port: 0 });
  project.provide("fakeResendUrl", fake.url);
  return async () => {
    await fake.close();
  };
}
