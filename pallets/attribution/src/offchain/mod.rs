//! The attestor's off-chain worker.
//!
//! On every new best block, on a node whose keystore holds the `attr` key of an active
//! attestor (registered in [`crate::KeyOwners`], bonded in good standing):
//!
//! 1. exits at once if another run still holds the worker's [`StorageLock`];
//! 2. reads at most `MaxWorkerInferences` pending inferences, grouped by the index hash each
//!    was paid against;
//! 3. gets each index once ([`index_store`]: PERSISTENT cache, else an HTTP GET of the
//!    model's `index_uri` bounded by `MaxIndexBytes`, verified against the hash; failures are
//!    logged under target `attribution` with the model, URI and reason, and retried with
//!    back-off);
//! 4. scores every query it has not answered with the engine's `no_std` core ([`scoring`]),
//!    or, for the span indexes that the operator's span service serves, asks that service
//!    ([`span_service`]: text attribution natively, the index never enters the worker);
//!    a run stops scoring after `SCORING_BUDGET_MILLIS`, and a query that gave no result is
//!    scored again only after [`no_result_retry_blocks`];
//! 5. submits its commitments, and in a later block (once reveals are open) its reveals, as
//!    authorized transactions signed by the `attr` key: one `commit_attributions` batch and
//!    one `reveal_attributions` batch per attestor and model of up to `MaxBatch`
//!    inferences each. What it committed (result and salt)
//!    is kept in PERSISTENT storage ([`ledger`]) until the inference settles; a submission
//!    is re-sent only after `SubmissionLongevity` blocks and only if still missing on chain.

pub mod http;
pub mod index_store;
pub mod ledger;
pub mod scoring;
pub mod span_service;

use alloc::vec::Vec;
use frame_system::{offchain::SubmitTransaction, pallet_prelude::BlockNumberFor};
use sp_core::H256;
use sp_runtime::{
	offchain::storage_lock::{BlockAndTime, StorageLock},
	traits::Get,
	RuntimeAppPublic, SaturatedConversion,
};
use tributary_primitives::{attestor::AttestorId, traits::ModelsInspect, ModelId};

use crate::{
	commitment_hash, result_hash, signed_bytes, Call, CommitBatch, Commitments, Config,
	InferenceOf, Inferences, Pallet, RevealBatch, RevealedResult, Reveals, COMMIT_BATCH_DOMAIN,
	ENGINE_VERSION, REVEAL_BATCH_DOMAIN,
};
use ledger::Attestation;

/// The log target of the worker.
pub const LOG_TARGET: &str = "attribution";

const LOCK_KEY: &[u8] = b"tributary/attribution/worker-lock";
/// A run holds the lock at most this many blocks …
const LOCK_BLOCKS: u32 = 10;
/// … or this many milliseconds, whichever is later.
const LOCK_MILLIS: u64 = 60_000;

/// One attestor whose key this node holds.
pub struct LocalAttestor<AccountId> {
	/// Its registered `attr` key.
	pub key: AttestorId,
	/// Its account.
	pub account: AccountId,
}

/// The attestors whose `attr` keys this node's keystore holds, restricted to registered keys
/// of attestors in good standing (the keystore also returns rotated keys).
pub fn local_attestors<T: Config>() -> Vec<LocalAttestor<T::AccountId>> {
	AttestorId::all()
		.into_iter()
		.filter_map(|key| {
			Pallet::<T>::active_attestor(&key).ok().map(|account| LocalAttestor { key, account })
		})
		.collect()
}

/// One run of the worker at block `now`.
pub fn run<T: Config>(now: BlockNumberFor<T>) {
	let attestors = local_attestors::<T>();
	if attestors.is_empty() {
		return;
	}
	let mut lock =
		StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
			LOCK_KEY,
			LOCK_BLOCKS,
			sp_runtime::offchain::Duration::from_millis(LOCK_MILLIS),
		);
	let Ok(_guard) = lock.try_lock() else {
		log::debug!(target: LOG_TARGET, "another worker run is in progress; exiting");
		return;
	};
	let now: u64 = now.saturated_into();
	let started = sp_io::offchain::timestamp();
	let mut pending: Vec<(u64, InferenceOf<T>)> =
		Pallet::<T>::pending_inferences(0, T::MaxWorkerInferences::get())
			.into_iter()
			.filter_map(|p| Inferences::<T>::get(p.inference).map(|i| (p.inference, i)))
			.collect();
	ledger::forget_settled::<T>(&attestors);
	if pending.is_empty() {
		evict_unused::<T>(&[]);
		return;
	}
	pending.sort_by(|a, b| a.1.index_hash.cmp(&b.1.index_hash).then(a.0.cmp(&b.0)));
	let in_use: Vec<H256> = {
		let mut v: Vec<H256> = pending.iter().map(|(_, i)| i.index_hash).collect();
		v.dedup();
		v
	};
	let mut span = SpanLookup::default();
	let mut start = 0;
	while start < pending.len() {
		let hash = pending[start].1.index_hash;
		let end = pending[start..]
			.iter()
			.position(|(_, i)| i.index_hash != hash)
			.map_or(pending.len(), |n| start + n);
		attest_group::<T>(&attestors, hash, &pending[start..end], now, &mut span, &started);
		start = end;
	}
	evict_unused::<T>(&in_use);
	let took = sp_io::offchain::timestamp().diff(&started).millis();
	log::info!(
		target: LOG_TARGET,
		"worker run at block {now}: {} pending inferences looked at in {took} ms",
		pending.len()
	);
}

