// Child processes of the bench: started with fork, ended by their own handle (never by name).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Forks `bench/<script>` and waits for its first IPC message of type `ready` (or `listening`). */
export async function startChild(script, env = {}, execArgv = []) {
  const child = fork(fileURLToPath(new URL(`../${script}`, import.meta.url)), {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`bench/${script} exited early (code ${code}, signal ${signal})`);
  });
  const first = await Promise.race([once(child, 'message').then(([message]) => message), exited]);
  exited.catch(() => undefined);
  return { child, first };
}

/** Asks a child to close and waits for it to exit; kills that child (by its handle) after `ms`. */
export async function stopChild(child, ms = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (child.connected) child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

let nextId = 0;

/** The server's CPU time so far, in microseconds (user + system). */
export async function cpuOf(child) {
  const id = ++nextId;
  child.send({ type: 'cpu', id });
  for (;;) {
    const [message] = await once(child, 'message');
    if (message?.type === 'cpu' && message.id === id) return message.usage.user + message.usage.system;
  }
}
