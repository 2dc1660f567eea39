// Measures what one request of each endpoint costs downstream, with every primitive on and warm
// caches: Redis commands and Redis CPU time (from INFO on the dedicated server) and database
// statements (the service's count), over REQUESTS sequential requests per endpoint spread over both
// instances, with the journey's random users, genres and tracks. Also measures this machine's
// Redis and PostgreSQL capacity (redis-benchmark, pgbench -S) for SCALING.md.
// Usage: node cost.js OUT.json   (env: TARGETS, REDIS_PORT, PG_DB, REQUESTS)
'use strict';
const fs = require('fs');
const { execFileSync } = require('child_process');

const targets = process.env.TARGETS.split(',');
const port = process.env.REDIS_PORT;
const N = Number(process.env.REQUESTS || 300);
const GENRES = ['pop', 'rock', 'jazz', 'hiphop', 'electronic', 'classical', 'folk', 'ambient'];
const rnd = (n) => Math.floor(Math.random() * n);

function redis() {
  const text = execFileSync('redis-cli', ['-p', port, 'info', 'all']).toString();
  const get = (k) => Number((text.match(new RegExp('^' + k + ':([0-9.]+)', 'm')) || [0, 0])[1]);
  return { cmds: get('total_commands_processed'), cpu: get('used_cpu_sys') + get('used_cpu_user') };
}
async function db() {
  let sum = 0;
  for (const t of targets) sum += (await (await fetch(t + '/api/stats')).json()).dbQueries;
  return sum;
}
async function call(t, method, path, body, headers) {
  const res = await fetch(t + path, {
    method, headers: { 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined,
  });
  await res.text();
  return res.status;
}
const endpoints = {
  home: (t, u, ip) => call(t, 'GET', `/api/home?genre=${GENRES[rnd(8)]}`, null, { 'X-Forwarded-For': ip, 'X-User-Id': String(u) }),
  login: (t, u, ip) => call(t, 'POST', '/api/auth/login', { email: `user${u}@example.com`, password: 'password' }, { 'X-Forwarded-For': ip }),
  track: (t, u, ip) => call(t, 'GET', `/api/tracks/${1 + rnd(100000)}`, null, { 'X-Forwarded-For': ip }),
  trackFromFeed: null,
  ai: (t, u, ip) => call(t, 'POST', '/api/ai/generate', { prompt: 'a song' }, { 'X-Forwarded-For': ip, 'X-User-Id': String(u) }),
  dashboard: (t, u, ip) => call(t, 'GET', `/api/dashboard?genre=${GENRES[rnd(8)]}`, null, { 'X-Forwarded-For': ip }),
};
delete endpoints.trackFromFeed;

(async () => {
  const result = { requestsPerEndpoint: N, endpoints: {} };
  // warm the feeds once
  for (const g of GENRES) { await call(targets[0], 'GET', `/api/home?genre=${g}`, null, {}); await call(targets[0], 'GET', `/api/dashboard?genre=${g}`, null, {}); }
  // the background: workers waiting for jobs, cache invalidation channels, health checks
  const idle0 = redis(), idleStart = Date.now();
  await new Promise((r) => setTimeout(r, 10000));
  const idle1 = redis(), idleSecs = (Date.now() - idleStart) / 1000;
  const idleCmds = (idle1.cmds - idle0.cmds) / idleSecs, idleCpu = (idle1.cpu - idle0.cpu) / idleSecs;
  result.idle = { redisCommandsPerSecond: idleCmds, redisCpuMsPerSecond: 1000 * idleCpu };
  console.log('idle', JSON.stringify(result.idle));
  for (const [name, fn] of Object.entries(endpoints)) {
    const r0 = redis(), d0 = await db(), started = Date.now();
    const codes = {};
    for (let i = 0; i < N; i++) {
      const s = await fn(targets[i % targets.length], 1 + rnd(20000), `10.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`);
      codes[s] = (codes[s] || 0) + 1;
    }
    // let the jobs these requests enqueued run: their Redis commands belong to the request
    await new Promise((r) => setTimeout(r, name === 'ai' ? 8000 : 2000));
    const r1 = redis(), d1 = await db(), secs = (Date.now() - started) / 1000;
    // what the requests and the jobs they enqueued cost, above the idle background over the same time
    result.endpoints[name] = {
      codes,
      redisCommandsPerRequest: Math.max(0, r1.cmds - r0.cmds - idleCmds * secs) / N,
      redisCpuMsPerRequest: Math.max(0, 1000 * (r1.cpu - r0.cpu - idleCpu * secs)) / N,
      dbQueriesPerRequest: (d1 - d0) / N,
    };
    console.log(name, JSON.stringify(result.endpoints[name]));
  }
  // capacity of this machine's Redis and PostgreSQL (shared with everything else on it)
  const rb = execFileSync('redis-benchmark', ['-p', port, '-q', '-n', '100000', '-c', '50', '-P', '1', '-t', 'get,set']).toString();
  result.redisBenchmark = rb.trim();
  try {
    execFileSync('pgbench', ['-h', '127.0.0.1', '-U', 'postgres', '-i', '-s', '5', '-q', process.env.PG_DB], { stdio: 'ignore' });
    const pb = execFileSync('pgbench', ['-h', '127.0.0.1', '-U', 'postgres', '-S', '-c', '8', '-j', '2', '-T', '15', process.env.PG_DB]).toString();
    result.pgbenchSelectOnly = (pb.match(/tps = [0-9.]+.*/) || [''])[0];
  } catch (e) {
    result.pgbenchSelectOnly = 'failed: ' + e.message;
  }
  console.log(result.redisBenchmark, '\n', result.pgbenchSelectOnly);
  fs.writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
})();
