#!/usr/bin/env node
// Tributary command-line client: every user-facing call of the Datasets, Models, Stake and
// Attribution pallets, and the node's `attribution_*` RPC, as commands.
//
//   tributary-client --help              the commands
//   tributary-client COMMAND --help      one command's arguments and options
//
// Amounts are TRIB with decimals (--fee 0.5); --plancks for whole plancks. Output is JSON on
// stdout; errors go to stderr with exit code 1 (2 for a wrong command line: nothing sent).

import { runCli } from './lib/cli.mjs';
import { COMMANDS } from './lib/commands/index.mjs';

runCli(COMMANDS, process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`error: ${e.message || String(e)}\n`);
    process.exitCode = 1;
  },
);
