import autocannon from 'autocannon';

/**
 * Runs one autocannon measurement in its own process (started by bench/load.ts), so the
 * bench process's CPU time is the servers' alone. Options and result on IPC.
 */
process.once('message', async (options: autocannon.Options) => {
  const result = await autocannon(options);
  process.send!(result, () => process.exit(0));
});
