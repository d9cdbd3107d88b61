//! Batched attestation: one authorized transaction carries an attestor's commitments, or its
//! reveals for one model, for up to `MaxBatch` pending inferences, signed once.
//!
//! A batch costs one extrinsic, one signature check and the attestor's reads once, instead of
//! one of each per inference; its settlements pay each recipient (account or staking pool)
//! once for all its inferences and read each contribution of the model's snapshot once, and
//! its weight says so (see [`Pallet::reveal_batch_weight`]). The rules are those of the
//! single calls, item by item:
//!
//! - the batch itself must be well formed (1 to `MaxBatch` items, strictly increasing
//!   inference ids), its key registered to an attestor in good standing and its signature
//!   valid, or the whole transaction is invalid;
//! - each item is checked as [`Pallet::commit_attribution`] / [`Pallet::reveal_attribution`]
//!   would check it. The transaction is valid while at least one item is (so a batch does
//!   not go stale because one of its inferences settled meanwhile); at dispatch, items that
//!   fail are skipped without any change and reported in `AttestationsSkipped`, and the
//!   others apply. The pool knows the batch by one `provides` tag per valid item, the same
//!   tags as the single calls, so a batch and a single call for the same (attestor,
//!   inference) never both enter the pool, and a batch whose items have all been applied can
//!   never be included again.

use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	pallet_prelude::{TransactionSource, Weight},
	storage::with_storage_layer,
	traits::Get,
};
use sp_runtime::{
	transaction_validity::{TransactionValidityError, TransactionValidityWithRefund},
	DispatchError, RuntimeAppPublic,
};
use tributary_primitives::{attestor::AttestorSignature, ContributionRef, InferenceId};

use crate::{
	payments::Payments, signed_bytes, snapshot::SnapshotCache, CommitBatch, Commitment, Config,
	Error, Event, Inferences, Pallet, Reveal, RevealBatch, WeightInfo, COMMIT_BATCH_DOMAIN,
	REVEAL_BATCH_DOMAIN,
};

/// The number of datasets the settling-batch benchmark spreads its contributions over (the
/// most a model may be trained on in the runtime); a batch spanning more is charged for each
/// extra one.
pub const BENCHMARKED_DATASETS: u32 = 16;

impl<T: Config> Pallet<T> {
	/// The batch's own rules: 1 to `MaxBatch` items with strictly increasing inference ids.
	fn check_batch_shape(ids: impl ExactSizeIterator<Item = InferenceId>) -> Result<(), Error<T>> {
		let len = ids.len() as u64;
		ensure!(len >= 1 && len <= T::MaxBatch::get() as u64, Error::<T>::BadBatch);
		let mut previous: Option<InferenceId> = None;
		for id in ids {
			ensure!(previous.map_or(true, |p| p < id), Error::<T>::BadBatch);
			previous = Some(id);
		}
		Ok(())
	}

	/// The pool's view of a batch whose items `valid` are valid (at least one), or the error
	/// of its first item.
	fn valid_batch(
		kind: &'static [u8],
		attestor: &T::AccountId,
		valid: &[InferenceId],
		first_error: Option<Error<T>>,
	) -> Result<sp_runtime::transaction_validity::ValidTransaction, TransactionValidityError> {
		if valid.is_empty() {
			return Err(Self::invalid(first_error.unwrap_or(Error::<T>::BadBatch)));
		}
		Ok(Self::valid_for(kind, attestor, valid))
	}

	/// Authorizes `commit_attributions`: a well-formed batch, a registered key of an attestor
	/// in good standing, a valid signature, and at least one commitment that
	/// `commit_attribution` would accept.
	pub fn authorize_commit_batch(
		_source: TransactionSource,
		batch: &CommitBatch,
		signature: &AttestorSignature,
	) -> TransactionValidityWithRefund {
		Self::check_batch_shape(batch.commitments.iter().map(|(id, _)| *id))
			.map_err(Self::invalid)?;
		let attestor = Self::active_attestor(&batch.key).map_err(Self::invalid)?;
		let message = signed_bytes(COMMIT_BATCH_DOMAIN, &Self::genesis_hash(), batch);
		if !batch.key.verify(&message, signature) {
			return Err(Self::invalid(Error::<T>::BadSignature));
		}
		let mut valid = Vec::new();
		let mut first_error = None;
		for (inference, commitment) in &batch.commitments {
			let item = Commitment {
				inference: *inference,
				key: batch.key.clone(),
				commitment: *commitment,
			};
			match Self::check_commit(&item, None) {
				Ok(_) => valid.push(*inference),
				Err(e) => {
					first_error.get_or_insert(e);
				}
			}
		}
		let tx = Self::valid_batch(b"commit", &attestor, &valid, first_error)?;
		Ok((tx, Weight::zero()))
	}

