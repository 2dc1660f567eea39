// Samples the service instances (/api/stats), Redis (INFO) and PostgreSQL (pg_stat_database) every
// SAMPLE_SECONDS while a run lasts, one JSON line per sample, until it receives SIGTERM.
// Usage: node collect.js OUT.jsonl   (env: TARGETS, REDIS_PORT, PG_DB)
'use strict';
const fs = require('fs');
const { execFileSync } = require('child_process');

const out = fs.createWriteStream(process.argv[2], { flags: 'w' });
const targets = (process.env.TARGETS || '').split(',').filter(Boolean);
const every = Number(process.env.SAMPLE_SECONDS || 2) * 1000;

function redisInfo() {
  if (!process.env.REDIS_PORT) return null;
  try {
    const text = execFileSync('redis-cli', ['-p', process.env.REDIS_PORT, 'info', 'all'], { timeout: 1500 }).toString();
    const get = (k) => {
      const m = text.match(new RegExp('^' + k + ':([0-9.]+)', 'm'));
      return m ? Number(m[1]) : null;
    };
    return { commands: get('total_commands_processed'), cpuSys: get('used_cpu_sys'), cpuUser: get('used_cpu_user') };
  } catch (e) {
    return { down: true };
  }
}

function pgStats() {
  if (!process.env.PG_DB) return null;
  try {
    const row = execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', process.env.PG_DB, '-Atc',
      `select xact_commit + xact_rollback, tup_returned, tup_fetched from pg_stat_database where datname = current_database()`],
      { timeout: 1500 }).toString().trim().split('|').map(Number);
    return { xacts: row[0], tupReturned: row[1], tupFetched: row[2] };
  } catch (e) {
    return { down: true };
  }
}

async function stats(url) {
  try {
    const res = await fetch(url + '/api/stats', { signal: AbortSignal.timeout(1500) });
    return res.ok ? await res.json() : { down: true, status: res.status };
  } catch (e) {
    return { down: true };
  }
}

let stopping = false;
async function loop() {
  while (!stopping) {
    const started = Date.now();
    const instances = await Promise.all(targets.map(stats));
    out.write(JSON.stringify({ t: started, instances, redis: redisInfo(), pg: pgStats() }) + '\n');
    await new Promise((r) => setTimeout(r, Math.max(0, every - (Date.now() - started))));
  }
  out.end();
}
process.on('SIGTERM', () => { stopping = true; });
process.on('SIGINT', () => { stopping = true; });
loop();
