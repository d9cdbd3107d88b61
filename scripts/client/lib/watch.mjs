// Following one inference through attestation: commitments, reveals, settlement.

/** Attribution events that name `inference` (their first field), as `{ block, method, data }`. */
function inferenceEvents(records, inference, block) {
  const out = [];
  for (const { event } of records) {
    if (event.section !== 'attribution') continue;
    const data = event.data.toJSON();
    if (Number(data[0]) !== Number(inference)) continue;
    out.push({ block, method: event.method, data });
  }
  return out;
}

/**
 * Calls `onEvent(event)` for each attribution event of `inference` in every new best block,
 * from now on, until the inference is settled (`InferenceSettled`) or `timeoutMs` passes.
 * Resolves with all the events seen; rejects on time-out.
 */
export function watchInference(api, inference, { onEvent = () => {}, timeoutMs = 120000 } = {}) {
  return new Promise((resolve, reject) => {
    const seen = [];
    let unsub = null;
    let done = false;
    const finish = (fn, arg) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (unsub) unsub();
      fn(arg);
    };
    const timer = setTimeout(
      () => finish(reject, new Error(`inference ${inference} not settled within ${timeoutMs} ms`)),
      timeoutMs,
    );
    api.rpc.chain.subscribeNewHeads(async (header) => {
      try {
        const at = await api.at(header.hash);
        const records = await at.query.system.events();
        for (const e of inferenceEvents(records, inference, header.number.toNumber())) {
          seen.push(e);
          onEvent(e);
          if (e.method === 'InferenceSettled') finish(resolve, seen);
        }
      } catch (e) {
        finish(reject, e);
      }
    }).then((u) => { unsub = u; if (done) u(); }, (e) => finish(reject, e));
  });
}
