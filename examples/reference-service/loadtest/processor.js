// Artillery hooks for the journey: each virtual user gets a random client address, user, genre and
// service instance; every response is also recorded under its phase (phase.<i>.*) so the report
// gives exact P50/P95/P99 per phase, not only per 10-second period.
'use strict';
const fs = require('fs');

const GENRES = ['pop', 'rock', 'jazz', 'hiphop', 'electronic', 'classical', 'folk', 'ambient'];
const TARGETS = (process.env.TARGETS || 'http://127.0.0.1:8080').split(',');
const USERS = Number(process.env.SEED_USERS || 20000);
// [{name, duration}] in order, as run.sh passed them to Artillery
const PHASES = JSON.parse(process.env.PHASES || '[]');
let startedAt = 0;

function phaseIndex() {
  if (startedAt === 0) {
    startedAt = Date.now();
    if (process.env.STARTED_FILE) fs.writeFileSync(process.env.STARTED_FILE, String(startedAt));
  }
  let t = (Date.now() - startedAt) / 1000;
  for (let i = 0; i < PHASES.length; i++) {
    if (t < PHASES[i].duration) return i;
    t -= PHASES[i].duration;
  }
  return Math.max(0, PHASES.length - 1);
}

function rnd(n) {
  return Math.floor(Math.random() * n);
}

function pickUser(context, events, done) {
  const userId = 1 + rnd(USERS);
  context.vars.userId = userId;
  context.vars.email = `user${userId}@example.com`;
  context.vars.ip = `10.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
  context.vars.genre = GENRES[rnd(GENRES.length)];
  context.vars.base = TARGETS[rnd(TARGETS.length)];
  context.vars.trackId = 1 + rnd(100000);
  // 1 % of prompts always fail in the model: they end as dead letters after their retries
  context.vars.prompt = Math.random() < 0.01 ? 'a song that #fail' : `a ${context.vars.genre} song for user ${userId}`;
  context.vars.$phase = phaseIndex();
  return done();
}

function countRequest(req, context, events, done) {
  events.emit('counter', `phase.${context.vars.$phase}.sent`, 1);
  return done();
}

function record(req, res, context, events, done) {
  const p = context.vars.$phase;
  const ms = res.timings && res.timings.phases ? res.timings.phases.firstByte : undefined;
  if (ms !== undefined) {
    events.emit('histogram', `phase.${p}.response_time`, ms);
  }
  events.emit('counter', `phase.${p}.codes.${res.statusCode}`, 1);
  if (res.statusCode === 202 && process.env.ACCEPTED_JOBS) {
    try {
      const id = JSON.parse(res.body).jobId;
      if (id && id !== 'inline') fs.appendFileSync(process.env.ACCEPTED_JOBS, id + '\n');
    } catch (e) {
      // not a job answer
    }
  }
  return done();
}

function rememberTrack(req, res, context, events, done) {
  if (res.statusCode === 200) {
    try {
      const tracks = JSON.parse(res.body).tracks;
      if (tracks && tracks.length > 0) context.vars.trackId = tracks[rnd(Math.min(5, tracks.length))].id;
    } catch (e) {
      // keep the random track
    }
  }
  return done();
}

module.exports = { pickUser, countRequest, record, rememberTrack };
