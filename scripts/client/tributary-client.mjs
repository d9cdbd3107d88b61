#!/usr/bin/env node
// Tributary command-line client.
//
//   tributary-client register-dataset --file data.csv --uri ipfs://... [--commercial] \
//       [--requires-approval] [--metadata '{"name":"..."}'] [--suri //Alice] [--ws ws://127.0.0.1:9944]
//   tributary-client list-datasets [--ws ...]
//   tributary-client show-dataset <id> [--ws ...]
//   tributary-client register-model --index model.idx --index-uri http://... --datasets 0,1 \
//       --fee AMOUNT [--split 20,10,70] [--artifact FILE] [--uri URI] [--base ID] [--suri //Ferdie]
//   tributary-client settle-inference --model ID --query query.csv --max-fee AMOUNT [--suri //Bob]
//   tributary-client watch INFERENCE [--timeout SECONDS]
//   tributary-client pending [--from ID] [--limit N]
//   tributary-client earnings <SS58 account>
//   tributary-client claim [--suri //Eve]
//   tributary-client settle-expired 7 [--suri //Eve]   (after its deadline; earns its deposit)
//   tributary-client economy
//
// Output is JSON on stdout; errors go to stderr with exit code 1 (2 for bad arguments).

import { parseArgs } from 'node:util';
import { connect, signer } from './lib/chain.mjs';
import { readFile } from 'node:fs/promises';
import { blake2AsHex } from '@polkadot/util-crypto';
import { watchInference } from './lib/watch.mjs';
import { registerDataset, listDatasets, getDataset } from './lib/datasets.mjs';
import {
  settleInference, pendingInferences, contributorEarnings, claimEarnings, economyTotals,
  settleExpired,
  registerModel, PERBILL,
} from './lib/economy.mjs';

const USAGE = `usage:
  tributary-client register-dataset --file PATH --uri URI [--commercial] [--requires-approval]
                                    [--metadata TEXT] [--suri //Alice] [--ws ws://127.0.0.1:9944]
  tributary-client list-datasets [--ws URL]
  tributary-client show-dataset ID [--ws URL]
  tributary-client register-model --index PATH --index-uri URI --datasets ID[,ID...] --fee AMOUNT
                                  [--split OWNER,STAKERS,CONTRIBUTORS (percent; default 20,10,70)]
                                  [--artifact PATH] [--uri URI] [--base ID] [--suri URI] [--ws URL]
  tributary-client settle-inference --model ID --query PATH --max-fee AMOUNT [--suri URI] [--ws URL]
  tributary-client watch INFERENCE [--timeout SECONDS] [--ws URL]
  tributary-client pending [--from ID] [--limit N] [--ws URL]
  tributary-client earnings ACCOUNT [--ws URL]
  tributary-client claim [--suri URI] [--ws URL]
  tributary-client settle-expired INFERENCE [--suri URI] [--ws URL]
  tributary-client economy [--ws URL]`;

