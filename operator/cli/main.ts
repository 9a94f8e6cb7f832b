import { Command } from 'commander';
import { printValidateReport, validatePaths } from './validate-command.js';

const EXIT_INVALID = 1;

const program = new Command()
  .name('outputstraat')
  .description('Check, render, simulate and test Outputstraat flows-as-code')
  .showHelpAfterError();

program
  .command('validate')
  .description('check resources: schema, references, CEL, template variables, unreachable steps')
  .argument('<paths...>', 'files or folders with YAML resources')
  .option('-o, --output <format>', 'text or json', 'text')
  .action((paths: string[], opts: { output: string }) => {
    const report = validatePaths(paths);
    if (opts.output === 'json') console.log(JSON.stringify(report, null, 2));
    else printValidateReport(report, (line) => console.log(line));
    if (!report.ok) process.exitCode = EXIT_INVALID;
  });

await program.parseAsync(process.argv);
