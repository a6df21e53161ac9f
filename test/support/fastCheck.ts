// vitest setup for every test file: a property test ends within a bounded time, found
// counterexample or not. A property that fails on a large input (hundreds of long strings)
// shrinks it by re-running the test thousands of times, and each failing run formats an
// assertion's diff of that input: seen here as a worker spinning for 40 minutes inside one
// property. Past the limit fast-check stops, and `markInterruptAsFailure` makes an
// interrupted run fail with the smallest counterexample it has reached, never pass quietly.
import fc from 'fast-check';

/** Well under vitest's 60 s per test, well over what any property here takes (under 5 s). */
const PROPERTY_TIME_LIMIT_MS = 40_000;

fc.configureGlobal({ interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS, markInterruptAsFailure: true });
