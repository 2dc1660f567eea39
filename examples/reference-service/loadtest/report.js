// Turns one run's raw files into its report: report.md (tables), report.html (the same tables and
// plots of latency, throughput, cache hit rate, database queries and queue depth over time) and
// summary.json (the figures, for comparisons).
// Usage: node report.js RUN_DIR   (reads artillery.json, samples.jsonl and meta.json there)
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
const art = JSON.parse(fs.readFileSync(path.join(dir, 'artillery.json'), 'utf8'));
const samples = fs.existsSync(path.join(dir, 'samples.jsonl'))
  ? fs.readFileSync(path.join(dir, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];

const agg = art.aggregate;
const t0 = agg.firstCounterAt;
const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toFixed(d));
const pct = (v) => (v === null || Number.isNaN(v) ? '–' : (100 * v).toFixed(2) + ' %');

// totals over instances at a sample
function totals(s) {
  let hits = 0, misses = 0, db = 0, depth = 0, dead = 0, up = 0;
  for (const i of s.instances) {
    if (i.down) continue;
    up++;
    hits += i.cacheHits; misses += i.cacheMisses; db += i.dbQueries;
    // the queues live in Redis, shared: each instance reports the same depth, so take the largest
    depth = Math.max(depth, i.queue.waiting + i.queue.delayed + i.queue.active);
    dead = Math.max(dead, i.queue.dead);
  }
  return { t: s.t, hits, misses, db, depth, dead, up, redis: s.redis, pg: s.pg };
}
const series = samples.map(totals);

// Differences of counters between two times, adding only between consecutive samples where every
// instance answered (a restarted instance starts its counters again at zero).
function window(from, to) {
  let hits = 0, misses = 0, db = 0, redisCmds = 0, pgXacts = 0, maxDepth = 0, secs = 0;
  for (let k = 1; k < series.length; k++) {
    const a = series[k - 1], b = series[k];
    if (b.t <= from || a.t >= to) continue;
    maxDepth = Math.max(maxDepth, b.depth);
    if (a.up !== b.up || b.up === 0) continue;
    const dh = b.hits - a.hits, dm = b.misses - a.misses, dq = b.db - a.db;
    if (dh < 0 || dm < 0 || dq < 0) continue;
    hits += dh; misses += dm; db += dq; secs += (b.t - a.t) / 1000;
    if (a.redis && b.redis && a.redis.commands != null && b.redis.commands != null && b.redis.commands >= a.redis.commands) redisCmds += b.redis.commands - a.redis.commands;
    if (a.pg && b.pg && a.pg.xacts != null && b.pg.xacts != null) pgXacts += b.pg.xacts - a.pg.xacts;
  }
  return {
    hitRate: hits + misses > 0 ? hits / (hits + misses) : NaN,
    dbPerSec: secs > 0 ? db / secs : NaN,
    redisPerSec: secs > 0 ? redisCmds / secs : NaN,
    pgXactsPerSec: secs > 0 ? pgXacts / secs : NaN,
    maxDepth,
    dbQueries: db,
  };
}

const phases = [];
let start = t0;
meta.phases.forEach((p, i) => {
  const c = agg.counters;
  const sent = c[`phase.${i}.sent`] || 0;
  let responses = 0, s5 = 0, s429 = 0, s4 = 0;
  for (const [k, v] of Object.entries(c)) {
    const m = k.match(new RegExp(`^phase\\.${i}\\.codes\\.(\\d+)$`));
    if (!m) continue;
    responses += v;
    const code = Number(m[1]);
    if (code >= 500) s5 += v; else if (code === 429) s429 += v; else if (code >= 400) s4 += v;
  }
  const errors = sent - responses + s5;
  const h = agg.summaries[`phase.${i}.response_time`] || {};
  const w = window(start, start + p.duration * 1000);
  phases.push({
    name: p.name, arrivalRate: p.arrivalRate, duration: p.duration, sent, responses,
    throughput: responses / p.duration, p50: h.p50, p95: h.p95, p99: h.p99, max: h.max,
    errors, errorRate: sent ? errors / sent : NaN, rate429: sent ? s429 / sent : NaN, other4xx: s4, ...w,
  });
  start += p.duration * 1000;
});
const whole = window(t0, start);
const total = agg.summaries['http.response_time'] || {};
const sentAll = phases.reduce((a, p) => a + p.sent, 0);
const errorsAll = phases.reduce((a, p) => a + p.errors, 0);
const c429 = Object.entries(agg.counters).filter(([k]) => /^http\.codes\.429$/.test(k)).reduce((a, [, v]) => a + v, 0);
const durationAll = meta.phases.reduce((a, p) => a + p.duration, 0);
const summary = {
  mode: meta.mode, phases, overall: {
    requests: sentAll, responses: agg.counters['http.responses'] || 0,
    throughput: (agg.counters['http.responses'] || 0) / durationAll,
    p50: total.p50, p95: total.p95, p99: total.p99, max: total.max,
    errors: errorsAll, errorRate: sentAll ? errorsAll / sentAll : NaN, rate429: sentAll ? c429 / sentAll : NaN, ...whole,
    dbQueriesPerRequest: sentAll ? whole.dbQueries / sentAll : NaN,
  },
  errorsByKind: Object.fromEntries(Object.entries(agg.counters).filter(([k]) => k.startsWith('errors.'))),
};

