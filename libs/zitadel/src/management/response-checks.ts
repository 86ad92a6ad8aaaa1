import { ZitadelResponseError } from '../errors/response.error.js';
import { isRecord } from '../shared/is-record.js';

/**
 * Checks of ZITADEL's JSON answers before they are handed out under a type: the fields the
 * library (and a caller) relies on must have the promised JSON type. Other fields pass through
 * unchanged, so fields newer ZITADEL versions add are kept.
 */
export class ResponseChecks {
  constructor(
    private readonly endpoint: string,
    private readonly status: number,
  ) {}

  /** `field` is a non-empty string. */
  string(body: Record<string, unknown>, field: string): void {
    if (typeof body[field] !== 'string' || body[field] === '') this.fail(`"${field}" is not a non-empty string`);
  }

  /** `field` is absent or an object; returns it. */
  optionalObject(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) this.fail(`"${field}" is not an object`);
    return value;
  }

  /** `field` is an object; returns it. */
  object(body: Record<string, unknown>, field: string): Record<string, unknown> {
    const value = this.optionalObject(body, field);
    if (value === undefined) this.fail(`"${field}" is missing`);
    return value;
  }

  /** `field` is absent or an array of strings. */
  optionalStrings(body: Record<string, unknown>, field: string): void {
    const value = body[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      this.fail(`"${field}" is not an array of strings`);
    }
  }

  /**
   * A page of a `_search` call: `result` absent or an array of objects, `details` absent or an
   * object whose `totalResult` is absent or a decimal string. Returns the items and the total.
   */
  page(body: Record<string, unknown>): { items: Record<string, unknown>[]; total: bigint | undefined } {
    const result = body['result'];
    if (result !== undefined && !(Array.isArray(result) && result.every(isRecord)))
      this.fail('"result" is not an array of objects');
    const details = this.optionalObject(body, 'details');
    const total = details?.['totalResult'];
    if (
      total !== undefined &&
      !(typeof total === 'string' && /^\d{1,20}$/.test(total)) &&
      !(typeof total === 'number' && Number.isSafeInteger(total) && total >= 0)
    ) {
      this.fail('"details.totalResult" is not a uint64');
    }
    return {
      items: (result as Record<string, unknown>[] | undefined) ?? [],
      total: total === undefined ? undefined : BigInt(total as string | number),
    };
  }

  private fail(problem: string): never {
    throw new ZitadelResponseError(
      `ZITADEL ${this.endpoint} answered ${this.status} with an unexpected body: ${problem}`,
      this.status,
    );
  }
}
