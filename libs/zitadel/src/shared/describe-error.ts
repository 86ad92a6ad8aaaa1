import { remoteText } from './remote-text.js';

/**
 * An error as one log-safe line: its name and message through the remote-text sanitiser, since a
 * message that is not ours (a Redis client's, a runtime's) may quote what a peer sent.
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? remoteText(`${error.name}: ${error.message}`, 300) : 'unknown error';
}
