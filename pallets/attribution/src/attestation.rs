//! Commit and reveal: the checks shared by the authorization (transaction pool and block
//! import) and the dispatch of the attestors' two calls, and the quorum.
//!
//! Both calls are *authorized* transactions: `frame_system::AuthorizeCall` runs
//! [`Pallet::authorize_commit`] / [`Pallet::authorize_reveal`] instead of a signature check,
//! fee and nonce. They are cheap and bounded (a handful of storage reads, one sr25519
//! verification) and reject anything the dispatch would reject for the same state, so an
//! invalid submission never reaches a block. The dispatchables run the same state checks
//! again (the state may have changed between the pool and the block); the signature is not
//! verified twice: `AuthorizeCall` runs the authorization again when the transaction is
//! applied, right before the dispatch, and the `Authorized` origin exists only after it passed.

use crate::{payments::Payments, snapshot::SnapshotCache};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::{DispatchResult, TransactionSource, Weight},
	traits::Get,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
	transaction_validity::{
		InvalidTransaction, TransactionValidityError, TransactionValidityWithRefund,
		ValidTransaction,
	},
	DispatchError, RuntimeAppPublic,
};
use tributary_primitives::{
	attestor::AttestorSignature,
	traits::{ModelsInspect, StakingHooks},
	ContributionRef, InferenceId,
};

use crate::{
	commitment_hash, result_hash, signed_bytes, AttestationsOf, BalanceOf, Commitment, Commitments,
	Config, Error, Event, InferenceOf, Inferences, KeyOwners, Pallet, Quorum, Reveal, Reveals,
	WeightInfo, COMMIT_DOMAIN, ENGINE_VERSION, REVEAL_DOMAIN,
};

/// What a valid commitment is about: the attestor's account and the pending inference.
pub(crate) struct CommitContext<T: Config> {
	attestor: T::AccountId,
	commitments: AttestationsOf<T>,
}

/// What a valid reveal is about.
pub(crate) struct RevealContext<T: Config> {
	attestor: T::AccountId,
	pending: InferenceOf<T>,
	result: H256,
	reveals: AttestationsOf<T>,
}

impl<T: Config> RevealContext<T> {
	/// The model the revealed inference was paid for.
	pub(crate) fn model(&self) -> tributary_primitives::ModelId {
		self.pending.model
	}
}

impl<T: Config> Pallet<T> {
	/// The genesis hash, bound into every signed attestation payload against replay on
	/// another chain.
	pub fn genesis_hash() -> H256 {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		H256::from_slice(hash.as_ref())
	}

	/// The attestor account of `key`, if the key is registered and its account is an
	/// attestor in good standing.
	pub fn active_attestor(
		key: &tributary_primitives::attestor::AttestorId,
	) -> Result<T::AccountId, Error<T>> {
		let account = KeyOwners::<T>::get(key).ok_or(Error::<T>::UnknownAttestorKey)?;
		ensure!(T::Staking::is_attestor(&account), Error::<T>::NotAttestor);
		Ok(account)
	}

	/// Whether reveals of `pending` are open: `Quorum` attestors committed, or the commit
	/// window since payment has passed.
	pub fn reveals_open(pending: &InferenceOf<T>, commitments: u32) -> bool {
		commitments >= Quorum::<T>::get()
			|| frame_system::Pallet::<T>::block_number()
				>= pending.paid_at.saturating_add(T::CommitWindow::get())
	}

	/// Every check of a commitment against the current state.
	pub(crate) fn check_commit(
		commitment: &Commitment,
		signature: Option<&AttestorSignature>,
	) -> Result<CommitContext<T>, Error<T>> {
		let attestor = Self::active_attestor(&commitment.key)?;
		let pending =
			Inferences::<T>::get(commitment.inference).ok_or(Error::<T>::UnknownInference)?;
		let terms = T::Models::model(pending.model).ok_or(Error::<T>::UnknownModel)?;
		ensure!(
			attestor != pending.payer && attestor != terms.owner,
			Error::<T>::ConflictOfInterest
		);
		let commitments = Commitments::<T>::get(commitment.inference);
		ensure!(!commitments.iter().any(|(who, _)| who == &attestor), Error::<T>::AlreadySubmitted);
		ensure!(
			(commitments.len() as u32) < T::MaxAttestors::get(),
			Error::<T>::TooManyAttestations
		);
		if let Some(signature) = signature {
			let message = signed_bytes(COMMIT_DOMAIN, &Self::genesis_hash(), commitment);
			ensure!(commitment.key.verify(&message, signature), Error::<T>::BadSignature);
		}
		Ok(CommitContext { attestor, commitments })
	}

