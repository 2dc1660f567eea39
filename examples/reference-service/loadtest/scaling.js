// The capacity table of SCALING.md, computed from measurements: per-endpoint costs (cost.json from
// PROFILE=cost), the journey's database statements per request and the two-instance sustained rate
// (summary.json of an "on" run and of a ramp run). Usage:
//   node scaling.js COST_JSON ON_SUMMARY_JSON RAMP_SUMMARY_JSON OFF_SUMMARY_JSON
'use strict';
const fs = require('fs');
const [cost, on, ramp, off] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const offDbPerReq = off.overall.dbQueriesPerRequest;

const eps = Object.values(cost.endpoints);
const mean = (k) => eps.reduce((a, e) => a + e[k], 0) / eps.length;
const redisCmds = mean('redisCommandsPerRequest');
const redisCpuMs = mean('redisCpuMsPerRequest');
const dbPerReq = on.overall.dbQueriesPerRequest;
// the highest ramp step with P95 < 500 ms and < 0.1 % errors
const ok = ramp.phases.filter((p) => p.p95 < 500 && p.errorRate < 0.001);
const best = ok.reduce((a, p) => (p.throughput > a.throughput ? p : a), ok[0]);
const perInstance = best.throughput / 2;
const pgTps = Number((cost.pgbenchSelectOnly.match(/tps = ([0-9.]+)/) || [0, 0])[1]);
const redisGet = Number((cost.redisBenchmark.match(/GET: ([0-9.]+) requests per second/) || [0, 0])[1]);

// planning rules (stated in SCALING.md)
const INSTANCE_RPS = Math.floor(perInstance * 0.8); // 80 % of the measured share per instance
const REDIS_CPU_BUDGET_MS = 500; // half of one core per second per master
const PG_BUDGET = pgTps * 0.3; // 30 % of the measured select-only capacity per server
const POOL = 10;

const f = (v, d = 0) => Number(v).toFixed(d);
console.log(`Inputs: Redis ${f(redisCmds, 1)} commands and ${f(redisCpuMs, 2)} ms of Redis CPU per request (mean over the journey's endpoints, idle background removed); ${f(dbPerReq, 2)} SQL statements per request (the journey, whole "on" run); two instances sustained ${f(best.throughput)} req/s (${best.name}, P95 ${f(best.p95)} ms) → ${f(perInstance)} req/s per instance, planned at ${INSTANCE_RPS}; PostgreSQL select-only ${f(pgTps)} tps measured, planned at ${f(PG_BUDGET)} statements/s per server; Redis GET ${f(redisGet)} ops/s measured, planned at ${REDIS_CPU_BUDGET_MS} ms CPU per second per master.\n`);
console.log('| tier | req/s | service instances | Redis commands/s | Redis Cluster masters | DB statements/s | DB connections (pool 10 each) | read replicas | without cache and batching: DB statements/s, servers |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [users, rps] of [['1 K users', 100], ['10 K users', 500], ['100 K users', 2000], ['1 M users', 10000]]) {
  const instances = Math.max(2, Math.ceil(rps / INSTANCE_RPS) + 1);
  const cmds = rps * redisCmds;
  const masters = Math.max(1, Math.ceil((rps * redisCpuMs) / REDIS_CPU_BUDGET_MS));
  const dbq = rps * dbPerReq;
  const replicas = Math.max(0, Math.ceil(dbq / PG_BUDGET) - 1);
  const conns = instances * POOL;
  const offDbq = rps * offDbPerReq;
  console.log(`| ${users} | ${rps} | ${instances} | ${f(cmds)} | ${masters} | ${f(dbq)} | ${conns}${conns > 200 ? ' (PgBouncer)' : ''} | ${replicas} | ${f(offDbq)}, ${Math.ceil(offDbq / PG_BUDGET)} |`);
}
