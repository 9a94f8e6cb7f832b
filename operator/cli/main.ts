// bin/outputstraat.js runs this (from dist/); during development: npx tsx operator/cli/main.ts <command>.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
