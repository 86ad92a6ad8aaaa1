import { tokenExchangeRefusal, ZitadelTokenExchangeError } from './token-exchange.error.js';

describe('tokenExchangeRefusal', () => {
  it.each([
    ['invalid_request', 'Errors.TokenExchange.FeatureDisabled', 'feature-disabled'],
    ['invalid_request', 'Errors.TokenExchange.Impersonation.PolicyDisabled', 'impersonation-disabled'],
    ['invalid_request', 'Errors.PermissionDenied', 'permission-denied'],
    ['invalid_request', 'subject_token invalid', 'invalid-subject'],
    ['invalid_request', 'actor_token invalid', 'invalid-actor'],
    ['invalid_target', 'resource parameter not supported', 'invalid-target'],
    ['invalid_scope', 'scope "x" not found in subject or actor token', 'invalid-scope'],
    ['invalid_client', 'no active client not found', 'client-not-allowed'],
    ['unauthorized_client', 'grant_type not allowed', 'client-not-allowed'],
    ['invalid_request', 'subject_token_type is not supported', 'invalid-request'],
  ])('%s "%s" is %s', (error, description, reason) => {
    expect(tokenExchangeRefusal(error, description)).toBe(reason);
  });
});

describe('ZitadelTokenExchangeError', () => {
  it('says what to fix, keeps ZITADEL’s fields sanitised, and has a stable code', () => {
    const error = new ZitadelTokenExchangeError('feature-disabled', 'invalid_request', 'Errors.X\nforged line', 400);
    expect(error.code).toBe('ZITADEL_TOKEN_EXCHANGE_REFUSED');
    expect(error.message).toContain('oidcTokenExchange');
    expect(error.message).not.toContain('\n');
    expect(error.error_description).not.toContain('\n');
    expect(error.status).toBe(400);
  });
});
