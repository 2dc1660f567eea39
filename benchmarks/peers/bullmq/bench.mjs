// BullMQ on the same Redis as the Headroom queue benchmarks, with the same shape of work as
// dev.headroom.benchmarks.QueueThroughput: add N small jobs in bulk, then process them with
// no-op handlers at a fixed concurrency, a few rounds on a fresh queue each.
//
//   npm install && node bench.mjs [jobs=20000] [concurrency=50] [rounds=3]
//
// Redis comes from REDIS_URL (default redis://127.0.0.1:6379). Completed jobs are kept up to
// 1 000 (BullMQ's own recommendation for production), matching Headroom's bounded retention.
// Prints one line per round and a final JSON line {"peer":"bullmq",...} with the median round.
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';

const jobs = Number(process.argv[2] ?? 20000);
const concurrency = Number(process.argv[3] ?? 50);
const rounds = Number(process.argv[4] ?? 3);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const chunk = 1000;

if (!(jobs > 0 && concurrency > 0 && rounds > 0)) {
  console.error('usage: node bench.mjs [jobs>0] [concurrency>0] [rounds>0]');
  process.exit(2);
}

function connection() {
  return new IORedis(url, { maxRetriesPerRequest: null });
}

async function round(index) {
  const name = `headroom-bench-${process.pid}-${index}`;
  const queueConnection = connection();
  const workerConnection = connection();
  const queue = new Queue(name, { connection: queueConnection });
  await queue.waitUntilReady();
  try {
    const addStart = process.hrtime.bigint();
    for (let from = 0; from < jobs; from += chunk) {
      const batch = [];
      for (let i = from; i < Math.min(jobs, from + chunk); i++) {
        batch.push({ name: 'noop', data: { n: i }, opts: { removeOnComplete: { count: 1000 } } });
      }
      await queue.addBulk(batch);
    }
    const addSeconds = Number(process.hrtime.bigint() - addStart) / 1e9;

    let done = 0;
    let finished;
    const allDone = new Promise((resolve) => { finished = resolve; });
    const worker = new Worker(name, async () => {}, {
      connection: workerConnection, concurrency, autorun: false,
    });
    worker.on('completed', () => { if (++done === jobs) finished(); });
    worker.on('failed', (job, err) => { console.error('failed', job?.id, err?.message); });
    const processStart = process.hrtime.bigint();
    worker.run();
    await allDone;
    const processSeconds = Number(process.hrtime.bigint() - processStart) / 1e9;
    await worker.close();

    const result = { add: jobs / addSeconds, process: jobs / processSeconds };
    console.log(`round ${index}: bullmq add jobs/s ${result.add.toFixed(0)}, process jobs/s ${result.process.toFixed(0)}`);
    return result;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    queueConnection.disconnect();
    workerConnection.disconnect();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const results = [];
for (let i = 1; i <= rounds; i++) {
  results.push(await round(i));
}
console.log(JSON.stringify({
  peer: 'bullmq', jobs, concurrency, rounds,
  add: Math.round(median(results.map((r) => r.add))),
  process: Math.round(median(results.map((r) => r.process))),
}));
