// Fails (exit 1) when a run has errors, no successful responses or lost jobs: the CI smoke check.
// Usage: node check.js RUN_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const s = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
const m = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
const o = s.overall;
const problems = [];
if (!(o.responses > 0)) problems.push('no responses');
if (o.errors > 0) problems.push(`${o.errors} errors ${JSON.stringify(s.errorsByKind)}`);
if (m.jobs && m.jobs.lost !== 0) problems.push(`accepted AI jobs lost: ${m.jobs.lost} (null: the queue had not drained)`);
const endpoints = s.endpoints.map((e) => e.name).sort().join(',');
if (endpoints !== 'ai,dashboard,home,login,track') problems.push(`endpoints seen: ${endpoints}`);
const passed = problems.length === 0 ? 1 : 0;
console.log(`load test smoke: ${o.requests} requests, ${o.responses} responses, P95 ${o.p95} ms, ${o.errors} errors, jobs ${JSON.stringify(m.jobs)}`);
problems.forEach((p) => console.log('load test smoke: ' + p));
process.exit(passed ? 0 : 1);
