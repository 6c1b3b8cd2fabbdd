#!/usr/bin/env node
'use strict';
/**
 * Hand-made mutation pass over the access, signature, IP, management and error-log redaction
 * rules (issue 9, item 7).
 *
 * Each mutant in scripts/mutants.js is one realistic bug, written as an exact find/replace on a
 * compiled file in dist/src (the tests run from dist/, so no tsc per mutant). For each mutant the
 * file is changed, only the test files named for that mutant run, and the file is restored byte
 * for byte. KILLED: a test failed. SURVIVED: every test passed with the bug in place. TIMEOUT: the
 * run took longer than --timeout (counted as killed, listed apart). STALE: the find string does
 * not occur exactly once any more (the source moved on; fix the mutant). INVALID: the
 * replacement does not compile. Score = (killed + timeouts) / (killed + timeouts + survived).
 *
 * Usage: npm run mutation [-- <id prefix>... ] [--full] [--list] [--timeout=<s>] [--out=<file>]
 *   <id prefix>  run only mutants whose id starts with one of these (e.g. access, ip.leftmost)
 *   --full       run every test of a mutant instead of stopping at the first failure
 *   --list       check the find strings and list the mutants, without running tests
 *
 * Crash safety: the original bytes are kept in .data/mutation/ while a mutant is applied and put
 * back on exit, Ctrl-C and SIGTERM; a run that was killed outright (SIGKILL, power loss) is
 * repaired at the start of the next one. `npm run build` also rewrites every file.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const STATE_DIR = path.join(ROOT, '.data', 'mutation');
const JOURNAL = path.join(STATE_DIR, 'applied.json');
const BACKUP = path.join(STATE_DIR, 'original.bin');
const REPORTER = path.join(__dirname, 'mutation-reporter.mjs');

function parseArgs(argv) {
  const options = { prefixes: [], full: false, list: false, timeoutSeconds: 180, out: path.join(STATE_DIR, 'report.json') };
  for (const arg of argv) {
    if (arg === '--full') options.full = true;
    else if (arg === '--list') options.list = true;
    else if (arg.startsWith('--timeout=')) options.timeoutSeconds = Number(arg.slice('--timeout='.length));
    else if (arg.startsWith('--out=')) options.out = path.resolve(arg.slice('--out='.length));
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}; see the header of scripts/mutation-pass.js`);
    else options.prefixes.push(arg);
  }
  if (!(options.timeoutSeconds > 0)) throw new Error('--timeout must be a positive number of seconds');
  return options;
}

// ---------------------------------------------------------------------------------------------
// Applying and restoring a mutant

let applied; // { file, original: Buffer } while a mutant is in place

function restore() {
  if (!applied) return;
  fs.writeFileSync(applied.file, applied.original);
  applied = undefined;
  fs.rmSync(JOURNAL, { force: true });
  fs.rmSync(BACKUP, { force: true });
}

/** A previous run died with a mutant in place: put the original back before anything else. */
function repairInterruptedRun() {
  if (!fs.existsSync(JOURNAL)) return;
  const { file, id } = JSON.parse(fs.readFileSync(JOURNAL, 'utf8'));
  if (fs.existsSync(BACKUP)) {
    fs.writeFileSync(file, fs.readFileSync(BACKUP));
    console.log(`restored ${path.relative(ROOT, file)}, left mutated by an interrupted run (mutant ${id})`);
  }
  fs.rmSync(JOURNAL, { force: true });
  fs.rmSync(BACKUP, { force: true });
}

function occurrences(text, find) {
  let count = 0;
  for (let at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) count++;
  return count;
}

