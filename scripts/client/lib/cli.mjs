// The command-line machinery: each command is a table entry (name, summary, arguments,
// options with kinds, run); this file parses and checks a command line against its entry
// before connecting, prints per-command help, connects, runs, prints JSON and sets the exit
// code (0 ok, 1 the chain refused or something failed, 2 a wrong command line).

import { parseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { parseAmount, formatAmount, chainToken, DEFAULT_TOKEN, AmountError } from './amounts.mjs';
import { accountFromOptions, AccountError, SS58 } from './accounts.mjs';
import { UsageError, ClientError, isFundsError } from './errors.mjs';
import { connect } from './chain.mjs';
import { printJson } from './json.mjs';

/** Options every command takes. */
export const COMMON_OPTIONS = {
  ws: { type: 'string', value: 'URL', default: process.env.TRIBUTARY_WS || 'ws://127.0.0.1:9944', help: 'the node\'s RPC endpoint (or TRIBUTARY_WS)' },
  plancks: { type: 'boolean', help: 'amounts in and out are whole plancks (10^-12 TRIB) instead of TRIB' },
  help: { type: 'boolean', short: 'h', help: 'print this help' },
};

/** Options of the commands that sign a transaction. */
export const SIGNING_OPTIONS = {
  suri: { type: 'string', value: 'URI', default: process.env.TRIBUTARY_SURI || '//Alice', help: 'the signer: a dev URI (//Bob) or a mnemonic in quotes, optionally with //derivation (or TRIBUTARY_SURI)' },
  keystore: { type: 'string', value: 'FILE', help: 'the signer from a polkadot.js JSON keystore file instead of --suri' },
  'password-file': { type: 'string', value: 'FILE', help: 'the keystore\'s password: the file\'s first line (or TRIBUTARY_PASSWORD)' },
};

/** Checks and converts one argument or option value of `kind`; throws UsageError naming `what`. */
async function convert(kind, text, what, token, plancks) {
  switch (kind) {
    case 'id':
      if (!/^\d+$/.test(text)) throw new UsageError(`${what} must be a numeric id, not '${text}'`);
      return Number(text);
    case 'ids':
      if (!/^\d+(,\d+)*$/.test(text)) throw new UsageError(`${what} must be ids separated by commas (e.g. 0,1), not '${text}'`);
      return text.split(',').map(Number);
    case 'count':
      if (!/^\d+$/.test(text) || Number(text) > 2 ** 32 - 1) throw new UsageError(`${what} must be a whole number, not '${text}'`);
      return Number(text);
    case 'amount':
      try {
        return parseAmount(text, { ...token, plancks, what });
      } catch (e) {
        if (e instanceof AmountError) throw new UsageError(e.message);
        throw e;
      }
    case 'file':
      try {
        await access(text);
      } catch {
        throw new UsageError(`${what}: cannot read ${text}`);
      }
      return text;
    case 'account':
      try {
        return encodeAddress(decodeAddress(text), SS58);
      } catch {
        throw new UsageError(`${what} must be an SS58 address or a 0x-hex public key, not '${text}'`);
      }
    default:
      return text;
  }
}

/** The usage line of `command`: `tributary-client NAME ARGS --required VALUE ... [options]`. */
function usageLine(command) {
  const args = (command.args || []).map((a) => (a.optional ? `[${a.name}]` : a.name));
  const required = Object.entries(command.options || {})
    .filter(([, o]) => o.required)
    .map(([name, o]) => `--${name} ${o.value || 'VALUE'}`);
  return ['tributary-client', command.name, ...args, ...required, '[options]'].join(' ');
}

/** The options `command` accepts: its own, the signing ones if it signs, the common ones. */
function optionsOf(command) {
  return { ...(command.options || {}), ...(command.signed ? SIGNING_OPTIONS : {}), ...COMMON_OPTIONS };
}

/** `command`'s help text: usage, what it does, arguments, options with defaults. */
export function commandHelp(command) {
  const lines = [`usage: ${usageLine(command)}`, '', command.summary];
  if (command.description) lines.push('', command.description.trim());
  const col = (left, right) => `  ${left.padEnd(26)} ${right}`;
  if (command.args?.length) {
    lines.push('', 'arguments:');
    for (const a of command.args) lines.push(col(a.name, a.help + (a.optional ? ' (optional)' : '')));
  }
  lines.push('', 'options:');
  for (const [name, o] of Object.entries(optionsOf(command))) {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value || 'VALUE'}` : ''}`;
    const extra = o.required ? ' [required]' : (o.default !== undefined && o.type === 'string' ? ` (default ${o.default})` : '');
    lines.push(col(flag, `${o.help || ''}${extra}`));
  }
  if (command.example) lines.push('', 'example:', `  ${command.example}`);
  return `${lines.join('\n')}\n`;
}

