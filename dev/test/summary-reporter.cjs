// Mocha's spec reporter plus the plain closing line CI reads: "tests: N passed, N failed, N skipped".
const Mocha = require("mocha");

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      // After the spec reporter's own epilogue, which is also printed on EVENT_RUN_END.
      process.nextTick(() => console.log(`tests: ${passes} passed, ${failures} failed, ${pending} skipped`));
    });
  }
}

module.exports = SummaryReporter;