/** The mutated text, or why the mutant cannot be applied. */
function prepare(mutant) {
  const file = path.join(ROOT, mutant.file);
  if (!fs.existsSync(file)) return { status: 'STALE', detail: `${mutant.file} does not exist (run npm run build)` };
  // tsc never deletes the output of a source that moved: a mutant of such a leftover would
  // test code nothing loads, and survive.
  const source = mutant.file.replace(/^(?:packages\/[^/]+\/)?dist\//, (m) => m.slice(0, -'dist/'.length)).replace(/\.js$/, '.ts');
  if (!fs.existsSync(path.join(ROOT, source)))
    return { status: 'STALE', detail: `${source} no longer exists: ${mutant.file} is left over from an old build` };
  const original = fs.readFileSync(file);
  const text = original.toString('utf8');
  const count = occurrences(text, mutant.find);
  if (count !== 1) return { status: 'STALE', detail: `find string occurs ${count} times in ${mutant.file}` };
  const mutated = text.replace(mutant.find, () => mutant.replace);
  try {
    // CommonJS modules are function bodies: compile them as one to catch a broken replacement.
    vm.compileFunction(mutated, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  } catch (error) {
    return { status: 'INVALID', detail: `replacement does not compile: ${error.message}` };
  }
  return { file, original, mutated };
}

function apply(mutant, prepared) {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.writeFileSync(BACKUP, prepared.original);
  fs.writeFileSync(JOURNAL, JSON.stringify({ id: mutant.id, file: prepared.file }));
  applied = { file: prepared.file, original: prepared.original };
  fs.writeFileSync(prepared.file, prepared.mutated);
}

// ---------------------------------------------------------------------------------------------
// Running tests

let running; // the test process in flight, killed with its group on exit

function killRunning() {
  if (!running) return;
  try {
    process.kill(-running.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs the test files with the line reporter. Resolves with the failures seen, whether the run
 * passed, and whether it timed out. With stopAtFirstFailure the process group is killed as soon
 * as one test has failed: nothing later can change the verdict.
 */
function runTests(files, { timeoutSeconds, stopAtFirstFailure }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', `--test-reporter=${REPORTER}`, ...files], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    const failures = [];
    let passes = 0;
    let buffered = '';
    let stderr = '';
    let stoppedEarly = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killRunning();
    }, timeoutSeconds * 1000);

    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          continue; // console output of a test, not an event
        }
        if (event.type === 'pass') passes++;
        if (event.type === 'fail') {
          failures.push(event);
          if (stopAtFirstFailure && !stoppedEarly) {
            stoppedEarly = true;
            killRunning();
          }
        }
      }
    });
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      running = undefined;
      resolve({
        passed: code === 0 && failures.length === 0 && !timedOut,
        failures,
        passes,
        timedOut,
        stoppedEarly,
        seconds: (Date.now() - started) / 1000,
        stderr,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Report

function firstFailure(run) {
  const failure = run.failures[0];
  if (!failure) return '';
  const file = failure.file ? path.basename(failure.file).replace(/\.test\.js$/, '') : '';
  return `${file}: ${failure.name}`;
}

function cut(text, width) {
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}

function printTable(results) {
  const rows = results.map((r) => [
    r.id,
    r.result,
    r.seconds.toFixed(1),
    path.basename(r.file),
    cut(r.firstFailingTest || r.detail || '', 90),
  ]);
  const header = ['id', 'result', 's', 'file', 'first failing test / detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

function summarise(results) {
  const count = (status) => results.filter((r) => r.result === status).length;
  const killed = count('KILLED');
  const timeout = count('TIMEOUT');
  const survived = count('SURVIVED');
  const scored = killed + timeout + survived;
  return {
    total: results.length,
    killed,
    timeout,
    survived,
    stale: count('STALE'),
    invalid: count('INVALID'),
    score: scored === 0 ? null : (killed + timeout) / scored,
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const all = require('./mutants.js');
  const ids = new Set();
  for (const m of all) {
    if (ids.has(m.id)) throw new Error(`duplicate mutant id ${m.id}`);
    ids.add(m.id);
    if (!m.tests?.length) throw new Error(`mutant ${m.id} names no test files`);
  }
  const mutants = options.prefixes.length ? all.filter((m) => options.prefixes.some((p) => m.id.startsWith(p))) : all;
  if (mutants.length === 0) {
    console.error(
      `no mutant id starts with ${options.prefixes.join(' or ')}; groups: ${[...new Set(all.map((m) => m.id.split('.')[0]))].join(', ')}`,
    );
    process.exit(2);
  }

  repairInterruptedRun();
  const onSignal = (signal) => {
    killRunning();
    restore();
    console.error(`\n${signal}: stopped; the mutated file was restored`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    killRunning();
    restore();
  });

  if (options.list) {
    for (const m of mutants) {
      const prepared = prepare(m);
      console.log(`${m.id.padEnd(48)} ${prepared.status ?? 'ok'}${prepared.detail ? `  ${prepared.detail}` : ''}`);
    }
    return;
  }

  const testFiles = [...new Set(mutants.flatMap((m) => m.tests))];
  for (const file of testFiles) {
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`test file ${file} does not exist (run npm run build)`);
  }
  console.log(`baseline: ${testFiles.length} test files on the unmutated build`);
  const baseline = await runTests(testFiles, { timeoutSeconds: options.timeoutSeconds * 2, stopAtFirstFailure: false });
  if (!baseline.passed) {
    console.error(`the unmutated build fails its tests${baseline.timedOut ? ' (timed out)' : ''}; fix that first.`);
    for (const f of baseline.failures) console.error(`  ${path.basename(f.file ?? '')}: ${f.name}: ${f.message}`);
    if (!baseline.failures.length) console.error(baseline.stderr);
    process.exit(1);
  }
  console.log(`baseline: ${baseline.passes} tests passed in ${baseline.seconds.toFixed(1)} s\n`);

  const started = Date.now();
  const results = [];
  for (const [index, mutant] of mutants.entries()) {
    const prepared = prepare(mutant);
    const base = { id: mutant.id, rule: mutant.rule, file: mutant.file, tests: mutant.tests };
    let result;
    if (prepared.status) {
      result = { ...base, result: prepared.status, seconds: 0, firstFailingTest: '', detail: prepared.detail };
    } else {
      apply(mutant, prepared);
      let run;
      try {
        run = await runTests(mutant.tests, { timeoutSeconds: options.timeoutSeconds, stopAtFirstFailure: !options.full });
      } finally {
        restore();
      }
      const status = run.timedOut ? 'TIMEOUT' : run.passed ? 'SURVIVED' : 'KILLED';
      result = {
        ...base,
        result: status,
        seconds: run.seconds,
        firstFailingTest: firstFailure(run),
        failureMessage: run.failures[0]?.message ?? '',
        failingTests: options.full ? run.failures.map((f) => `${path.basename(f.file ?? '')}: ${f.name}`) : undefined,
        // A killed run without any failed test means the process itself died (e.g. a crash at load).
        detail:
          status === 'KILLED' && run.failures.length === 0
            ? `test process failed: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`
            : '',
      };
    }
    results.push(result);
    console.log(
      `[${index + 1}/${mutants.length}] ${result.id}: ${result.result} (${result.seconds.toFixed(1)} s)${result.firstFailingTest ? ` — ${result.firstFailingTest}` : result.detail ? ` — ${result.detail}` : ''}`,
    );
  }

  const summary = summarise(results);
  const totalSeconds = (Date.now() - started) / 1000;
  console.log('');
  printTable(results);
  console.log('');
  console.log(
    `mutants: ${summary.total}; killed ${summary.killed}, killed by timeout ${summary.timeout}, survived ${summary.survived}, ` +
      `stale ${summary.stale}, invalid ${summary.invalid}`,
  );
  console.log(
    `score: ${summary.score === null ? 'n/a' : `${(summary.score * 100).toFixed(1)} %`} (killed / (killed + survived)); ${totalSeconds.toFixed(0)} s`,
  );
  for (const r of results.filter((x) => x.result === 'SURVIVED')) console.log(`  SURVIVED ${r.id}: ${r.rule}`);
  for (const r of results.filter((x) => x.result === 'STALE' || x.result === 'INVALID'))
    console.log(`  ${r.result} ${r.id}: ${r.detail}`);

  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(
    options.out,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        prefixes: options.prefixes,
        baselineSeconds: baseline.seconds,
        seconds: totalSeconds,
        summary,
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`report: ${path.relative(ROOT, options.out)}`);
  // Stale or invalid mutants are a broken pass, not a finding: fail so they get fixed.
  process.exitCode = summary.stale + summary.invalid > 0 ? 1 : 0;
}

main().catch((error) => {
  killRunning();
  restore();
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
