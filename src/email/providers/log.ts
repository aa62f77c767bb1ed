/**
 * The dev default (`EMAIL_PROVIDER=log`): nothing leaves the machine. Each
 * message is marked sent and printed as one line with its links, so a
 * developer can click through every flow from the `npm run dev` console.
 * It prints live tokens: never run production with it.
 */
import type { EmailProvider } from "./types";

export type LogSink = (line: string) => void;

export function logProvider(sink: LogSink = (line) => console.log(line)): EmailProvider {
  return {
    name: "log",
    maxBatch: 100,
    paced: false,
    async send(group) {
      for (const email of group) {
        const { links, template } = email.meta;
        const parts = [
          `[email] ${template} → ${email.to}`,
          JSON.stringify(email.subject),
          ...(links.action ? [`action: ${links.action}`] : []),
          ...(links.status && links.status !== links.action ? [`status: ${links.status}`] : []),
          ...(links.order && links.order !== links.action ? [`order: ${links.order}`] : []),
          ...(links.inviteCode ? [`code: ${links.inviteCode}`] : []),
          ...(email.headers?.["List-Unsubscribe"] && links.unsubscribe
            ? [`unsubscribe: ${links.unsubscribe}`]
            : []),
        ];
        sink(parts.join("  "));
      }
      return { kind: "sent", ids: group.map((e) => `log_${e.rowId}`) };
    },
  };
}