/// How long a run may spend scoring (from its start): the rest waits for the next run, so
/// a run ends well within its lock's `LOCK_MILLIS` and no two runs score the same inference.
const SCORING_BUDGET_MILLIS: u64 = 30_000;
/// An inference whose query gave no result is scored again after this many blocks: an
/// eighth of `AttributionTimeout`, between 2 and 16 blocks (12 in the runtime).
pub fn no_result_retry_blocks<T: Config>() -> u64 {
	let timeout: u64 = T::AttributionTimeout::get().saturated_into();
	(timeout / 8).clamp(2, 16)
}

/// The span service's URL and the index hashes it serves, asked at most once per run and
/// only when a group has something to commit.
#[derive(Default)]
struct SpanLookup {
	listed: Option<Option<(alloc::string::String, Vec<H256>)>>,
}

impl SpanLookup {
	/// The service's URL if it serves the index `hash`.
	fn serving(&mut self, hash: &H256) -> Option<&str> {
		let listed = self.listed.get_or_insert_with(|| {
			let url = span_service::configured()?;
			match span_service::served(&url) {
				Ok(served) => Some((url, served)),
				Err(e) => {
					log::warn!(target: LOG_TARGET, "span service {url}: cannot list its indexes: {e}");
					None
				}
			}
		});
		listed.as_ref().filter(|(_, served)| served.contains(hash)).map(|(url, _)| url.as_str())
	}
}