// per endpoint, from Artillery's metrics-by-endpoint
const endpoints = [];
for (const [k, v] of Object.entries(agg.summaries)) {
  const m = k.match(/^plugins\.metrics-by-endpoint\.response_time\..*\((\w+)\)$/);
  if (m) endpoints.push({ name: m[1], count: v.count, p50: v.p50, p95: v.p95, p99: v.p99 });
}
summary.endpoints = endpoints;
fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2));

// ---- tables
const phaseRows = phases.map((p) => `| ${p.name} | ${p.arrivalRate} | ${p.duration} | ${p.sent} | ${fmt(p.throughput)} | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.p99)} | ${p.errors} (${pct(p.errorRate)}) | ${pct(p.rate429)} | ${pct(p.hitRate)} | ${fmt(p.dbPerSec)} | ${fmt(p.redisPerSec)} | ${p.maxDepth} |`);
const o = summary.overall;
const table = [
  '| phase | arrivals/s | s | requests | responses/s | P50 ms | P95 ms | P99 ms | errors | 429 | cache hit rate | DB queries/s | Redis commands/s | max queue depth |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...phaseRows,
  `| **all** | | ${durationAll} | ${o.requests} | ${fmt(o.throughput)} | ${fmt(o.p50)} | ${fmt(o.p95)} | ${fmt(o.p99)} | ${o.errors} (${pct(o.errorRate)}) | ${pct(o.rate429)} | ${pct(o.hitRate)} | ${fmt(o.dbPerSec)} | ${fmt(o.redisPerSec)} | ${o.maxDepth} |`,
].join('\n');
const epTable = ['| endpoint | requests | P50 ms | P95 ms | P99 ms |', '|---|---|---|---|---|',
  ...endpoints.map((e) => `| ${e.name} | ${e.count} | ${fmt(e.p50)} | ${fmt(e.p95)} | ${fmt(e.p99)} |`)].join('\n');