	/// Every check of a reveal against the current state that needs no contribution reads
	/// (those follow in [`Self::do_reveal`]).
	pub(crate) fn check_reveal(
		reveal: &Reveal,
		signature: Option<&AttestorSignature>,
	) -> Result<RevealContext<T>, Error<T>> {
		ensure!(!reveal.scores.is_empty(), Error::<T>::EmptyScores);
		ensure!(
			reveal.scores.len() as u32 <= T::MaxAttributedContributions::get(),
			Error::<T>::TooManyScores
		);
		let attestor = Self::active_attestor(&reveal.key)?;
		let pending = Inferences::<T>::get(reveal.inference).ok_or(Error::<T>::UnknownInference)?;
		let commitments = Commitments::<T>::get(reveal.inference);
		let committed = commitments
			.iter()
			.find(|(who, _)| who == &attestor)
			.map(|(_, c)| *c)
			.ok_or(Error::<T>::NoCommitment)?;
		let reveals = Reveals::<T>::get(reveal.inference);
		ensure!(!reveals.iter().any(|(who, _)| who == &attestor), Error::<T>::AlreadySubmitted);
		ensure!(Self::reveals_open(&pending, commitments.len() as u32), Error::<T>::RevealTooEarly);
		let result =
			result_hash(ENGINE_VERSION, reveal.inference, &pending.index_hash, &reveal.scores);
		ensure!(
			commitment_hash(&result, &attestor, &reveal.salt) == committed,
			Error::<T>::CommitmentMismatch
		);
		if let Some(signature) = signature {
			let message = signed_bytes(REVEAL_DOMAIN, &Self::genesis_hash(), reveal);
			ensure!(reveal.key.verify(&message, signature), Error::<T>::BadSignature);
		}
		Ok(RevealContext { attestor, pending, result, reveals })
	}

	/// A pallet error as a transaction-validity error (its index as the custom code), so
	/// that pool rejections name the same error the dispatch would.
	pub(crate) fn invalid(error: Error<T>) -> TransactionValidityError {
		let stale = matches!(error, Error::<T>::UnknownInference | Error::<T>::AlreadySubmitted);
		if stale {
			return InvalidTransaction::Stale.into();
		}
		let index = match DispatchError::from(error) {
			DispatchError::Module(m) => m.error[0],
			_ => 0,
		};
		InvalidTransaction::Custom(index).into()
	}

	/// The pool's view of a valid attestation: one per (kind, attestor, inference), valid for
	/// `SubmissionLongevity` blocks, gossiped to the other nodes.
	fn valid(
		kind: &'static [u8],
		attestor: &T::AccountId,
		inference: InferenceId,
	) -> ValidTransaction {
		Self::valid_for(kind, attestor, &[inference])
	}

	/// The pool's view of a valid attestation of `inferences` (one `provides` tag per
	/// (kind, attestor, inference), as for a single attestation).
	pub(crate) fn valid_for(
		kind: &'static [u8],
		attestor: &T::AccountId,
		inferences: &[InferenceId],
	) -> ValidTransaction {
		let mut builder = ValidTransaction::with_tag_prefix("tributary-attribution")
			.priority(T::AttestationPriority::get())
			.longevity(T::SubmissionLongevity::get())
			.propagate(true);
		for inference in inferences {
			builder = builder.and_provides((kind, attestor, inference));
		}
		builder.build().unwrap_or_default()
	}

	/// Authorizes `commit_attribution`: a registered key of an attestor in good standing,
	/// a pending inference it neither paid for nor owns the model of, no earlier commitment
	/// of the attestor, room for one more, and a valid signature.
	pub fn authorize_commit(
		_source: TransactionSource,
		commitment: &Commitment,
		signature: &AttestorSignature,
	) -> TransactionValidityWithRefund {
		let context = Self::check_commit(commitment, Some(signature)).map_err(Self::invalid)?;
		Ok((Self::valid(b"commit", &context.attestor, commitment.inference), Weight::zero()))
	}

	/// Authorizes `reveal_attribution`: the attestor's own earlier commitment matches the
	/// result and salt, reveals are open, no earlier reveal, and a valid signature.
	pub fn authorize_reveal(
		_source: TransactionSource,
		reveal: &Reveal,
		signature: &AttestorSignature,
	) -> TransactionValidityWithRefund {
		let context = Self::check_reveal(reveal, Some(signature)).map_err(Self::invalid)?;
		Ok((Self::valid(b"reveal", &context.attestor, reveal.inference), Weight::zero()))
	}

	/// Records an authorized commitment (after re-checking the state).
	pub(crate) fn do_commit(commitment: Commitment) -> DispatchResult {
		let CommitContext { attestor, mut commitments } = Self::check_commit(&commitment, None)?;
		commitments
			.try_push((attestor.clone(), commitment.commitment))
			.map_err(|_| Error::<T>::TooManyAttestations)?;
		Commitments::<T>::insert(commitment.inference, commitments);
		Self::deposit_event(Event::AttributionCommitted {
			inference: commitment.inference,
			attestor,
			commitment: commitment.commitment,
		});
		Ok(())
	}

	/// The weight of `reveal_attribution` with `scores`: by their number and the number of
	/// runs of equal datasets among them (the distinct datasets of a valid, sorted result;
	/// never fewer for any input).
	pub fn reveal_weight(scores: &[(ContributionRef, sp_runtime::Perbill)]) -> Weight {
		let runs = scores.windows(2).filter(|w| w[0].0.dataset != w[1].0.dataset).count() as u32
			+ u32::from(!scores.is_empty());
		T::WeightInfo::reveal_attribution(scores.len() as u32, runs)
	}

