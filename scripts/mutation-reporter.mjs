// Test reporter for scripts/mutation-pass.js: one JSON line per finished test, so the pass can
// name the first failing test and stop the run as soon as it knows the mutant is killed.
// Suites whose only failure is a failed subtest are skipped: the subtest itself is the news.
export default async function* mutationReporter(source) {
  for await (const event of source) {
    if (event.type === 'test:pass') {
      yield JSON.stringify({ type: 'pass' }) + '\n';
    } else if (event.type === 'test:fail') {
      const error = event.data.details?.error;
      if (error?.failureType === 'subtestsFailed') continue;
      const cause = error?.cause ?? error;
      yield (
        JSON.stringify({
          type: 'fail',
          name: event.data.name,
          file: event.data.file,
          failureType: error?.failureType,
          message: String(cause?.message ?? cause ?? '')
            .split('\n')[0]
            .slice(0, 300),
        }) + '\n'
      );
    }
  }
}
