import type { Settings } from "../../config";
import { logProvider } from "./log";
import { resendProvider } from "./resend";
import type { EmailProvider } from "./types";

export type { EmailProvider, OutgoingEmail, SendOutcome } from "./types";

/** The provider the settings ask for (`EMAIL_PROVIDER`). */
export function providerFor(settings: Settings): EmailProvider {
  if (settings.EMAIL_PROVIDER === "resend") {
    // The settings schema requires the key when the provider is resend.
    return resendProvider(settings.RESEND_API_KEY as string, settings.RESEND_BASE_URL);
  }
  return logProvider();
}
