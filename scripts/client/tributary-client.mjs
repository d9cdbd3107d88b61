#!/usr/bin/env node
// Tributary command-line client.
//
//   tributary-client register-dataset --file data.csv --uri ipfs://... [--commercial] \
//       [--requires-approval] [--metadata '{"name":"..."}'] [--suri //Alice] [--ws ws://127.0.0.1:9944]
//   tributary-client list-datasets [--ws ...]
//   tributary-client show-dataset <id> [--ws ...]
//
// Output is JSON on stdout; errors go to stderr with exit code 1 (2 for bad arguments).

import { parseArgs } from 'node:util';
import { connect, signer } from './lib/chain.mjs';
import { registerDataset, listDatasets, getDataset } from './lib/datasets.mjs';

const USAGE = `usage:
  tributary-client register-dataset --file PATH --uri URI [--commercial] [--requires-approval]
                                    [--metadata TEXT] [--suri //Alice] [--ws ws://127.0.0.1:9944]
  tributary-client list-datasets [--ws URL]
  tributary-client show-dataset ID [--ws URL]`;

const OPTIONS = {
  ws: { type: 'string', default: process.env.TRIBUTARY_WS || 'ws://127.0.0.1:9944' },
  suri: { type: 'string', default: process.env.TRIBUTARY_SURI || '//Alice' },
  file: { type: 'string' },
  uri: { type: 'string' },
  metadata: { type: 'string', default: '' },
  commercial: { type: 'boolean', default: false },
  'requires-approval': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

function fail(message, code = 1) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: OPTIONS, allowPositionals: true });
  } catch (e) {
    fail(`${e.message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  if (command === 'register-dataset') {
    if (!values.file) fail(`register-dataset needs --file\n${USAGE}`, 2);
    if (!values.uri) fail(`register-dataset needs --uri\n${USAGE}`, 2);
  } else if (command === 'show-dataset') {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0])) fail(`show-dataset needs a numeric ID\n${USAGE}`, 2);
  } else if (command !== 'list-datasets') {
    fail(`unknown command '${command}'\n${USAGE}`, 2);
  }

  const api = await connect(values.ws);
  try {
    if (command === 'register-dataset') {
      const pair = await signer(values.suri);
      const result = await registerDataset(api, pair, {
        path: values.file,
        uri: values.uri,
        license: { commercial: values.commercial, requiresApproval: values['requires-approval'] },
        metadata: values.metadata,
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!result.ok) process.exitCode = 1;
    } else if (command === 'list-datasets') {
      process.stdout.write(`${JSON.stringify(await listDatasets(api), null, 2)}\n`);
    } else {
      const dataset = await getDataset(api, Number(rest[0]));
      if (!dataset) {
        process.exitCode = 1;
        process.stderr.write(`error: no dataset ${rest[0]}\n`);
      } else {
        process.stdout.write(`${JSON.stringify(dataset, null, 2)}\n`);
      }
    }
  } finally {
    await api.disconnect();
  }
}

main().catch((e) => fail(e.message || String(e)));
