import { loadConfig } from '/work/main/src/config.js';
import { createDb } from '/work/main/src/db/knex.js';
import { createFlywheel } from '/work/main/src/app/flywheel.js';
import { demoCommunity } from '/work/main/src/app/demo-community.js';
const config = loadConfig({ DATABASE_URL: 'sqlite:/tmp/scale/fw.sqlite' });
const db = createDb(config.database);
const fw = createFlywheel(db, config);
await fw.migrate();
const acts = demoCommunity({ members: Number(process.argv[2] ?? 3000), months: 12, seed: 1, end: Date.now() });
console.log('activities', acts.length);
let t = Date.now(); let last = t;
for (let i = 0; i < acts.length; i += 2000) {
  await fw.ingest(acts.slice(i, i + 2000));
  if ((i / 2000) % 25 === 0) { const n = Date.now(); console.log(i, Math.round(50000 / ((n - last) / 1000)), '/s'); last = n; }
}
console.log('total/s', Math.round(acts.length / ((Date.now() - t) / 1000)));
t = Date.now(); await fw.recompute(); console.log('recompute s', (Date.now() - t) / 1000);
const q = [] as number[]; for (let i = 0; i < 200; i++) { const s = performance.now(); await fw.leaderboard({ period: 'all' }); q.push(performance.now() - s); }
q.sort((a, b) => a - b); console.log('top50 all p50', q[100].toFixed(2), 'p99', q[197].toFixed(2));
await db.destroy();
