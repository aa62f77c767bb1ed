/**
 * Drives jobs by hand: requests whose queue sends are captured instead of
 * delivered, and queue invocations through the real exported handler with D1
 * wrapped by the limits guard (one guard = one invocation).
 */
import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import worker from "../../src/index";
import type { QueueMessage } from "../../src/jobs/messages";
import { queue } from "../../src/queue";
import { BASE } from "./client";
import { type D1Usage, guardD1 } from "./d1-guard";

/** Stands in for a queue binding: records what is sent. */
export class FakeQueue {
  sent: QueueMessage[] = [];
  async send(body: QueueMessage) {
    this.sent.push(body);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  }
  async sendBatch(messages: Iterable<MessageSendRequest<QueueMessage>>) {
    for (const m of messages) this.sent.push(m.body);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  }
  async metrics() {
    return { backlogCount: 0, backlogBytes: 0 };
  }
  take(): QueueMessage[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
  get binding(): Queue {
    return this as unknown as Queue;
  }
}

/** One request through the worker with fake queues and the D1 guard. */
export async function callWithQueues(
  path: string,
  init: RequestInit,
  queues: { jobs: FakeQueue; email?: FakeQueue },
): Promise<{ res: Response; usage: D1Usage }> {
  const { db, usage } = guardD1(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(new URL(path, BASE), init),
    {
      ...env,
      DB: db,
      JOBS: queues.jobs.binding,
      EMAIL_QUEUE: (queues.email ?? new FakeQueue()).binding,
    },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { res, usage };
}

let seq = 0;

/** One queue invocation with these message bodies; returns what it sent on and its D1 usage. */
export async function deliver(bodies: QueueMessage[], email = new FakeQueue()) {
  const { db, usage } = guardD1(env.DB);
  const jobs = new FakeQueue();
  const batch = createMessageBatch(
    "presale-jobs",
    bodies.map((body) => ({ id: `m-${++seq}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await queue(batch, { ...env, DB: db, JOBS: jobs.binding, EMAIL_QUEUE: email.binding }, ctx);
  const result = await getQueueResult(batch, ctx);
  return { sent: jobs.take(), usage, result };
}

/** Runs a job's message chain to the end; `onDelivery` sees each invocation. */
export async function drain(
  first: QueueMessage[],
  onDelivery: (
    d: Awaited<ReturnType<typeof deliver>>,
    n: number,
  ) => Promise<void> | void = () => {},
  email = new FakeQueue(),
): Promise<number> {
  let pending = first;
  let n = 0;
  while (pending.length) {
    const d = await deliver(pending, email);
    n += 1;
    await onDelivery(d, n);
    pending = d.sent;
  }
  return n;
}
