/** Types for scripts/fake-resend.mjs (the local stand-in for Resend's sending API). */
export interface FakeResendFaults {
  fail500?: number;
  fail500Delivered?: number;
  rate429?: number;
  retryAfterSeconds?: number;
  maxPerSecond?: number;
  latencyMs?: number;
  seed?: number;
}

export interface FakeResend {
  url: string;
  port: number;
  tenants: Map<string, unknown>;
  close(): Promise<void>;
}

export function startFakeResend(options?: {
  port?: number;
  host?: string;
  faults?: FakeResendFaults;
  apiKey?: string;
}): Promise<FakeResend>;
