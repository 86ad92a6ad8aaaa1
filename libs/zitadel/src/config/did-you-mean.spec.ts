import { closestKey, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['retry', 'retries', 3],
    ['same', 'same', 0],
    ['ab', 'ba', 2],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestKey', () => {
  const known = ['timeoutMs', 'retries', 'backoffBaseMs', 'backoffMaxMs'];
  it('prefers the same key in other letter case, then a key it begins, then the fewest edits', () => {
    expect(closestKey('TIMEOUTMS', known)).toBe('timeoutMs');
    expect(closestKey('timeout', known)).toBe('timeoutMs');
    expect(closestKey('backofMaxMs', known)).toBe('backoffMaxMs');
    expect(closestKey('retry', known)).toBe('retries');
  });

  it('suggests nothing when no key is close', () => {
    expect(closestKey('zzzzzzzz', known)).toBeUndefined();
    expect(closestKey('ti', known)).toBeUndefined();
  });
});
