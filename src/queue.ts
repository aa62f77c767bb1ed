import { createDb } from "./db/client";
import { DRAIN_QUERIES, drainOutbox } from "./email/drain";
import { parseQueueMessage, type QueueMessage } from "./jobs/messages";
import { maxHandlerQueries } from "./jobs/registry";
import { errorForLog, RUNNER_QUERIES_PER_CHUNK, runJobChunk } from "./jobs/runner";
import { countingD1, INVOCATION_QUERY_LIMIT } from "./lib/d1-count";
import { log } from "./lib/log";

/**
 * The queue consumer for `presale-jobs`: a dispatcher on the message `type`
 * (src/jobs/messages.ts). Messages are handled one after another; each one is
 * acked or retried on its own, and an unknown or broken message never fails
 * the rest of the batch.
 *
 * D1 allows 50 queries per invocation (Workers Free), and a batch is one
 * invocation, so the dispatcher counts queries and, when the next message's
 * reserve no longer fits, hands that message back to the queue as a fresh
 * message (send + ack: a deferral must not use up the message's retries).
 */

/** Queries a message of each type may need, at most (add a case for a hungrier type). */
function reserveFor(msg: QueueMessage): number {
  switch (msg.type) {
    case "job":
      return RUNNER_QUERIES_PER_CHUNK + maxHandlerQueries();
    case "email_drain":
      return DRAIN_QUERIES;
    default:
      return 10;
  }
}

/** Where a deferred message of each type is sent again; null = retry it instead. */
function producerFor(msg: QueueMessage, env: Env): Queue | null {
  switch (msg.type) {
    case "job":
      return env.JOBS;
    case "email_drain":
      return env.EMAIL_QUEUE;
    default:
      return null;
  }
}

export async function queue(
  batch: MessageBatch<unknown>,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const counted = countingD1(env.DB);
  const db = createDb(counted.db);
  let handled = 0;
  let drained = false;
  for (const msg of batch.messages) {
    const body = parseQueueMessage(msg.body);
    if (!body) {
      log("warn", "queue message of unknown shape acked", {
        queue: batch.queue,
        message_id: msg.id,
        type:
          msg.body && typeof msg.body === "object" && "type" in msg.body
            ? String((msg.body as { type: unknown }).type).slice(0, 40)
            : typeof msg.body,
      });
      msg.ack();
      continue;
    }
    if (handled > 0 && counted.count() + reserveFor(body) > INVOCATION_QUERY_LIMIT) {
      await defer(env, msg, body);
      continue;
    }
    handled += 1;
    try {
      switch (body.type) {
        case "job": {
          const result = await runJobChunk(db, env, env.JOBS, body);
          if (result.ack) msg.ack();
          else msg.retry({ delaySeconds: result.retryDelaySeconds ?? 5 });
          break;
        }
        case "email_drain": {
          // The outbox is the work list: one drain serves every drain message in the batch.
          if (!drained) {
            drained = true;
            await drainOutbox(db, env);
          }
          msg.ack();
          break;
        }
      }
    } catch (err) {
      // D1 failed while recording the outcome: let the queue try again.
      log("error", "queue message failed", {
        message_id: msg.id,
        type: body.type,
        attempts: msg.attempts,
        error: errorForLog(err),
      });
      msg.retry({ delaySeconds: Math.min(300, 5 * 2 ** Math.max(0, msg.attempts - 1)) });
    }
  }
}

/** Back on its queue as a new message, so the deferral costs no retry. */
async function defer(env: Env, msg: Message<unknown>, body: QueueMessage): Promise<void> {
  const producer = producerFor(body, env);
  try {
    if (!producer) throw new Error("no producer");
    await producer.send(body);
    msg.ack();
  } catch {
    msg.retry({ delaySeconds: 1 });
  }
}
