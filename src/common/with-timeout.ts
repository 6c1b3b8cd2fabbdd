/** `work`, or a rejection naming `what` once `ms` have passed; the timer never holds the process open. */
export function withTimeout<T>(work: Promise<T>, ms: number, what = ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms${what ? ` ${what}` : ''}`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
