import autocannon from 'autocannon';

type WorkerOptions = autocannon.Options & { vary?: { placeholder: string; startMs: number; stepMs: number } };

/**
 * Runs one autocannon measurement in its own process (started by bench/load.ts), so the
 * bench process's CPU time is the servers' alone. Options and result on IPC; functions do not
 * cross IPC, so a varying body is described by `vary` and built here.
 */
process.once('message', async (options: WorkerOptions) => {
  const { vary, ...rest } = options;
  if (vary) {
    let n = 0;
    rest.requests = rest.requests?.map((request) => ({
      ...request,
      setupRequest: (req: autocannon.Request) => ({
        ...req,
        body: String(request.body)
          .split(vary.placeholder)
          .join(new Date(vary.startMs + n++ * vary.stepMs).toISOString()),
      }),
    }));
  }
  const result = await autocannon(rest);
  process.send!(result, () => process.exit(0));
});
