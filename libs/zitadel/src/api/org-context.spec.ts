import { orgContext } from './org-context.js';

describe('orgContext', () => {
  it('sets x-zitadel-orgid over the given options', () => {
    const signal = new AbortController().signal;
    const options = orgContext('259242039378444290', { signal, headers: { 'x-zitadel-orgid': 'other', 'x-a': '1' } });
    expect(options.signal).toBe(signal);
    const headers = new Headers(options.headers);
    expect(headers.get('x-zitadel-orgid')).toBe('259242039378444290');
    expect(headers.get('x-a')).toBe('1');
  });

  it('refuses what cannot be an organisation id', () => {
    for (const bad of ['', 'a b', 'a/b', 'x\r\ny', 7 as unknown as string]) {
      expect(() => orgContext(bad)).toThrow('"orgId" must be a non-empty string without spaces');
    }
  });
});
