// Scenario 2: cold introspection under concurrency. Distinct opaque tokens, each sent by several
// requests at once through the guarded route: ZITADEL must see exactly one introspection per token.
import http from 'node:http';
import { check, load, say } from '../lib/report.mjs';

function get(url, token, agent) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/**
 * `tokens` fresh opaque tokens; `window` of them in flight at a time, each token's `perToken`
 * requests started in the same tick on their own connections. The emulator holds every
 * introspection for `delayMs` (when it can), so a token's requests surely overlap its first
 * introspection rather than finding its result already cached.
 */
export async function coldIntrospection({ url, fixture, tokens, perToken, window, delayMs }) {
  const list = await fixture.mintOpaque(tokens);
  check(new Set(list).size === tokens, `the emulator issued ${new Set(list).size} distinct tokens, not ${tokens}`);
  const delayed = delayMs > 0 ? fixture.delayIntrospection(delayMs) : false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: window * perToken });
  const before = fixture.introspectionCount();
  const statuses = new Map();
  const loadBefore = load();
  const started = performance.now();
  let next = 0;
  const workers = Array.from({ length: window }, async () => {
    while (next < list.length) {
      const token = list[next++];
      const answers = await Promise.all(Array.from({ length: perToken }, () => get(url, token, agent)));
      for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  try {
    await Promise.all(workers);
  } finally {
    agent.destroy();
    fixture.clearFaults();
  }
  const seconds = (performance.now() - started) / 1000;
  const calls = fixture.introspectionCount() - before;
  const answers = Object.fromEntries(statuses);
  say(
    `  ${tokens} tokens x ${perToken} concurrent requests: ${calls} introspection calls, answers ${JSON.stringify(answers)}, ${seconds.toFixed(1)} s`,
  );
  check(
    calls === tokens,
    `cold introspection: ZITADEL saw ${calls} introspection calls for ${tokens} distinct tokens (expected exactly ${tokens})`,
  );
  check(
    answers[200] === tokens * perToken,
    `cold introspection: ${answers[200] ?? 0} of ${tokens * perToken} requests answered 200 (${JSON.stringify(answers)})`,
  );
  return {
    tokens,
    requestsPerToken: perToken,
    requests: tokens * perToken,
    tokensInFlight: window,
    introspectionDelayMs: delayed ? delayMs : 0,
    introspectionCalls: calls,
    answers,
    seconds,
    loadBefore,
    loadAfter: load(),
  };
}
