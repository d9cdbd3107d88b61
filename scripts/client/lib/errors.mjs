// Errors as the client reports them: dispatch errors named `pallet.Error` with the doc line
// from the chain's metadata, transaction-pool refusals in plain words, and the two exit
// codes (1: the chain refused or something failed; 2: the command line was wrong).

/** A wrong command line (unknown option, missing argument, bad amount): exit code 2. */
export class UsageError extends Error {
  constructor(message) { super(message); this.exitCode = 2; }
}

/** A failure the user should read (unknown id, refused transaction, no funds): exit code 1. */
export class ClientError extends Error {
  constructor(message, { result = null } = {}) { super(message); this.exitCode = 1; this.result = result; }
}

// Docs of the `sp_runtime` error enums that are not pallet errors (not in the metadata).
const TOKEN_DOCS = {
  FundsUnavailable: 'Funds are unavailable (the free balance is too low).',
  OnlyProvider: 'Some part of the balance gives the only provider reference to the account and thus cannot be (re)moved.',
  BelowMinimum: 'Account cannot exist with the funds that would be given.',
  CannotCreate: 'Account cannot be created.',
  UnknownAsset: 'The asset in question is unknown.',
  Frozen: 'Funds exist but are frozen.',
  Unsupported: 'Operation is not supported by the asset.',
  CannotCreateHold: 'Account cannot be created for recording amount on hold.',
  NotExpendable: 'Account that is desired to remain would die.',
  Blocked: 'Account cannot receive the assets.',
};
const ARITHMETIC_DOCS = {
  Underflow: 'An underflow would occur.',
  Overflow: 'An overflow would occur.',
  DivisionByZero: 'Division by zero.',
};

/**
 * A dispatch error as `{ name, docs }`: `name` is `pallet.Error` (e.g.
 * `datasets.DuplicateContent`) for module errors, `token.FundsUnavailable` /
 * `arithmetic.Overflow` for the runtime's own, else the error's text; `docs` is its doc line.
 */
export function dispatchErrorInfo(api, dispatchError) {
  if (dispatchError.isModule) {
    const meta = api.registry.findMetaError(dispatchError.asModule);
    return { name: `${meta.section}.${meta.name}`, docs: meta.docs.join(' ').trim() };
  }
  if (dispatchError.isToken) {
    const name = dispatchError.asToken.type;
    return { name: `token.${name}`, docs: TOKEN_DOCS[name] || '' };
  }
  if (dispatchError.isArithmetic) {
    const name = dispatchError.asArithmetic.type;
    return { name: `arithmetic.${name}`, docs: ARITHMETIC_DOCS[name] || '' };
  }
  if (dispatchError.isBadOrigin) return { name: 'BadOrigin', docs: 'The call needs another origin (e.g. root).' };
  return { name: dispatchError.toString(), docs: '' };
}

/** A dispatch error as one line: `datasets.DuplicateContent: This content hash is already registered ...`. */
export function describeDispatchError(api, dispatchError) {
  const { name, docs } = dispatchErrorInfo(api, dispatchError);
  return docs ? `${name}: ${docs}` : name;
}

/** Whether `dispatchError` means the account's free balance was too low (for the hint). */
export function isFundsError(name) {
  return /InsufficientBalance|FundsUnavailable|token\.BelowMinimum|NotExpendable/.test(name);
}

/**
 * A transaction the node's pool refused (the promise of `signAndSend` rejected) as a
 * `ClientError` in plain words; `address` is the sender. The node's codes: 1010 invalid
 * transaction (e.g. "Inability to pay some fees"), 1014 priority too low (a duplicate).
 */
export function poolRefusal(error, address) {
  const text = String(error?.message || error);
  if (/Inability to pay some fees|balance too low/i.test(text)) {
    return new ClientError(
      `insufficient balance: ${address} cannot pay the transaction fee; nothing was sent `
      + `(the node refused it: ${text.replace(/^.*?Invalid Transaction: /, '')})`,
    );
  }
  if (/1014|Priority is too low/i.test(text)) {
    return new ClientError(`the node refused the transaction: another one of ${address} with the same nonce is pending (${text})`);
  }
  return new ClientError(`the node refused the transaction of ${address}: ${text}`);
}