const OPTIONS = {
  ws: { type: 'string', default: process.env.TRIBUTARY_WS || 'ws://127.0.0.1:9944' },
  suri: { type: 'string', default: process.env.TRIBUTARY_SURI || '//Alice' },
  file: { type: 'string' },
  uri: { type: 'string' },
  metadata: { type: 'string', default: '' },
  commercial: { type: 'boolean', default: false },
  'requires-approval': { type: 'boolean', default: false },
  model: { type: 'string' },
  query: { type: 'string' },
  'max-fee': { type: 'string' },
  from: { type: 'string', default: '0' },
  index: { type: 'string' },
  'index-uri': { type: 'string' },
  datasets: { type: 'string' },
  fee: { type: 'string' },
  split: { type: 'string', default: '20,10,70' },
  artifact: { type: 'string' },
  base: { type: 'string' },
  timeout: { type: 'string', default: '120' },
  limit: { type: 'string', default: '1000' },
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
  } else if (command === 'settle-inference') {
    if (!/^\d+$/.test(values.model || '')) fail(`settle-inference needs a numeric --model\n${USAGE}`, 2);
    if (!values.query) fail(`settle-inference needs --query\n${USAGE}`, 2);
    if (!/^\d+$/.test(values['max-fee'] || '')) fail(`settle-inference needs a numeric --max-fee\n${USAGE}`, 2);
  } else if (command === 'register-model') {
    if (!values.index) fail(`register-model needs --index\n${USAGE}`, 2);
    if (!values['index-uri']) fail(`register-model needs --index-uri\n${USAGE}`, 2);
    if (!/^\d+(,\d+)*$/.test(values.datasets || '')) fail(`register-model needs --datasets ID[,ID...]\n${USAGE}`, 2);
    if (!/^\d+$/.test(values.fee || '')) fail(`register-model needs a numeric --fee\n${USAGE}`, 2);
    if (!/^\d+(\.\d+)?,\d+(\.\d+)?,\d+(\.\d+)?$/.test(values.split)) fail(`--split is OWNER,STAKERS,CONTRIBUTORS in percent\n${USAGE}`, 2);
    if (values.base !== undefined && !/^\d+$/.test(values.base)) fail(`--base is a model id\n${USAGE}`, 2);
  } else if (command === 'watch') {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0])) fail(`watch needs a numeric INFERENCE\n${USAGE}`, 2);
    if (!/^\d+$/.test(values.timeout)) fail(`--timeout is in seconds\n${USAGE}`, 2);
  } else if (command === 'settle-expired') {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0])) fail(`settle-expired needs a numeric INFERENCE\n${USAGE}`, 2);
  } else if (command === 'earnings') {
    if (rest.length !== 1) fail(`earnings needs an ACCOUNT\n${USAGE}`, 2);
  } else if (command === 'pending') {
    if (!/^\d+$/.test(values.from) || !/^\d+$/.test(values.limit)) fail(`--from and --limit are numbers\n${USAGE}`, 2);
  } else if (!['list-datasets', 'claim', 'economy'].includes(command)) {
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
    } else if (command === 'settle-inference') {
      const pair = await signer(values.suri);
      const query = await readFile(values.query);
      const result = await settleInference(api, pair, {
        model: Number(values.model), query, maxFee: values['max-fee'],
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!result.ok) process.exitCode = 1;
    } else if (command === 'register-model') {
      const index = await readFile(values.index);
      const artifact = values.artifact ? await readFile(values.artifact) : index;
      const percents = values.split.split(',').map(Number);
      const parts = percents.map((p) => Math.round((p / 100) * PERBILL));
      if (parts.reduce((a, b) => a + b, 0) !== PERBILL) fail('--split must sum to exactly 100', 2);
      const result = await registerModel(api, await signer(values.suri), {
        artifactHash: blake2AsHex(artifact, 256),
        uri: values.uri || values['index-uri'],
        datasets: values.datasets.split(',').map(Number),
        base: values.base === undefined ? null : Number(values.base),
        indexHash: blake2AsHex(index, 256),
        indexUri: values['index-uri'],
        fee: values.fee,
        split: { modelOwner: parts[0], stakers: parts[1], contributors: parts[2] },
      });
      process.stdout.write(`${JSON.stringify({ ...result, indexHash: blake2AsHex(index, 256) }, null, 2)}\n`);
      if (!result.ok) process.exitCode = 1;
    } else if (command === 'watch') {
      const events = await watchInference(api, Number(rest[0]), {
        timeoutMs: Number(values.timeout) * 1000,
        onEvent: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
      });
      if (!events.some((e) => e.method === 'InferenceSettled')) process.exitCode = 1;
    } else if (command === 'claim') {
      const result = await claimEarnings(api, await signer(values.suri));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!result.ok) process.exitCode = 1;
    } else if (command === 'settle-expired') {
      const result = await settleExpired(api, await signer(values.suri), Number(rest[0]));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (!result.ok) process.exitCode = 1;
    } else if (command === 'pending') {
      const pending = await pendingInferences(api, Number(values.from), Number(values.limit));
      process.stdout.write(`${JSON.stringify(pending, null, 2)}\n`);
    } else if (command === 'earnings') {
      process.stdout.write(`${JSON.stringify(await contributorEarnings(api, rest[0]), null, 2)}\n`);
    } else if (command === 'economy') {
      process.stdout.write(`${JSON.stringify(await economyTotals(api), null, 2)}\n`);
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
