/**
 * The dev default (`EMAIL_PROVIDER=log`): nothing leaves the machine. Each
 * message is marked sent and printed as one line with its links, so a
 * developer can click through every flow from the `npm run dev` console.
 * It prints live tokens: never run production with it.
 */
import type { EmailProvider } from "./types";

/** Gets one string per sent group: a line per message, joined by newlines. */
export type LogSink = (text: string) => void;

export function logProvider(sink: LogSink = (line) => console.log(line)): EmailProvider {
  return {
    name: "log",
    maxBatch: 100,
    paced: false,
    async send(group) {
      // One write per group, a line per message: under `wrangler dev` each
      // console call is an inspector message to wrangler, costlier than the line.
      const lines = group.map((email) => {
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
        return parts.join("  ");
      });
      sink(lines.join("\n"));
      return { kind: "sent", ids: group.map((e) => `log_${e.rowId}`) };
    },
  };
}