/// Where the results of one group come from.
enum Source<'a> {
	/// The engine's `no_std` core, on the index fetched into the worker.
	Engine(scoring::Scorer<'a>),
	/// The operator's span service at this URL.
	SpanService(&'a str),
}

/// What each local attestor still has to do for one inference.
enum Step {
	/// Nothing: done, in flight, conflicted, or waiting for reveals to open.
	Wait,
	/// Score and commit.
	Commit,
	/// Reveal what was committed.
	Reveal(Attestation),
}

fn step<T: Config>(
	attestor: &LocalAttestor<T::AccountId>,
	inference: u64,
	pending: &InferenceOf<T>,
	owner: Option<&T::AccountId>,
	now: u64,
) -> Step {
	if attestor.account == pending.payer || owner == Some(&attestor.account) {
		return Step::Wait;
	}
	let longevity = T::SubmissionLongevity::get();
	let commitments = Commitments::<T>::get(inference);
	let committed = commitments.iter().any(|(who, _)| who == &attestor.account);
	let record = ledger::get(&attestor.key, inference);
	if !committed {
		let in_flight = record.as_ref().is_some_and(|r| r.commit_in_flight(now, longevity));
		let no_result = ledger::no_result_until(inference).is_some_and(|retry_at| now < retry_at);
		return if in_flight || no_result { Step::Wait } else { Step::Commit };
	}
	if Reveals::<T>::get(inference).iter().any(|(who, _)| who == &attestor.account) {
		return Step::Wait;
	}
	if !Pallet::<T>::reveals_open(pending, commitments.len() as u32) {
		return Step::Wait;
	}
	match record {
		Some(r) if r.reveal_sent_at.map_or(true, |at| now >= at.saturating_add(longevity)) => {
			Step::Reveal(r)
		}
		Some(_) => Step::Wait,
		None => {
			log::warn!(
				target: LOG_TARGET,
				"inference {inference}: committed on chain but this node lost the commitment's salt; cannot reveal"
			);
			Step::Wait
		}
	}
}

/// Attests the inferences paid against index `hash`: fetches the index only if some local
/// attestor has something to commit, unless the span service serves it.
fn attest_group<T: Config>(
	attestors: &[LocalAttestor<T::AccountId>],
	hash: H256,
	group: &[(u64, InferenceOf<T>)],
	now: u64,
	span: &mut SpanLookup,
	started: &sp_runtime::offchain::Timestamp,
) {
	let model: ModelId = group[0].1.model;
	let terms = T::Models::model(model);
	let owner = terms.as_ref().map(|t| t.owner.clone());
	let mut commits: Vec<(usize, u64)> = Vec::new();
	let mut reveals: Vec<(usize, u64, Attestation)> = Vec::new();
	for (inference, pending) in group {
		for (a, attestor) in attestors.iter().enumerate() {
			match step::<T>(attestor, *inference, pending, owner.as_ref(), now) {
				Step::Wait => {}
				Step::Commit => commits.push((a, *inference)),
				Step::Reveal(record) => reveals.push((a, *inference, record)),
			}
		}
	}
	reveal_batches::<T>(attestors, model, reveals, now);
	if commits.is_empty() {
		return;
	}
	let Some(terms) = terms else { return };
	let bytes;
	let source = match span.serving(&hash) {
		Some(url) => Source::SpanService(url),
		None => {
			bytes = match index_store::load(
				model,
				&hash,
				&terms.index_uri,
				T::MaxIndexBytes::get(),
				now,
			) {
				Ok(bytes) => bytes,
				Err(index_store::IndexError::BackingOff { retry_at }) => {
					log::debug!(target: LOG_TARGET, "model {model}: index {hash:?} unavailable, next try at block {retry_at}");
					return;
				}
				Err(e) => {
					log::error!(
						target: LOG_TARGET,
						"model {model}: cannot use index {hash:?} at {}: {}",
						core::str::from_utf8(&terms.index_uri).unwrap_or("<non-UTF-8 URI>"),
						describe(&e),
					);
					return;
				}
			};
			match scoring::Scorer::new(&bytes, &scoring::limits(T::MaxIndexBytes::get())) {
				Ok(s) => Source::Engine(s),
				Err(e) => {
					log::error!(target: LOG_TARGET, "model {model}: index {hash:?} is not usable: {e:?}");
					return;
				}
			}
		}
	};
	let max_entries = T::MaxAttributedContributions::get();
	let longevity = T::SubmissionLongevity::get();
	let mut committed: Vec<(usize, u64, H256)> = Vec::new();
	for (inference, pending) in group {
		if !commits.iter().any(|(_, i)| i == inference) {
			continue;
		}
		if sp_io::offchain::timestamp().diff(started).millis() > SCORING_BUDGET_MILLIS {
			log::info!(target: LOG_TARGET, "scoring budget of this run spent; inference {inference} and later wait for the next run");
			break;
		}
		let scores = match &source {
			Source::Engine(scorer) => {
				scorer.result(&pending.query, max_entries).map_err(|e| alloc::format!("{e:?}"))
			}
			Source::SpanService(url) => {
				span_service::attribute(url, &hash, &pending.query, max_entries)
					.map_err(|e| alloc::format!("span service {url}: {e}"))
			}
		};
		let scores: crate::Scores = match scores {
			Ok(s) => s,
			Err(e) => {
				let retry_at = now.saturating_add(no_result_retry_blocks::<T>());
				log::warn!(target: LOG_TARGET, "inference {inference}: no result to attest: {e}; next try at block {retry_at}");
				ledger::note_no_result(*inference, retry_at);
				continue;
			}
		};
		for (a, _) in commits.iter().filter(|(_, i)| i == inference) {
			// A run that overlapped this one may have committed meanwhile: its salt stays.
			let record = ledger::get(&attestors[*a].key, *inference);
			if record.is_some_and(|r| r.commit_in_flight(now, longevity)) {
				continue;
			}
			let commitment =
				commitment::<T>(&attestors[*a], *inference, pending, scores.clone(), now);
			committed.push((*a, *inference, commitment));
		}
	}
	commit_batches::<T>(attestors, committed);
}

fn describe(e: &index_store::IndexError) -> alloc::string::String {
	use alloc::format;
	match e {
		index_store::IndexError::BackingOff { retry_at } => {
			format!("backing off until block {retry_at}")
		}
		index_store::IndexError::Fetch(f) => format!("fetch failed: {f}"),
		index_store::IndexError::HashMismatch { got } => {
			format!("the bytes served hash to {got:?}, not to the registered index hash")
		}
		index_store::IndexError::SpanIndex => alloc::string::String::from(
			"it is a span (text) index: run `tributary attribution serve --index FILE` with it and start the node with --attribution-span-service",
		),
	}
}

/// Remembers a fresh salt and the result for `inference` and returns the commitment to it.
fn commitment<T: Config>(
	attestor: &LocalAttestor<T::AccountId>,
	inference: u64,
	pending: &InferenceOf<T>,
	scores: crate::Scores,
	now: u64,
) -> H256 {
	let salt = sp_io::offchain::random_seed();
	let result = result_hash(ENGINE_VERSION, inference, &pending.index_hash, &scores);
	// Remember the salt before anything leaves the node: a commitment without it can never
	// be revealed.
	ledger::put(
		&attestor.key,
		inference,
		&Attestation { salt, scores, commit_sent_at: now, reveal_sent_at: None },
	);
	commitment_hash(&result, &attestor.account, &salt)
}

/// The items of local attestor `a`, in chunks of at most `MaxBatch` (the items come in
/// increasing inference order, as a batch needs them).
fn chunks_of<T: Config, I: Clone>(items: &[(usize, I)], a: usize) -> Vec<Vec<I>> {
	let mine: Vec<I> = items.iter().filter(|(i, _)| *i == a).map(|(_, x)| x.clone()).collect();
	mine.chunks(T::MaxBatch::get().max(1) as usize).map(|c| c.to_vec()).collect()
}

/// Submits each local attestor's commitments as batches.
fn commit_batches<T: Config>(
	attestors: &[LocalAttestor<T::AccountId>],
	committed: Vec<(usize, u64, H256)>,
) {
	let items: Vec<(usize, (u64, H256))> =
		committed.into_iter().map(|(a, id, c)| (a, (id, c))).collect();
	for (a, attestor) in attestors.iter().enumerate() {
		for commitments in chunks_of::<T, _>(&items, a) {
			let ids: Vec<u64> = commitments.iter().map(|(id, _)| *id).collect();
			let batch = CommitBatch { key: attestor.key.clone(), commitments };
			let message = signed_bytes(COMMIT_BATCH_DOMAIN, &Pallet::<T>::genesis_hash(), &batch);
			let Some(signature) = attestor.key.sign(&message) else {
				log::error!(target: LOG_TARGET, "the keystore cannot sign with attr key {:?}", attestor.key);
				return;
			};
			submit::<T>(Call::commit_attributions { batch, signature }, "commitments", &ids);
		}
	}
}

/// Submits each local attestor's reveals of inferences of `model` as batches, noting when
/// each was sent.
fn reveal_batches<T: Config>(
	attestors: &[LocalAttestor<T::AccountId>],
	model: ModelId,
	reveals: Vec<(usize, u64, Attestation)>,
	now: u64,
) {
	let items: Vec<(usize, (u64, Attestation))> =
		reveals.into_iter().map(|(a, id, r)| (a, (id, r))).collect();
	for (a, attestor) in attestors.iter().enumerate() {
		for records in chunks_of::<T, _>(&items, a) {
			let ids: Vec<u64> = records.iter().map(|(id, _)| *id).collect();
			let reveals = records
				.iter()
				.map(|(inference, r)| RevealedResult {
					inference: *inference,
					salt: r.salt,
					scores: r.scores.clone(),
				})
				.collect();
			let batch = RevealBatch { key: attestor.key.clone(), model, reveals };
			let message = signed_bytes(REVEAL_BATCH_DOMAIN, &Pallet::<T>::genesis_hash(), &batch);
			let Some(signature) = attestor.key.sign(&message) else {
				log::error!(target: LOG_TARGET, "the keystore cannot sign with attr key {:?}", attestor.key);
				return;
			};
			for (inference, mut record) in records {
				record.reveal_sent_at = Some(now);
				ledger::put(&attestor.key, inference, &record);
			}
			submit::<T>(Call::reveal_attributions { batch, signature }, "reveals", &ids);
		}
	}
}

fn submit<T: Config>(call: Call<T>, what: &str, inferences: &[u64]) {
	let xt = T::create_authorized_transaction(call.into());
	match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
		Ok(()) => log::info!(target: LOG_TARGET, "inferences {inferences:?}: {what} submitted"),
		Err(()) => {
			log::warn!(target: LOG_TARGET, "inferences {inferences:?}: the pool refused the {what}")
		}
	}
}

/// Evicts cached indices that no pending inference uses and that are no longer their
/// model's current index.
fn evict_unused<T: Config>(in_use: &[H256]) {
	for (hash, model) in index_store::cached_list() {
		let current = T::Models::model(model).map(|t| t.index_hash);
		if !in_use.contains(&hash) && current != Some(hash) {
			index_store::evict(&hash);
		}
	}
}