const iv = art.intermediate.slice().sort((a, b) => a.period - b.period);
const rel = (t) => (t - t0) / 1000;
const md = `# Load test: ${meta.mode}

- command: \`${meta.command}\`
- date: ${meta.date}
- machine: ${meta.machine}
- setup: ${meta.setup}
- features: ${JSON.stringify(meta.features)}

Latency is time to first byte as Artillery measures it, per request, with open-model arrivals (a
new virtual user every 1/rate seconds whatever the earlier ones are doing; each runs the journey
home, login, track, AI generation, dashboard). Errors are requests without a response (timeout,
refused, reset) plus 5xx; 429 answers are counted apart. Cache hit rate, database queries and queue
depth are sampled from the instances every 2 s; database queries are the service's own count of SQL
statements; Redis commands are Redis's \`total_commands_processed\` (its dedicated server).

${table}

Per endpoint, whole run:

${epTable}

Errors by kind: ${JSON.stringify(summary.errorsByKind)}; database queries per request: ${fmt(o.dbQueriesPerRequest, 2)}.

Plots over time: [report.html](report.html).
${faultSection()}`;
function faultSection() {
  const f = path.join(dir, 'faults.log');
  if (!fs.existsSync(f)) return '';
  const ev = fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => { const [t, name] = l.split(' '); return { t: Number(t), name }; });
  const at = (n) => (ev.find((e) => e.name === n) || {}).t;
  const windowStats = (from, to) => {
    const ps = iv.filter((p) => p.period + 10000 > from && p.period < to);
    let sent = 0, resp = 0, err = 0, p95 = 0, p99 = 0;
    for (const p of ps) {
      sent += p.counters['http.requests'] || 0; resp += p.counters['http.responses'] || 0;
      err += Object.entries(p.counters).filter(([k]) => k.startsWith('errors.') || /^http\.codes\.5/.test(k)).reduce((a, [, v]) => a + v, 0);
      const h = p.summaries['http.response_time'] || {};
      p95 = Math.max(p95, h.p95 || 0); p99 = Math.max(p99, h.p99 || 0);
    }
    return `${sent} requests, ${err} errors (${sent ? ((100 * err) / sent).toFixed(2) : 0} %), worst 10-s P95 ${fmt(p95)} ms, P99 ${fmt(p99)} ms`;
  };
  let out = '\n## Faults\n\n| event | at (s since start) |\n|---|---|\n' + ev.map((e) => `| ${e.name} | ${fmt(rel(e.t))} |`).join('\n') + '\n\n';
  if (at('redis-stop') && at('redis-start')) out += `- Redis down (${fmt((at('redis-start') - at('redis-stop')) / 1000)} s), the 10-s periods overlapping it: ${windowStats(at('redis-stop'), at('redis-start'))}.\n`;
  if (at('kill-instance-2') && at('instance-2-healthy')) out += `- instance 2 killed (SIGKILL) until healthy again (${fmt((at('instance-2-healthy') - at('kill-instance-2')) / 1000)} s): ${windowStats(at('kill-instance-2'), at('instance-2-healthy'))}.\n`;
  const pf = path.join(dir, 'limit-probe.log');
  if (fs.existsSync(pf)) {
    const rows = fs.readFileSync(pf, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
    const byCode = {};
    rows.forEach((r) => { byCode[r[2]] = (byCode[r[2]] || 0) + 1; });
    const admitted = rows.filter((r) => r[2] !== '429' && r[2] !== '000').length;
    out += `- rate limit probe: one client address tried to sign in ${rows.length} times (twice a second, alternating instances) over ${fmt((Number(rows[rows.length - 1][0]) - Number(rows[0][0])) / 1000)} s; the login policy allows 5 per 15 minutes; answers ${JSON.stringify(byCode)}: **${admitted} admitted**.\n`;
  }
  if (meta.jobs) out += `- AI jobs: ${meta.jobs.accepted} accepted (202), ${meta.jobs.recorded} recorded as done or dead by their handler, ${meta.jobs.stillQueued} still queued at the end, **${meta.jobs.lost} lost**, ${meta.jobs.deadLettered} dead-lettered.\n`;
  return out;
}
fs.writeFileSync(path.join(dir, 'report.md'), md);