	/// Authorizes `reveal_attributions`: a well-formed batch, a registered key of an attestor
	/// in good standing, a valid signature, and at least one reveal that `reveal_attribution`
	/// would accept for an inference of the batch's model.
	pub fn authorize_reveal_batch(
		_source: TransactionSource,
		batch: &RevealBatch,
		signature: &AttestorSignature,
	) -> TransactionValidityWithRefund {
		Self::check_batch_shape(batch.reveals.iter().map(|r| r.inference))
			.map_err(Self::invalid)?;
		let attestor = Self::active_attestor(&batch.key).map_err(Self::invalid)?;
		let message = signed_bytes(REVEAL_BATCH_DOMAIN, &Self::genesis_hash(), batch);
		if !batch.key.verify(&message, signature) {
			return Err(Self::invalid(Error::<T>::BadSignature));
		}
		let mut valid = Vec::new();
		let mut first_error = None;
		for item in &batch.reveals {
			let reveal = Reveal {
				inference: item.inference,
				key: batch.key.clone(),
				salt: item.salt,
				scores: item.scores.clone(),
			};
			let checked = Self::check_reveal(&reveal, None).and_then(|context| {
				ensure!(context.model() == batch.model, Error::<T>::NotBatchModel);
				Ok(())
			});
			match checked {
				Ok(()) => valid.push(item.inference),
				Err(e) => {
					first_error.get_or_insert(e);
				}
			}
		}
		let tx = Self::valid_batch(b"reveal", &attestor, &valid, first_error)?;
		Ok((tx, Weight::zero()))
	}

	/// Records the commitments of an authorized batch; items that fail are skipped and
	/// reported.
	pub(crate) fn do_commit_batch(batch: CommitBatch) -> DispatchResultWithPostInfo {
		Self::check_batch_shape(batch.commitments.iter().map(|(id, _)| *id))?;
		let attestor = Self::active_attestor(&batch.key)?;
		let mut skipped = Vec::new();
		for (inference, commitment) in batch.commitments {
			let item = Commitment { inference, key: batch.key.clone(), commitment };
			if let Err(e) = with_storage_layer(|| Self::do_commit(item)) {
				skipped.push((inference, e));
			}
		}
		Self::report_skipped(attestor, skipped);
		// Every item did its reads: the benchmarked weight stands.
		Ok(().into())
	}

	/// Records the reveals of an authorized batch, settling each inference whose quorum a
	/// reveal completes; items that fail are skipped and reported. The weight charged is
	/// what the items needed: settling and skipped items as settlements (with the dissenters
	/// slashed), the others as recorded reveals.
	pub(crate) fn do_reveal_batch(batch: RevealBatch) -> DispatchResultWithPostInfo {
		Self::check_batch_shape(batch.reveals.iter().map(|r| r.inference))?;
		let attestor = Self::active_attestor(&batch.key)?;
		let (contributions, datasets) = Self::distinct_scored(&batch);
		let items = batch.reveals.len() as u32;
		let mut settled = 0u32;
		// The other attestors the settlements slashed or paid beyond the benchmarked ones.
		let mut others = 0u32;
		let mut skipped = Vec::new();
		// The settlements' payments, made once per recipient after the last item; the
		// snapshot entries of the batch's model, read once per contribution.
		let mut payments = Payments::<T>::default();
		let mut snapshot = SnapshotCache::<T>::default();
		for item in batch.reveals {
			let inference = item.inference;
			let reveal =
				Reveal { inference, key: batch.key.clone(), salt: item.salt, scores: item.scores };
			// An item's bookings count only if the item applied.
			payments.begin();
			let outcome = with_storage_layer(|| {
				let pending =
					Inferences::<T>::get(inference).ok_or(Error::<T>::UnknownInference)?;
				ensure!(pending.model == batch.model, Error::<T>::NotBatchModel);
				Self::do_reveal(reveal, &mut payments, &mut snapshot)
			});
			match outcome {
				Ok(Some(settlement)) => {
					payments.commit();
					settled += 1;
					others = others.saturating_add(settlement.beyond_batch_benchmark::<T>());
				}
				Ok(None) => payments.commit(),
				Err(e) => {
					payments.rollback();
					skipped.push((inference, e))
				}
			}
		}
		payments.make();
		// A skipped item may have failed late (a contribution that is not the model's, after
		// reading the others): it is charged as a settlement.
		let charged = settled.saturating_add(skipped.len() as u32);
		Self::report_skipped(attestor, skipped);
		let recorded = T::WeightInfo::reveal_attributions_pending(items.saturating_sub(charged));
		let actual = if charged == 0 {
			recorded.saturating_add(Self::distinct_contributions_weight(contributions))
		} else {
			Self::settling_weight(charged, contributions, datasets)
				.saturating_add(recorded)
				.saturating_add(T::WeightInfo::dissent(others))
		};
		Ok(Some(actual).into())
	}

