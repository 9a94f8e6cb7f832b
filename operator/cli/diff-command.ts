import type { Command } from 'commander';
import type { CliIo, Runner } from './cli-io.js';
export function diffCommand(_program: Command, _io: CliIo, _run: Runner): void {}
