import { isRepeatable } from './method-idempotency.js';

describe('isRepeatable', () => {
  it('takes Get* and List* as reads, everything else as writes', () => {
    expect(isRepeatable({ name: 'GetUserByID', idempotency: 0 })).toBe(true);
    expect(isRepeatable({ name: 'ListUsers', idempotency: 0 })).toBe(true);
    expect(isRepeatable({ name: 'AddHumanUser', idempotency: 0 })).toBe(false);
    expect(isRepeatable({ name: 'Listen', idempotency: 0 })).toBe(false);
    expect(isRepeatable({ name: 'Getaway', idempotency: 0 })).toBe(false);
  });

  it('follows a declared idempotency level', () => {
    expect(isRepeatable({ name: 'VerifyEmail', idempotency: 1 })).toBe(true);
    expect(isRepeatable({ name: 'SetUserMetadata', idempotency: 2 })).toBe(true);
  });
});
