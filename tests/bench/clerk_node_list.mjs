// The reference for `make bench`: Clerk's official Node client (@clerk/backend,
// installed by tools/bench.sh into build/bench/node_modules) listing every
// session of every user of an instance, the way a reasonable script would:
//
//   users:    clerk.users.getUserList({limit: 500, offset}) page after page
//             (the client also asks GET /users/count with each page) until a
//             short page;
//   sessions: clerk.sessions.getSessionList({userId, limit: 500, offset}) for
//             each user, pages followed by totalCount; users in batches of 6
//             at once (Promise.all), which is also sesame's limit of 6
//             connections per host.
//
// Usage: node clerk_node_list.mjs API_URL [--json]
//   API_URL is the fake's Clerk base without the version (http://127.0.0.1:PORT/clerk);
//   the secret key comes from CLERK_SECRET_KEY (the fake's sk_test_fake).
// Without --json it prints one line {"users":N,"sessions":M,"ms":T}; with
// --json it prints every session as one JSON document (like
// `sesame sessions --json`) and the summary line on stderr.
import { createClerkClient } from '@clerk/backend';

const BATCH = 6;
const LIMIT = 500;

const apiUrl = process.argv[2];
const asJson = process.argv.includes('--json');
if (!apiUrl) {
  console.error('usage: node clerk_node_list.mjs API_URL [--json]');
  process.exit(2);
}
const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY, apiUrl });
const t0 = performance.now();

async function allUsers() {
  const users = [];
  for (let offset = 0; ; offset += LIMIT) {
    const page = await clerk.users.getUserList({ limit: LIMIT, offset });
    users.push(...page.data);
    if (page.data.length < LIMIT) return users;
  }
}

async function sessionsOf(userId) {
  const out = [];
  for (let offset = 0; ; offset += LIMIT) {
    const page = await clerk.sessions.getSessionList({ userId, limit: LIMIT, offset });
    out.push(...page.data);
    if (page.data.length === 0 || offset + page.data.length >= page.totalCount) return out;
  }
}

const users = await allUsers();
const sessions = [];
for (let i = 0; i < users.length; i += BATCH) {
  const batch = users.slice(i, i + BATCH);
  const lists = await Promise.all(batch.map((u) => sessionsOf(u.id)));
  for (const l of lists) sessions.push(...l);
}
const ms = performance.now() - t0;
const summary = JSON.stringify({ users: users.length, sessions: sessions.length, ms: Math.round(ms) });
if (asJson) {
  // One document like sesame's: the sessions with their user's name.
  const names = new Map(users.map((u) => [u.id, [u.firstName, u.lastName].filter(Boolean).join(' ')]));
  const rows = sessions.map((s) => ({
    id: s.id, user_id: s.userId, user: names.get(s.userId) || null, client_id: s.clientId,
    status: s.status, created_at: s.createdAt, last_active_at: s.lastActiveAt, expires_at: s.expireAt,
    activity: s.latestActivity || null,
  }));
  process.stdout.write(JSON.stringify({ sessions: rows }, null, 1));
  process.stdout.write('\n');
  console.error(summary);
} else {
  console.log(summary);
}
