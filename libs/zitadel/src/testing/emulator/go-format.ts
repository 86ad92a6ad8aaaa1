// ZITADEL is written in Go and some of its error descriptions embed Go-formatted values (a
// `time.Time`, a `time.Duration`, a `%q`-quoted string). These helpers print them the same way,
// so the emulator's `error_description` texts read exactly like ZITADEL's.

/** A Go `time.Time` printed with `%v`, in UTC as ZITADEL runs: `2026-09-03 12:00:00 +0000 UTC`. */
export function goTime(epochSeconds: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** A Go `time.Duration` printed with `%v`, for whole seconds: `5s`, `1m5s`, `1h0m5s`, `-3s`. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(Math.trunc(seconds));
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  if (hours > 0) return `${sign}${hours}h${minutes}m${secs}s`;
  if (minutes > 0) return `${sign}${minutes}m${secs}s`;
  return `${sign}${secs}s`;
}

/** A string printed with Go's `%q`; JSON's quoting agrees with it for what the emulator quotes. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}