	/// The weight of `reveal_attribution` before dispatch: the settlement of `scores` with
	/// the most dissenters beyond those of its benchmark (see
	/// `Settled::beyond_single_benchmark`).
	pub fn reveal_call_weight(scores: &[(ContributionRef, sp_runtime::Perbill)]) -> Weight {
		let most = benchmarked_quorum::<T>().saturating_sub(1);
		Self::reveal_weight(scores).saturating_add(T::WeightInfo::dissent(most))
	}

	/// Slashes `DissentSlash` of the bond of each attestor whose revealed result differs
	/// from the quorum's and reports them with the evidence in `AttestorsDissented`.
	pub(crate) fn report_dissent(
		inference: InferenceId,
		quorum_result: H256,
		dissenters: Vec<(T::AccountId, H256)>,
	) {
		if dissenters.is_empty() {
			return;
		}
		let fraction = T::DissentSlash::get();
		let attestors: Vec<(T::AccountId, H256, BalanceOf<T>)> = dissenters
			.into_iter()
			.map(|(who, hash)| {
				let slashed = T::Staking::slash_attestor(&who, fraction);
				(who, hash, slashed)
			})
			.collect();
		Self::deposit_event(Event::AttestorsDissented { inference, quorum_result, attestors });
	}

	/// Records an authorized reveal (after re-checking the state and validating the shares);
	/// settles the inference when `Quorum` reveals agree, booking its payments in
	/// `payments`. Returns `None` if the reveal was recorded, or how many attestors the
	/// settlement rewarded and slashed if it settled the inference.
	pub(crate) fn do_reveal(
		reveal: Reveal,
		payments: &mut Payments<T>,
		snapshot: &mut SnapshotCache<T>,
	) -> Result<Option<Settled>, DispatchError> {
		let RevealContext { attestor, pending, result, mut reveals } =
			Self::check_reveal(&reveal, None)?;
		let inference = reveal.inference;
		let terms = T::Models::model(pending.model).ok_or(Error::<T>::UnknownModel)?;
		let allocation = Self::validate_scores(pending.model, &reveal.scores, &terms, snapshot)?;
		ensure!(
			allocation.iter().all(|(_, account, _)| account != &attestor),
			Error::<T>::ConflictOfInterest
		);
		reveals
			.try_push((attestor.clone(), result))
			.map_err(|_| Error::<T>::TooManyAttestations)?;
		Self::deposit_event(Event::AttributionRevealed {
			inference,
			attestor,
			result_hash: result,
		});
		let agreeing = reveals.iter().filter(|(_, h)| *h == result).count() as u32;
		if agreeing < Quorum::<T>::get() {
			Reveals::<T>::insert(inference, reveals);
			return Ok(None);
		}
		let (winners, dissenters): (Vec<_>, Vec<_>) =
			reveals.into_iter().partition(|(_, h)| *h == result);
		let winners: Vec<T::AccountId> = winners.into_iter().map(|(who, _)| who).collect();
		let settled =
			Settled { winners: winners.len() as u32, dissenters: dissenters.len() as u32 };
		Self::report_dissent(inference, result, dissenters);
		Self::release_deposit(inference, &pending, &pending.payer, payments);
		Self::pay_out(
			inference,
			&pending,
			&terms,
			&winners,
			crate::impls::Allocation::Shares(allocation),
			payments,
		);
		Ok(Some(settled))
	}
}

/// The quorum the settlement benchmarks run at: their settlements reward this many attestors
/// (half of `MaxAttestors`, at least one).
pub(crate) fn benchmarked_quorum<T: Config>() -> u32 {
	(T::MaxAttestors::get() / 2).max(1)
}

/// What a settling reveal did beyond recording itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Settled {
	/// The attestors of the agreeing quorum (rewarded).
	pub winners: u32,
	/// The attestors whose reveal differed (slashed).
	pub dissenters: u32,
}

impl Settled {
	/// The attestors this settlement touched beyond what the batch benchmark measures
	/// ([`benchmarked_quorum`] winners, no dissenter): each is charged as one dissenter,
	/// which costs more than one attestor's reward.
	pub fn beyond_batch_benchmark<T: Config>(&self) -> u32 {
		self.dissenters.saturating_add(self.winners.saturating_sub(benchmarked_quorum::<T>()))
	}

	/// The dissenters this settlement slashed beyond what the single reveal's benchmark
	/// measures: [`benchmarked_quorum`] winners and every other attestor (`MaxAttestors`
	/// less them) dissenting. A settlement touches at most `MaxAttestors` attestors, so
	/// winners beyond the benchmarked ones take the place of benchmarked dissenters (a
	/// reward costs less than a slash); only a smaller quorum leaves room for more
	/// dissenters, at most `benchmarked_quorum − 1` more.
	pub fn beyond_single_benchmark<T: Config>(&self) -> u32 {
		let benchmarked = T::MaxAttestors::get().saturating_sub(benchmarked_quorum::<T>());
		self.dissenters.saturating_sub(benchmarked)
	}
}