/** The overview: every command with its one-line summary, by group. */
export function overviewHelp(commands) {
  const lines = [
    'usage: tributary-client COMMAND [ARGS] [options]      (tributary-client COMMAND --help for one command)',
    '',
    'Amounts are TRIB with up to 12 decimals (--fee 0.5, --amount 100); --plancks takes and prints whole',
    'plancks instead. Output is JSON on stdout; errors go to stderr. Exit codes: 0 ok, 1 refused by the',
    'chain or failed (nothing sent where the client could tell in advance), 2 wrong command line (nothing sent).',
  ];
  let group = null;
  for (const c of commands) {
    if (c.group !== group) { group = c.group; lines.push('', `${group}:`); }
    lines.push(`  ${c.name.padEnd(29)} ${c.summary}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parses and checks `argv` (after the command name) against `command` with the token
 * `token`: returns `{ values, args }` with every value converted by its kind, or throws a
 * `UsageError`. Runs the command's own `check` last.
 */
export async function parseCommandLine(command, argv, token = DEFAULT_TOKEN) {
  const options = optionsOf(command);
  // `--fee -1`: a value that looks like a negative number goes with its option (parseArgs would
  // call it ambiguous), so the amount check can say what is wrong with it.
  const args0 = [];
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name && options[name]?.type === 'string' && /^-[\d.]/.test(argv[i + 1] || '')) {
      args0.push(`${argv[i]}=${argv[i + 1]}`);
      i += 1;
    } else {
      args0.push(argv[i]);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: args0,
      options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, Object.fromEntries(
        Object.entries({ type: o.type, short: o.short, default: o.default }).filter(([, v]) => v !== undefined),
      )])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const plancks = Boolean(parsed.values.plancks);
  const specs = command.args || [];
  const positionals = parsed.positionals;
  const least = specs.filter((a) => !a.optional).length;
  if (positionals.length < least || positionals.length > specs.length) {
    throw new UsageError(`${command.name} takes ${specs.map((a) => a.name).join(' ') || 'no arguments'}, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  }
  const args = {};
  for (const [i, spec] of specs.entries()) {
    if (positionals[i] !== undefined) args[spec.key || spec.name.toLowerCase()] = await convert(spec.kind, positionals[i], spec.name, token, plancks);
  }
  const values = { ...parsed.values, plancks };
  for (const [name, o] of Object.entries(command.options || {})) {
    if (values[name] === undefined) {
      if (o.required) throw new UsageError(`${command.name} needs --${name} ${o.value || 'VALUE'}`);
      continue;
    }
    if (o.kind) values[name] = await convert(o.kind, values[name], `--${name}`, token, plancks);
  }
  if (command.check) await command.check({ values, args, token, plancks });
  return { values, args };
}

/** The context a command runs in: the API, the token, the signer, amount printing, id checks. */
function context(api, token, line, pair) {
  const { values } = line;
  const amount = (v) => formatAmount(BigInt(v.toString()), { ...token, plancks: values.plancks });
  const need = async (found, message) => { if (!found) throw new ClientError(message); };
  return {
    api,
    token,
    pair,
    values,
    args: line.args,
    amount,
    /** Fails (exit 1, nothing sent) unless dataset `id` exists. */
    requireDataset: async (id) => need((await api.query.datasets.datasets(id)).isSome, `no dataset ${id} on this chain`),
    /** Fails unless model `id` exists. */
    requireModel: async (id) => need((await api.query.models.models(id)).isSome, `no model ${id} on this chain`),
    /** Fails unless `dataset` stores `contribution`. */
    requireContribution: async (dataset, contribution) => {
      await need((await api.query.datasets.datasets(dataset)).isSome, `no dataset ${dataset} on this chain`);
      await need((await api.query.datasets.contributions(dataset, contribution)).isSome,
        `dataset ${dataset} has no contribution ${contribution}`);
    },
  };
}

/** Writes a failed transaction's error (name: docs) to stderr, with the sender's free balance for a funds error. */
async function reportFailure(api, ctx, result) {
  let line = `error: ${result.error}${result.errorDocs ? `: ${result.errorDocs}` : ''}`;
  if (ctx.pair && isFundsError(result.error)) {
    const free = (await api.query.system.account(ctx.pair.address)).data.free;
    line += ` (insufficient balance: ${ctx.pair.address} has ${ctx.amount(free)} free)`;
  }
  process.stderr.write(`${line}\n`);
}

/**
 * Runs the command line `argv` (without `node` and the script) against `commands`; returns the
 * exit code. Usage errors are reported before anything is read from a file or the chain where
 * possible, and before connecting in any case.
 */
export async function runCli(commands, argv) {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const wanted = name === 'help' ? commands.find((c) => c.name === rest[0]) : null;
    process.stdout.write(wanted ? commandHelp(wanted) : overviewHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command '${name}'\n\n${overviewHelp(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  let line;
  let pair = null;
  try {
    line = await parseCommandLine(command, rest);
    if (command.signed) pair = await accountFromOptions(line.values);
  } catch (e) {
    if (e instanceof UsageError || e instanceof AccountError) {
      process.stderr.write(`error: ${e.message}\nusage: ${usageLine(command)}   (tributary-client ${command.name} --help)\n`);
      return 2;
    }
    throw e;
  }
  const api = await connect(line.values.ws, 30000, { failFast: true });
  try {
    const token = await chainToken(api);
    if (token.decimals !== DEFAULT_TOKEN.decimals) {
      try {
        line = await parseCommandLine(command, rest, token);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`error: ${e.message}\n`);
        return 2;
      }
    }
    const ctx = context(api, token, line, pair);
    const result = await command.run(ctx);
    if (result !== undefined) printJson(result);
    if (result && result.ok === false) {
      await reportFailure(api, ctx, result);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof ClientError) {
      if (e.result) printJson(e.result);
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await api.disconnect().catch(() => {});
  }
}
