// Reads a V8 .cpuprofile (from `node --cpu-prof`) and tells where the time went: self time by
// function, time including callees for the functions on the request path, and by package.
import { readFileSync } from 'node:fs';

function where(frame) {
  const url = frame.url ?? '';
  const file = url.replace(/^file:\/\//, '');
  const short = file
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/libs\/zitadel\/dist\//, 'nestjs-zitadel/')
    .replace(/^.*\/bench\//, 'bench/');
  return short === '' ? '' : `${short}:${frame.lineNumber + 1}`;
}

/** The package (or area) a frame belongs to. */
function area(frame) {
  const url = frame.url ?? '';
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.includes('/libs/zitadel/')) return 'nestjs-zitadel';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:')) return 'node internals';
  return url.includes('/bench/') ? 'bench app' : 'other';
}

/** Summarises a profile: the share of each function and area, in percent of all samples. */
export function summariseProfile(path, top = 25) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  for (const [id, count] of hits) {
    const node = nodes.get(id);
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${where(frame)}`;
    self.set(key, (self.get(key) ?? 0) + count);
    areas.set(area(frame), (areas.get(area(frame)) ?? 0) + count);
    // Each function once per stack, so recursion is not counted twice.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at).callFrame;
      const k = `${f.functionName || '(anonymous)'} ${where(f)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + count);
    }
  }
  const pct = (count) => Math.round((count / total) * 1000) / 10;
  const sorted = (map, filter = () => true) =>
    [...map]
      .filter(([key]) => filter(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, count]) => ({ frame: key, percent: pct(count) }));
  return {
    samples: total,
    idlePercent: pct(self.get('(idle) ') ?? 0),
    gcPercent: pct(self.get('(garbage collector) ') ?? 0),
    byArea: sorted(areas),
    selfTop: sorted(self),
    zitadelInclusive: sorted(inclusive, (key) => key.includes('nestjs-zitadel/')),
  };
}