	/// What `contributions` distinct contributions in a batch's results cost beyond the
	/// benchmarked batches' `MaxAttributedContributions` (each read from the snapshot once),
	/// at the single reveal's cost per contribution.
	fn distinct_contributions_weight(contributions: u32) -> Weight {
		let s = T::MaxAttributedContributions::get();
		let single = |c: u32| T::WeightInfo::reveal_attribution(c, BENCHMARKED_DATASETS);
		single(contributions.max(s)).saturating_sub(single(s))
	}

	fn report_skipped(attestor: T::AccountId, skipped: Vec<(InferenceId, DispatchError)>) {
		if !skipped.is_empty() {
			Self::deposit_event(Event::AttestationsSkipped { attestor, skipped });
		}
	}

	/// The distinct contributions and the distinct datasets the batch's results name.
	fn distinct_scored(batch: &RevealBatch) -> (u32, u32) {
		let mut refs: Vec<ContributionRef> =
			batch.reveals.iter().flat_map(|r| r.scores.iter().map(|(c, _)| *c)).collect();
		refs.sort_unstable();
		refs.dedup();
		let datasets = refs.windows(2).filter(|w| w[0].dataset != w[1].dataset).count() as u32
			+ u32::from(!refs.is_empty());
		(refs.len() as u32, datasets)
	}

	/// The weight of `settled` settling reveals of one model whose results name
	/// `contributions` distinct contributions over `datasets` distinct datasets: the
	/// benchmarked batch (its results all name the same `MaxAttributedContributions`
	/// contributions over [`BENCHMARKED_DATASETS`] datasets, each with its own developer and
	/// attestors, none with dissenters; the batch pays each staking pool, the model owner and
	/// the protocol once), plus, for every
	/// further distinct contribution and dataset, what one costs in the single reveal's
	/// benchmark. Dissent is charged apart ([`WeightInfo::dissent`]).
	pub fn settling_weight(settled: u32, contributions: u32, datasets: u32) -> Weight {
		let s = T::MaxAttributedContributions::get();
		let d = BENCHMARKED_DATASETS;
		let single = |c: u32, k: u32| T::WeightInfo::reveal_attribution(c, k);
		let more_datasets = single(s, datasets.max(d)).saturating_sub(single(s, d));
		T::WeightInfo::reveal_attributions(settled)
			.saturating_add(Self::distinct_contributions_weight(contributions))
			.saturating_add(more_datasets)
	}

	/// The weight charged before dispatch for `reveal_attributions`: every item a settlement
	/// with every other attestor rewarded or slashed beyond the benchmarked quorum (the
	/// dispatch charges what happened).
	/// A batch that breaks the size bounds weighs more than any block (the pool rejects it).
	pub fn reveal_batch_weight(batch: &RevealBatch) -> Weight {
		let max_scores = T::MaxAttributedContributions::get() as usize;
		if batch.reveals.len() > T::MaxBatch::get() as usize
			|| batch.reveals.iter().any(|r| r.scores.len() > max_scores)
		{
			return Weight::MAX;
		}
		let (contributions, datasets) = Self::distinct_scored(batch);
		let items = batch.reveals.len() as u32;
		// At most every other attestor of each inference dissents.
		let dissenters = items.saturating_mul(T::MaxAttestors::get().saturating_sub(1));
		Self::settling_weight(items, contributions, datasets)
			.saturating_add(T::WeightInfo::dissent(dissenters))
	}
}
