import autocannon from 'autocannon';

/**
 * Runs one autocannon measurement in its own process (started by bench/load.ts), so the
 * bench process's CPU time is the servers' alone. Options in argv[2], result on IPC.
 */
async function main() {
  const options = JSON.parse(process.argv[2]) as autocannon.Options;
  const result = await autocannon(options);
  process.send!(result, () => process.exit(0));
}

void main();