// ---- plots (inline SVG)
function faultEvents() {
  const f = path.join(dir, 'faults.log');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => { const [t, name] = l.split(' '); return { t: Number(t), name }; });
}
function chart(title, unit, lines) {
  const W = 900, H = 250, L = 60, B = 40, T = 24, R = 170;
  const pts = lines.flatMap((l) => l.points);
  if (pts.length === 0) return '';
  const xmax = Math.max(...pts.map((p) => p[0]), 1);
  const ymax = Math.max(...pts.map((p) => p[1]).filter((v) => Number.isFinite(v)), 1) * 1.1;
  const x = (v) => L + (v / xmax) * (W - L - R);
  const y = (v) => H - B - (v / ymax) * (H - B - T);
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`;
  s += `<text x="${L}" y="14" font-size="13" font-weight="bold">${title}</text>`;
  for (let k = 0; k <= 4; k++) {
    const v = (ymax * k) / 4;
    s += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 4}" y="${y(v) + 4}" text-anchor="end">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`;
  }
  let acc = 0;
  for (const p of meta.phases) {
    acc += p.duration;
    s += `<line x1="${x(acc)}" x2="${x(acc)}" y1="${T}" y2="${H - B}" stroke="#bbb" stroke-dasharray="3,3"/>`;
  }
  for (let v = 0; v <= xmax; v += 30) s += `<text x="${x(v)}" y="${H - B + 13}" text-anchor="middle">${v}</text>`;
  for (const e of faultEvents()) {
    s += `<line x1="${x(rel(e.t))}" x2="${x(rel(e.t))}" y1="${T}" y2="${H - B}" stroke="#d62828" stroke-width="1.5"/><text x="${x(rel(e.t)) + 2}" y="${T + 8}" fill="#d62828" font-size="9">${e.name}</text>`;
  }
  s += `<text x="${(W - R + L) / 2}" y="${H - 6}" text-anchor="middle">seconds since start (dashed grey: phase ends; red: fault events); ${unit}</text>`;
  lines.forEach((l, i) => {
    const d = l.points.filter((p) => Number.isFinite(p[1])).map((p, k) => `${k ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    s += `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="2"/>`;
    s += `<rect x="${W - R + 10}" y="${T + i * 16}" width="10" height="10" fill="${l.color}"/><text x="${W - R + 24}" y="${T + i * 16 + 9}">${l.name}</text>`;
  });
  return s + '</svg>';
}
const lat = (q) => iv.map((p) => [rel(p.period) + 5, (p.summaries['http.response_time'] || {})[q]]);
const thr = iv.map((p) => [rel(p.period) + 5, (p.counters['http.responses'] || 0) / 10]);
const target = [];
{ let a = 0; for (const p of meta.phases) { target.push([a, p.arrivalRate * 5], [a + p.duration, p.arrivalRate * 5]); a += p.duration; } }
const err = iv.map((p) => [rel(p.period) + 5, Object.entries(p.counters).filter(([k]) => k.startsWith('errors.') || /^http\.codes\.5/.test(k)).reduce((a, [, v]) => a + v, 0) / 10]);
const r429 = iv.map((p) => [rel(p.period) + 5, (p.counters['http.codes.429'] || 0) / 10]);
const hitSeries = [], dbSeries = [], depthSeries = [], redisSeries = [];
for (let k = 1; k < series.length; k++) {
  const a = series[k - 1], b = series[k], dt = (b.t - a.t) / 1000, t = rel(b.t);
  depthSeries.push([t, b.depth]);
  if (a.up !== b.up || b.up === 0) continue;
  const dh = b.hits - a.hits, dm = b.misses - a.misses;
  if (dh + dm > 0) hitSeries.push([t, (100 * dh) / (dh + dm)]);
  if (b.db >= a.db) dbSeries.push([t, (b.db - a.db) / dt]);
  if (a.redis && b.redis && b.redis.commands >= a.redis.commands) redisSeries.push([t, (b.redis.commands - a.redis.commands) / dt]);
}
const html = `<!doctype html><meta charset="utf-8"><title>Load test: ${meta.mode}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:20px auto}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}</style>
<h1>Load test: ${meta.mode}</h1><p>${meta.date} · ${meta.machine}<br>${meta.setup}<br><code>${meta.command}</code></p>
${mdTableToHtml(table)}<h2>Per endpoint</h2>${mdTableToHtml(epTable)}
<h2>Over time</h2>
${chart('Latency per 10 s period', 'ms', [{ name: 'P50', color: '#2a9d8f', points: lat('p50') }, { name: 'P95', color: '#e9c46a', points: lat('p95') }, { name: 'P99', color: '#e76f51', points: lat('p99') }])}
${chart('Throughput', 'requests/s', [{ name: 'responses/s', color: '#264653', points: thr }, { name: 'offered (5 × arrivals)', color: '#aaa', points: target }, { name: 'errors/s', color: '#d62828', points: err }, { name: '429/s', color: '#f77f00', points: r429 }])}
${chart('Cache hit rate', '%', [{ name: 'hit rate %', color: '#2a9d8f', points: hitSeries }])}
${chart('Database and Redis load', 'per second', [{ name: 'DB queries/s', color: '#264653', points: dbSeries }, { name: 'Redis cmds/s', color: '#e76f51', points: redisSeries }])}
${chart('Queue depth (waiting + delayed + active)', 'jobs', [{ name: 'depth', color: '#6a4c93', points: depthSeries }])}
`;
function mdTableToHtml(t) {
  const rows = t.split('\n').filter((l, i) => i !== 1).map((l) => l.split('|').slice(1, -1).map((c) => c.trim().replace(/\*\*/g, '')));
  return '<table>' + rows.map((r, i) => '<tr>' + r.map((c) => (i ? `<td>${c}</td>` : `<th>${c}</th>`)).join('') + '</tr>').join('') + '</table>';
}
fs.writeFileSync(path.join(dir, 'report.html'), html);
console.log(md);
