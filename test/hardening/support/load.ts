// A small HTTP load driver that accounts for every request: each one is sent with the status it
// must get (or the statuses it may get), and ends answered (with a status) or lost (no answer
// within the deadline, or a broken connection). Nothing here measures speed.
import { Agent, request } from 'node:http';

/** One request of a load. */
export interface Shot {
  readonly path: string;
  /** One `Authorization` header, several (sent as repeated headers), or none. */
  readonly authorization?: string | readonly string[];
  /** The status it must get, or the statuses it may get. */
  readonly expect: number | readonly number[];
  /** What kind of request it is, for the report (never the token). */
  readonly label: string;
}

/** The outcome of one request. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Every request of a load, accounted for. */
export class Tally {
  sent = 0;
  answered = 0;
  /** Requests without an answer: the deadline passed or the connection broke. */
  readonly lost: string[] = [];
  /** Requests answered with a status they must not get: `label: got N, expected M`. */
  readonly wrong: string[] = [];
  readonly byStatus = new Map<number, number>();
  readonly byLabel = new Map<string, Map<number, number>>();

  record(shot: Shot, outcome: Answer | Error): void {
    if (outcome instanceof Error) {
      this.lost.push(`${shot.label}: ${outcome.message}`);
      return;
    }
    this.answered++;
    this.byStatus.set(outcome.status, (this.byStatus.get(outcome.status) ?? 0) + 1);
    const perLabel = this.byLabel.get(shot.label) ?? new Map<number, number>();
    perLabel.set(outcome.status, (perLabel.get(outcome.status) ?? 0) + 1);
    this.byLabel.set(shot.label, perLabel);
    const allowed = typeof shot.expect === 'number' ? [shot.expect] : shot.expect;
    if (!allowed.includes(outcome.status))
      this.wrong.push(`${shot.label}: got ${outcome.status}, expected ${allowed.join(' or ')}`);
  }

  /** How many answers had this status. */
  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  /** Answers with a 5xx status. */
  get serverErrors(): number {
    let total = 0;
    for (const [status, count] of this.byStatus) if (status >= 500) total += count;
    return total;
  }

  /** A short account for assertion messages: statuses per label. */
  summary(): string {
    const labels = [...this.byLabel].map(
      ([label, statuses]) => `${label} ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    return `sent ${this.sent}, answered ${this.answered}, lost ${this.lost.length}, wrong ${this.wrong.length}; ${labels.join('; ')}`;
  }
}

/** Sends requests over keep-alive connections; every request has a deadline (a lost answer, not a hang). */
export class LoadClient {
  private readonly agent: Agent;
  private readonly host: string;

  constructor(
    private readonly baseUrl: string,
    private readonly options: { readonly maxSockets?: number; readonly deadlineMs?: number } = {},
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });
    this.host = new URL(baseUrl).host;
  }

  /** Sends one request; resolves with its answer, or an Error when it got none. Never rejects. */
  send(shot: Pick<Shot, 'path' | 'authorization'>): Promise<Answer | Error> {
    // A raw header list (so Authorization can repeat) gets no automatic Host header: add it.
    const headers: string[] = ['Host', this.host];
    const values =
      shot.authorization === undefined
        ? []
        : typeof shot.authorization === 'string'
          ? [shot.authorization]
          : shot.authorization;
    for (const value of values) headers.push('Authorization', value);
    return new Promise((resolve) => {
      let req: ReturnType<typeof request>;
      try {
        req = request(
          `${this.baseUrl}${shot.path}`,
          { agent: this.agent, headers, signal: AbortSignal.timeout(this.options.deadlineMs ?? 15_000) },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                headers: res.headers,
              }),
            );
            res.on('error', (error) => resolve(error));
          },
        );
      } catch (error) {
        resolve(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      req.on('error', (error) => resolve(error));
      req.end();
    });
  }

  /**
   * Sends shots with at most `concurrency` in flight until `next` returns `undefined`, recording
   * every outcome in the tally (a new one unless given).
   */
  async run(
    next: () => Shot | undefined,
    concurrency: number,
    tally: Tally = new Tally(),
    onAnswer?: (shot: Shot, answer: Answer | Error) => void,
  ): Promise<Tally> {
    const worker = async (): Promise<void> => {
      for (let shot = next(); shot !== undefined; shot = next()) {
        tally.sent++;
        const outcome = await this.send(shot);
        tally.record(shot, outcome);
        onAnswer?.(shot, outcome);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return tally;
  }

  /** Sends a fixed list of shots. */
  runAll(shots: readonly Shot[], concurrency: number, tally?: Tally): Promise<Tally> {
    let i = 0;
    return this.run(() => shots[i++], concurrency, tally);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Repeats a list of shots in order, `rounds` times. */
export function repeat(shots: readonly Shot[], rounds: number): Shot[] {
  return Array.from({ length: rounds }, () => shots).flat();
}
