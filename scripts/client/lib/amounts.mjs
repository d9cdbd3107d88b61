// Token amounts: parsing what a user types ("1.25") into plancks and printing plancks as
// "1.25 TRIB". Amounts are BigInts of plancks throughout; no floating point anywhere.

/**
 * The token of the runtime when the chain does not say (`runtime/src/lib.rs`: one TRIB is
 * 10^12 plancks; `node/src/chain_spec.rs` puts the same into the chain's properties).
 */
export const DEFAULT_TOKEN = Object.freeze({ decimals: 12, symbol: 'TRIB' });

/** A malformed amount: the client reports it as a usage error (exit code 2). */
export class AmountError extends Error {}

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;
const PLANCKS = /^\d+$/;

/**
 * Parses `text`, an amount in whole tokens with up to `decimals` decimals ("100", "0.5",
 * "1.035", "1_000.5" is not accepted), into plancks (BigInt). With `plancks` true `text` must
 * be a plain integer of plancks instead. Throws `AmountError` naming `what` (e.g. "--fee")
 * for anything else: signs, exponents, several dots, letters, too many decimals, or empty.
 */
export function parseAmount(text, { decimals = DEFAULT_TOKEN.decimals, plancks = false, what = 'amount', symbol = DEFAULT_TOKEN.symbol } = {}) {
  const raw = typeof text === 'string' ? text.trim() : '';
  if (plancks) {
    if (!PLANCKS.test(raw)) {
      throw new AmountError(`${what} '${text ?? ''}' is not a whole number of plancks (e.g. 1500000000000)`);
    }
    return BigInt(raw);
  }
  if (raw.startsWith('-')) throw new AmountError(`${what} '${text}' is negative; amounts are 0 or more ${symbol}`);
  const m = DECIMAL.exec(raw);
  if (!m || (m[2] === '' && raw.endsWith('.'))) {
    throw new AmountError(
      `${what} '${text ?? ''}' is not an amount of ${symbol}: digits with an optional decimal point, e.g. 100, 0.5 or 1.035`,
    );
  }
  const fraction = m[2] || '';
  if (fraction.length > decimals) {
    throw new AmountError(`${what} '${text}' has ${fraction.length} decimals; ${symbol} has ${decimals}`);
  }
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/**
 * Formats `plancks` (BigInt, number or decimal string) as whole tokens without trailing
 * zeros and with the symbol: 1035000000000n → "1.035 TRIB", 0n → "0 TRIB". With `plancks`
 * true it returns the plain decimal number of plancks ("1035000000000") instead.
 */
export function formatAmount(value, { decimals = DEFAULT_TOKEN.decimals, symbol = DEFAULT_TOKEN.symbol, plancks = false } = {}) {
  const n = BigInt(value);
  if (plancks) return n.toString();
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const unit = 10n ** BigInt(decimals);
  const whole = abs / unit;
  const fraction = (abs % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''} ${symbol}`;
}

/**
 * The chain's token (`{ decimals, symbol }`) from its properties (`system_properties`:
 * `tokenDecimals`, `tokenSymbol`), each falling back to `DEFAULT_TOKEN`.
 */
export async function chainToken(api) {
  const props = await api.rpc.system.properties();
  const decimals = props.tokenDecimals.isSome ? props.tokenDecimals.unwrap()[0]?.toNumber() : undefined;
  const symbol = props.tokenSymbol.isSome ? props.tokenSymbol.unwrap()[0]?.toString() : undefined;
  return {
    decimals: Number.isInteger(decimals) ? decimals : DEFAULT_TOKEN.decimals,
    symbol: symbol || DEFAULT_TOKEN.symbol,
  };
}
