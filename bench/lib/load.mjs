// One autocannon run on loopback, checked: every answer must be a 2xx, or the figure means nothing
// (a guard answering 401 fast would look like a fast guard).
import autocannon from 'autocannon';
import { check } from './report.mjs';

/**
 * Runs autocannon against `url` for `seconds` with `connections` keep-alive connections.
 * @returns requests per second, totals and latency.
 */
export async function hammer({ url, token, seconds, connections = 10, label }) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  check(
    result.non2xx === 0 && result.errors === 0 && result.timeouts === 0,
    `${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts (status counts ${JSON.stringify(result.statusCodeStats)})`,
  );
  // Total over the measured time, not the mean of per-second samples: runs may last one second.
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    rps: result.requests.total / elapsed,
    requests: result.requests.total,
    seconds: result.duration,
    latencyMsP50: result.latency.p50,
    latencyMsP99: result.latency.p99,
  };
}
