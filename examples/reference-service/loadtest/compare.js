// Puts the "off" and "on" runs side by side: per phase latency, and the whole run's database load,
// cache hit rate and errors. Usage: node compare.js OFF_DIR ON_DIR > comparison.md
'use strict';
const fs = require('fs');
const path = require('path');
const load = (d) => ({ s: JSON.parse(fs.readFileSync(path.join(d, 'summary.json'), 'utf8')), m: JSON.parse(fs.readFileSync(path.join(d, 'meta.json'), 'utf8')) });
const off = load(process.argv[2]);
const on = load(process.argv[3]);
const f = (v, d = 1) => (v === undefined || v === null || Number.isNaN(v) ? '–' : Number(v).toFixed(d));
const cut = (a, b) => (a > 0 && Number.isFinite(b) ? `${(100 * (1 - b / a)).toFixed(0)} %` : '–');
const pct = (v) => (Number.isFinite(v) ? (100 * v).toFixed(2) + ' %' : '–');
const rows = off.s.phases.map((p, i) => {
  const q = on.s.phases[i] || {};
  return `| ${p.name} | ${f(p.throughput)} / ${f(q.throughput)} | ${f(p.p50)} / ${f(q.p50)} (${cut(p.p50, q.p50)}) | ${f(p.p95)} / ${f(q.p95)} (${cut(p.p95, q.p95)}) | ${f(p.p99)} / ${f(q.p99)} | ${f(p.dbPerSec)} / ${f(q.dbPerSec)} (${cut(p.dbPerSec, q.dbPerSec)}) | ${pct(p.errorRate)} / ${pct(q.errorRate)} | ${pct(q.rate429)} | ${pct(q.hitRate)} |`;
});
const a = off.s.overall, b = on.s.overall;
console.log(`# Primitives off vs on, same load

- off: ${off.m.command} (${off.m.date}); features ${off.m.features.join(' ')}
- on: ${on.m.command} (${on.m.date}); features ${on.m.features.join(' ')}
- machine: ${on.m.machine}
- setup: ${on.m.setup}

Each cell is off / on (and the cut in parentheses).

| phase | responses/s | P50 ms | P95 ms | P99 ms | DB queries/s | errors | 429 (on) | cache hit rate (on) |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
| **whole run** | ${f(a.throughput)} / ${f(b.throughput)} | ${f(a.p50)} / ${f(b.p50)} (${cut(a.p50, b.p50)}) | ${f(a.p95)} / ${f(b.p95)} (${cut(a.p95, b.p95)}) | ${f(a.p99)} / ${f(b.p99)} | ${f(a.dbPerSec)} / ${f(b.dbPerSec)} (${cut(a.dbPerSec, b.dbPerSec)}) | ${pct(a.errorRate)} / ${pct(b.errorRate)} | ${pct(b.rate429)} | ${pct(b.hitRate)} |

Database queries per request: ${f(a.dbQueriesPerRequest, 2)} off, ${f(b.dbQueriesPerRequest, 2)} on (${cut(a.dbQueriesPerRequest, b.dbQueriesPerRequest)} fewer).

Per endpoint (whole run, P50 / P95 ms, off → on):

| endpoint | off P50 | off P95 | on P50 | on P95 |
|---|---|---|---|---|
${off.s.endpoints.map((e) => { const o = on.s.endpoints.find((x) => x.name === e.name) || {}; return `| ${e.name} | ${f(e.p50)} | ${f(e.p95)} | ${f(o.p50)} | ${f(o.p95)} |`; }).join('\n')}
`);
