//! # Attribution pallet
//!
//! Per-inference settlement. A developer who used a model calls `settle_inference` with the
//! query bytes (exactly what `tributary attribution score --query` reads, so anyone can
//! re-run the attribution from chain data alone); the model's fee is escrowed in this
//! pallet's account and the inference records the model's index hash at that moment, so a
//! later `set_index` cannot change what a paid inference is attributed against.
//!
//! ## Attestation: commit, then reveal
//!
//! Attestors are accounts bonded in the staking pallet *and* bound to an `attr` key here
//! (`register_attestor_key`, by root; `rotate_attestor_key` by the attestor). Their nodes'
//! off-chain workers ([`offchain`]) fetch the model's index once, score each pending query
//! with the engine's `no_std` core inside the runtime, and submit two authorized
//! transactions (no fee, no nonce, the payload signed by the `attr` key over a domain tag and
//! the genesis hash):
//!
//! 1. `commit_attribution`: `H(result_hash ‖ attestor ‖ salt)`, where `result_hash` covers
//!    the engine version, the inference id, the index hash it was paid against and the
//!    quantised shares ([`result_hash`]);
//! 2. `reveal_attribution`: the shares and the salt, once `Quorum` attestors have committed
//!    or `CommitWindow` blocks have passed since payment. Only a reveal matching the
//!    attestor's own earlier commitment counts, so a result seen in another attestor's
//!    reveal cannot be copied.
//!
//! When `Quorum` (chain state, set at genesis and by root) reveals agree, the fee is split
//! and paid in the same call; reveals that differ are reported (`AttestorsDissented`) and
//! slashed by `DissentSlash` of their bond. An attestor may not attest an inference it paid
//! for, of a model it owns, or whose shares would pay it (`ConflictOfInterest`).
//!
//! ## The split
//!
//! 1. the protocol's cut `ProtocolShare`, of which `AttestorRewardShare` goes in equal parts
//!    to the quorum's attestors and the rest (with all rounding dust) to `ProtocolAccount`;
//! 2. the remainder by the model's [`RewardSplit`]: the model owner's part (of which
//!    `LineageShare` goes to the owner of the model's base model, if it has one), the
//!    stakers' part (credited through the staking pallet's O(1) accumulators: a
//!    `DatasetStakersShare` of it to the stakers of the datasets the settlement pays, each by
//!    what its contributions received, the rest to the model's stakers; with no stake on the
//!    model that rest goes to the model owner), and the
//!    contributors' part, credited by the attested shares (rounding down; dust to the
//!    protocol) to each contributor's earnings, which stay in the escrow until the
//!    contributor calls `claim_earnings`.
//!
//! Without a quorum after `AttributionTimeout` blocks, the contributors' part is split by the
//! record counts of the model's fallback snapshot (`InferenceSettledWithoutAttribution`): the
//! contributions its datasets held when it was registered or re-indexed, with the counts the
//! registry capped then, so contributions added later or inflated counts take nothing. The
//! runtime bounds snapshots by `MaxFallbackContributions`, so everyone in one is paid. Deadlines
//! follow inference ids (both grow with time), so expired inferences are found by a cursor
//! that sweeps ids in order: at most `MaxExpiryScan` ids and `MaxExpiredPerBlock` settlements
//! in `on_initialize`, and more in `on_idle` while the block has weight left.
//!
//! ## Who pays for the timeout: the expiry deposit
//!
//! Every inference, a zero-fee one included, escrows `ExpiryDeposit` with its fee: the price
//! (at the chain's weight fee) of the work of settling it by timeout, charged at submission.
//! A quorum settlement gives it back to the payer. After the deadline anyone may call
//! `settle_expired` for one inference and receives its deposit for the work; the hooks'
//! sweep pays it to the protocol account. So spam that is never attested forfeits a deposit
//! per inference, and no one waits behind it: the cursor serves inferences in id order for
//! free, but each expired inference can be settled on its own, in the block after its
//! deadline at the latest, by any account (its payer, a contributor, a keeper), whatever is
//! pending before it.
//!
//! Every unit escrowed is paid out exactly once: a payout that cannot be transferred (below
//! the existential deposit of an account that does not exist) goes to the protocol account.
//! Settled inferences are removed from storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod attestation;
pub mod batch;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
pub mod offchain;
mod payments;
mod snapshot;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::fungible;
use sp_core::H256;
use tributary_primitives::{
	attestor::{AttestorId, AttestorSignature},
	DatasetId, InferenceId, ModelId,
};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, PalletId};
	use frame_system::pallet_prelude::*;
	use sp_runtime::transaction_validity::TransactionPriority;
	use sp_runtime::Perbill;
	use tributary_primitives::traits::{DatasetsInspect, ModelsInspect, StakingHooks};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the attribution pallet.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The currency fees are paid in.
		type Currency: fungible::Inspect<Self::AccountId> + fungible::Mutate<Self::AccountId>;

		/// The dataset registry: contributions, their contributors and record counts.
		type Datasets: DatasetsInspect<Self::AccountId>;

		/// The model registry: fees, splits, datasets, lineage.
		type Models: ModelsInspect<Self::AccountId, BalanceOf<Self>>;

		/// The staking pallet: attestors and the stakers' reward accumulator.
		type Staking: StakingHooks<Self::AccountId, BalanceOf<Self>>;

		/// The id of this pallet's escrow account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The account that receives the protocol's cut and all rounding dust.
		type ProtocolAccount: Get<Self::AccountId>;

		/// The protocol's cut of each fee, taken before the model's split.
		#[pallet::constant]
		type ProtocolShare: Get<Perbill>;

		/// The part of the protocol's cut shared by the attestors of a winning quorum.
		#[pallet::constant]
		type AttestorRewardShare: Get<Perbill>;

		/// The part of the model owner's share paid to the owner of the model's base model.
		#[pallet::constant]
		type LineageShare: Get<Perbill>;

		/// Blocks after an inference's payment after which its reveals are accepted even if
		/// fewer than `Quorum` attestors have committed.
		#[pallet::constant]
		type CommitWindow: Get<BlockNumberFor<Self>>;

		/// Blocks an attestor's commit or reveal transaction stays valid in the pool; the
		/// off-chain worker re-sends one only after this.
		#[pallet::constant]
		type SubmissionLongevity: Get<u64>;

		/// The priority of attestors' transactions in the pool.
		#[pallet::constant]
		type AttestationPriority: Get<TransactionPriority>;

		/// The part of the stakers' part of each fee credited to the stakers of the datasets
		/// whose contributions the settlement pays, each dataset by what its contributions
		/// received; the rest, and the part of datasets without stake, goes to the model's
		/// stakers.
		#[pallet::constant]
		type DatasetStakersShare: Get<Perbill>;

		/// The part of an attestor's bond slashed when it reveals a result that differs from
		/// the quorum's.
		#[pallet::constant]
		type DissentSlash: Get<Perbill>;

		/// The largest index (bytes) the off-chain worker fetches and scores.
		#[pallet::constant]
		type MaxIndexBytes: Get<u32>;

		/// The most pending inferences one off-chain worker run looks at.
		#[pallet::constant]
		type MaxWorkerInferences: Get<u32>;

		/// Blocks after which an inference without quorum is settled by record counts.
		#[pallet::constant]
		type AttributionTimeout: Get<BlockNumberFor<Self>>;

		/// The maximum length of an inference's query bytes.
		#[pallet::constant]
		type MaxQueryLen: Get<u32>;

		/// The maximum number of contributions one result may attribute.
		#[pallet::constant]
		type MaxAttributedContributions: Get<u32>;

		/// The maximum number of commitments (and reveals) one inference may collect; also
		/// the largest quorum root may set.
		#[pallet::constant]
		type MaxAttestors: Get<u32>;

		/// The maximum number of inferences in one `settle_inferences`,
		/// `commit_attributions` or `reveal_attributions` batch.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// The maximum number of inference ids the expiry sweep looks at in `on_initialize`.
		#[pallet::constant]
		type MaxExpiryScan: Get<u32>;

		/// The maximum number of expired inferences `on_initialize` settles by records.
		#[pallet::constant]
		type MaxExpiredPerBlock: Get<u32>;

		/// The maximum number of contributions the timeout split reads from a model's fallback
		/// snapshot (at least the model registry's `MaxSnapshotContributions`, so that every
		/// one is paid).
		#[pallet::constant]
		type MaxFallbackContributions: Get<u32>;

		/// Escrowed with every inference's fee and released when it settles: to the payer
		/// after a quorum, to whoever settles it after the deadline otherwise (the price of
		/// the timeout settlement's work, so that inferences nobody attests cost their payer).
		#[pallet::constant]
		type ExpiryDeposit: Get<BalanceOf<Self>>;

		/// Weight information for the pallet's dispatchables and hooks.
		type WeightInfo: WeightInfo;

		/// Prepares datasets, models, stake and attestors for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// The id the next inference will get.
	#[pallet::storage]
	pub type NextInferenceId<T: Config> = StorageValue<_, InferenceId, ValueQuery>;

	/// Inferences paid for and not yet settled.
	#[pallet::storage]
	pub type Inferences<T: Config> = StorageMap<_, Twox64Concat, InferenceId, InferenceOf<T>>;

	/// The commitments of each pending inference: attestor and `H(result ‖ attestor ‖ salt)`.
	#[pallet::storage]
	pub type Commitments<T: Config> =
		StorageMap<_, Twox64Concat, InferenceId, AttestationsOf<T>, ValueQuery>;

	/// The revealed results of each pending inference: attestor and result hash.
	#[pallet::storage]
	pub type Reveals<T: Config> =
		StorageMap<_, Twox64Concat, InferenceId, AttestationsOf<T>, ValueQuery>;

	/// How many agreeing reveals settle an inference (1 ≤ quorum ≤ `MaxAttestors`).
	#[pallet::storage]
	pub type Quorum<T: Config> = StorageValue<_, u32, ValueQuery, DefaultQuorum>;

	/// The default quorum: one.
	#[pallet::type_value]
	pub fn DefaultQuorum() -> u32 {
		1
	}

	/// Each attestor account's `attr` key.
	#[pallet::storage]
	pub type AttestorKeys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, AttestorId>;

	/// The account each registered `attr` key belongs to.
	#[pallet::storage]
	pub type KeyOwners<T: Config> = StorageMap<_, Blake2_128Concat, AttestorId, T::AccountId>;

	/// Genesis: the quorum and the attestors' keys.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Agreeing reveals needed to settle an inference.
		pub quorum: u32,
		/// `(attestor account, attr key)` pairs.
		pub attestor_keys: Vec<(T::AccountId, AttestorId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let quorum = if self.quorum == 0 { 1 } else { self.quorum };
			assert!(quorum <= T::MaxAttestors::get(), "genesis quorum above MaxAttestors");
			Quorum::<T>::put(quorum);
			for (account, key) in &self.attestor_keys {
				assert!(!KeyOwners::<T>::contains_key(key), "duplicate genesis attestor key");
				assert!(!AttestorKeys::<T>::contains_key(account), "two keys for one attestor");
				AttestorKeys::<T>::insert(account, key.clone());
				KeyOwners::<T>::insert(key, account.clone());
			}
		}
	}

	/// The lowest inference id that may still be pending: where the expiry sweep resumes.
	#[pallet::storage]
	pub type ExpiryCursor<T: Config> = StorageValue<_, InferenceId, ValueQuery>;

	/// Each contributor account's lifetime earnings and the part not yet claimed (held in
	/// the escrow account).
	#[pallet::storage]
	pub type ContributorEarnings<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Earnings<BalanceOf<T>>, ValueQuery>;

	/// Lifetime fees settled per model.
	#[pallet::storage]
	pub type ModelRevenue<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, BalanceOf<T>, ValueQuery>;

	/// Lifetime payouts to the contributors of each dataset.
	#[pallet::storage]
	pub type DatasetRevenue<T: Config> =
		StorageMap<_, Twox64Concat, DatasetId, BalanceOf<T>, ValueQuery>;

	/// The accounts that have paid for at least one inference.
	#[pallet::storage]
	pub type Developers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ()>;

	/// Payouts to the protocol account that could not be transferred and stay in the escrow
	/// (the protocol account exists from genesis, so this stays zero unless it was reaped).
	#[pallet::storage]
	pub type ProtocolArrears<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Lifetime totals of the economy.
	#[pallet::storage]
	pub type Totals<T: Config> = StorageValue<_, EconomyTotals<BalanceOf<T>>, ValueQuery>;

	/// Events of the attribution pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A developer paid for an inference; the fee is escrowed until settlement.
		InferenceSubmitted {
			/// The inference.
			inference: InferenceId,
			/// The model used.
			model: ModelId,
			/// The developer.
			payer: T::AccountId,
			/// The escrowed fee.
			fee: BalanceOf<T>,
		},
		/// An attestor committed to its attribution of an inference (the result stays
		/// hidden until the reveal).
		AttributionCommitted {
			/// The inference.
			inference: InferenceId,
			/// The attestor.
			attestor: T::AccountId,
			/// `H(result_hash ‖ attestor ‖ salt)`.
			commitment: H256,
		},
		/// An attestor revealed its attribution, matching its commitment.
		AttributionRevealed {
			/// The inference.
			inference: InferenceId,
			/// The attestor.
			attestor: T::AccountId,
			/// The result hash ([`result_hash`]).
			result_hash: H256,
		},
		/// A quorum agreed and the fee was paid out; the four parts sum to the fee.
		InferenceSettled {
			/// The inference.
			inference: InferenceId,
			/// Paid to contributors.
			to_contributors: BalanceOf<T>,
			/// Paid to the model owner (lineage share included).
			to_model_owner: BalanceOf<T>,
			/// Credited to the model's stakers.
			to_stakers: BalanceOf<T>,
			/// Paid to the protocol and the quorum's attestors (dust included).
			to_protocol: BalanceOf<T>,
		},
		/// No quorum before the deadline: the contributors' part was split by declared record
		/// counts (the amounts are in the `ContributorPaid` and `InferenceSettled` events).
		InferenceSettledWithoutAttribution {
			/// The inference.
			inference: InferenceId,
		},
		/// A contributor's earnings were credited for one attributed contribution (claimable
		/// with `claim_earnings`).
		ContributorPaid {
			/// The inference.
			inference: InferenceId,
			/// The contribution's dataset.
			dataset: DatasetId,
			/// The contribution.
			contribution: tributary_primitives::ContributionId,
			/// The contributor.
			account: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
		},
		/// The attestors of the winning quorum were rewarded from the protocol's cut.
		AttestorsRewarded {
			/// The inference.
			inference: InferenceId,
			/// The attestors paid (an attestor whose account cannot receive the reward is
			/// left out; its part goes to the protocol account).
			attestors: Vec<T::AccountId>,
			/// Paid to each.
			each: BalanceOf<T>,
		},
		/// Attestors whose revealed result differed from the quorum's, with the evidence:
		/// the quorum's result hash and each dissenter's result hash and slashed amount.
		AttestorsDissented {
			/// The inference.
			inference: InferenceId,
			/// The result hash the quorum agreed on.
			quorum_result: H256,
			/// Each dissenter, the result hash it revealed, and the part of its bond slashed.
			attestors: Vec<(T::AccountId, H256, BalanceOf<T>)>,
		},
		/// Root set the attestation quorum.
		QuorumSet {
			/// Agreeing reveals now needed.
			quorum: u32,
		},
		/// An attestor's `attr` key was registered or rotated.
		AttestorKeySet {
			/// The attestor.
			attestor: T::AccountId,
			/// Its key.
			key: AttestorId,
		},
		/// An attestor's `attr` key was removed; its submissions no longer count.
		AttestorKeyRemoved {
			/// The attestor.
			attestor: T::AccountId,
		},
		/// An inference's expiry deposit left the escrow: to its payer after a quorum, to the
		/// account that settled it after its deadline (the protocol account for the hooks).
		ExpiryDepositReleased {
			/// The inference.
			inference: InferenceId,
			/// Who received the deposit.
			to: T::AccountId,
			/// The deposit.
			amount: BalanceOf<T>,
		},
		/// Items of an attestor's batch that did not apply, each with its error (nothing of
		/// them changed); the batch's other items applied.
		AttestationsSkipped {
			/// The attestor.
			attestor: T::AccountId,
			/// Each skipped inference and why.
			skipped: Vec<(InferenceId, sp_runtime::DispatchError)>,
		},
		/// A contributor claimed its earnings.
		EarningsClaimed {
			/// The contributor.
			account: T::AccountId,
			/// The amount transferred from the escrow.
			amount: BalanceOf<T>,
		},
		/// The owner of the model's base model was paid the lineage share.
		LineagePaid {
			/// The inference.
			inference: InferenceId,
			/// The base model.
			base: ModelId,
			/// Its owner.
			account: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
		},
	}

	/// Errors of the attribution pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// No model has this id.
		UnknownModel,
		/// The model is retired and takes no new inferences.
		ModelRetired,
		/// The model's fee is above the caller's `max_fee`.
		FeeAboveMax,
		/// The query is longer than `MaxQueryLen`.
		QueryTooLong,
		/// The query is empty.
		EmptyQuery,
		/// The caller cannot pay the fee.
		InsufficientBalance,
		/// The batch is empty or longer than `MaxBatch`.
		BadBatch,
		/// No pending inference has this id (never submitted, or already settled).
		UnknownInference,
		/// The key's account is not an attestor in good standing (bonded, not unbonding).
		NotAttestor,
		/// The attestor already committed to (or revealed) this inference.
		AlreadySubmitted,
		/// The inference already has `MaxAttestors` commitments.
		TooManyAttestations,
		/// No attestor account is bound to this `attr` key.
		UnknownAttestorKey,
		/// The payload's signature by the `attr` key is invalid.
		BadSignature,
		/// The attestor paid for the inference, owns its model, or would be paid by the
		/// shares it attests.
		ConflictOfInterest,
		/// The attestor has no commitment for this inference: a reveal must follow the
		/// attestor's own commitment.
		NoCommitment,
		/// The revealed result and salt do not match the attestor's commitment.
		CommitmentMismatch,
		/// Reveals open once `Quorum` attestors committed or `CommitWindow` blocks passed.
		RevealTooEarly,
		/// The quorum must be between 1 and `MaxAttestors`.
		BadQuorum,
		/// The key is already bound to an attestor.
		KeyInUse,
		/// The account already has a key (rotate it instead).
		AlreadyHasKey,
		/// The account has no registered key.
		NoKey,
		/// The scores are empty.
		EmptyScores,
		/// More than `MaxAttributedContributions` scores.
		TooManyScores,
		/// The scores are not strictly increasing by contribution (or repeat one).
		UnsortedScores,
		/// A share is zero.
		ZeroShare,
		/// The shares do not sum to exactly 100%.
		SharesNotComplete,
		/// A scored contribution does not exist.
		UnknownContribution,
		/// A scored contribution is not in one of the model's datasets.
		ContributionNotInModel,
		/// No more inference ids.
		IdOverflow,
		/// The caller has no unclaimed earnings.
		NothingToClaim,
		/// The unclaimed earnings are below the existential deposit of the caller's (empty)
		/// account; claim once they reach it.
		ClaimBelowMinimum,
		/// The inference's deadline has not passed: it can still be settled by a quorum.
		NotExpired,
		/// A batch of reveals names an inference of another model than the batch's.
		NotBatchModel,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settles, by declared record counts, expired inferences: at most `MaxExpiredPerBlock`
		/// of them, looking at no more than `MaxExpiryScan` ids.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::sweep_expired(now, T::MaxExpiryScan::get(), T::MaxExpiredPerBlock::get())
		}

		/// Goes on with the expiry sweep while the block has weight left.
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let per_id = T::WeightInfo::expiry_scan(1);
			let per_expired = T::WeightInfo::expire_inference(T::MaxFallbackContributions::get());
			let fixed = T::WeightInfo::expiry_scan(0);
			let Some(budget) = remaining.checked_sub(&fixed) else { return Weight::zero() };
			let ids = budget.checked_div_per_component(&per_id).unwrap_or(0);
			let expired = budget.checked_div_per_component(&per_expired).unwrap_or(0);
			// Spend at most half of what is left on each of the two kinds of work.
			let ids = (ids / 2).min(u32::MAX as u64) as u32;
			let expired = (expired / 2).min(u32::MAX as u64) as u32;
			if ids == 0 {
				return Weight::zero();
			}
			Self::sweep_expired(now, ids, expired)
		}

		fn integrity_test() {
			assert!(T::MaxAttestors::get() > 0, "MaxAttestors must admit a quorum");
			assert!(T::SubmissionLongevity::get() > 0, "SubmissionLongevity must be positive");
			assert!(T::MaxWorkerInferences::get() > 0, "MaxWorkerInferences must be positive");
			assert!(T::MaxAttributedContributions::get() > 0, "MaxAttributedContributions > 0");
			assert!(T::MaxBatch::get() > 0, "MaxBatch must be positive");
			assert!(T::MaxExpiryScan::get() > 0, "MaxExpiryScan must be positive");
			assert!(T::MaxExpiredPerBlock::get() > 0, "MaxExpiredPerBlock must be positive");
		}

		/// The attestor's off-chain worker: scores pending inferences and submits commitments
		/// and reveals (see [`offchain`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			offchain::run::<T>(now);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Pay for one inference of `model`: escrows the model's fee (failing if it is above
		/// `max_fee`) and records `query`, the exact bytes of the query file the attestors
		/// score. Emits `InferenceSubmitted`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::settle_inference(query.len() as u32))]
		pub fn settle_inference(
			origin: OriginFor<T>,
			model: ModelId,
			query: Vec<u8>,
			max_fee: BalanceOf<T>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			Self::do_settle_inference(&payer, model, query, max_fee).map(|_| ())
		}

		/// Pay for a batch of inferences, each `(model, query, max_fee)` as in
		/// `settle_inference`. All or nothing.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::settle_inferences(
			inferences.len() as u32,
			inferences.iter().map(|(_, q, _)| q.len() as u32).max().unwrap_or(0),
		))]
		pub fn settle_inferences(
			origin: OriginFor<T>,
			inferences: Vec<(ModelId, Vec<u8>, BalanceOf<T>)>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			ensure!(
				!inferences.is_empty() && inferences.len() as u32 <= T::MaxBatch::get(),
				Error::<T>::BadBatch
			);
			for (model, query, max_fee) in inferences {
				Self::do_settle_inference(&payer, model, query, max_fee)?;
			}
			Ok(())
		}

		/// Transfer the caller's unclaimed earnings as a contributor from the escrow to the
		/// caller. Emits `EarningsClaimed`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::claim_earnings())]
		pub fn claim_earnings(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_earnings(who)
		}

		/// An attestor's commitment to its attribution of a pending inference:
		/// `H(result_hash ‖ attestor ‖ salt)` ([`commitment_hash`]). Sent by the attestor's
		/// off-chain worker as an authorized transaction (no fee, no nonce): the payload is
		/// signed by the attestor's registered `attr` key over [`COMMIT_DOMAIN`], the genesis
		/// hash and the payload. One commitment per attestor and inference. Emits
		/// `AttributionCommitted`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::commit_attribution())]
		#[pallet::authorize(Pallet::<T>::authorize_commit)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_commit_attribution())]
		pub fn commit_attribution(
			origin: OriginFor<T>,
			commitment: Commitment,
			signature: AttestorSignature,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			let _ = signature; // verified by the authorization
			Self::do_commit(commitment)
		}

		/// An attestor's reveal of the result it committed to: the shares (strictly
		/// increasing by contribution, each > 0, summing to exactly 100%, only contributions
		/// of the model's datasets) and the commitment's salt. Accepted once `Quorum`
		/// attestors committed or `CommitWindow` blocks have passed since payment, only if it
		/// matches the attestor's commitment. When `Quorum` reveals agree the fee is paid out
		/// in this call; dissenting reveals are reported and slashed. Authorized like
		/// `commit_attribution` (domain [`REVEAL_DOMAIN`]). Emits `AttributionRevealed` (and
		/// the settlement's events).
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::reveal_call_weight(&reveal.scores))]
		#[pallet::authorize(Pallet::<T>::authorize_reveal)]
		#[pallet::weight_of_authorize(
			T::WeightInfo::authorize_reveal_attribution(reveal.scores.len() as u32)
		)]
		pub fn reveal_attribution(
			origin: OriginFor<T>,
			reveal: Reveal,
			signature: AttestorSignature,
		) -> DispatchResultWithPostInfo {
			frame_system::ensure_authorized(origin)?;
			let _ = signature; // verified by the authorization
			let weight = Self::reveal_weight(&reveal.scores);
			let mut payments = payments::Payments::<T>::default();
			let settled =
				Self::do_reveal(reveal, &mut payments, &mut snapshot::SnapshotCache::default())?;
			payments.make();
			// The benchmark slashed dissenters already; only more of them cost more.
			let more = settled.map_or(0, |s| s.beyond_single_benchmark::<T>());
			let used = if more == 0 {
				weight
			} else {
				weight.saturating_add(T::WeightInfo::dissent(more))
			};
			Ok(Some(used).into())
		}

		/// An attestor's commitments to several pending inferences in one authorized
		/// transaction, signed once by its `attr` key over [`COMMIT_BATCH_DOMAIN`], the
		/// genesis hash and the batch: 1 to `MaxBatch` `(inference, commitment)` pairs with
		/// strictly increasing ids, each checked as by `commit_attribution`. Valid while at
		/// least one item is; items that fail at dispatch change nothing and are reported in
		/// `AttestationsSkipped`. Emits `AttributionCommitted` per applied item.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::commit_attributions(batch.commitments.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_commit_batch)]
		#[pallet::weight_of_authorize(
			T::WeightInfo::authorize_commit_attributions(batch.commitments.len() as u32)
		)]
		pub fn commit_attributions(
			origin: OriginFor<T>,
			batch: CommitBatch,
			signature: AttestorSignature,
		) -> DispatchResultWithPostInfo {
			frame_system::ensure_authorized(origin)?;
			let _ = signature; // verified by the authorization
			Self::do_commit_batch(batch)
		}

		/// An attestor's reveals for several pending inferences of one model in one
		/// authorized transaction, signed once by its `attr` key over [`REVEAL_BATCH_DOMAIN`],
		/// the genesis hash and the batch: 1 to `MaxBatch` results with strictly increasing
		/// inference ids, each checked as by `reveal_attribution` and required to be an
		/// inference of `batch.model`. Valid while at least one item is; items that fail at
		/// dispatch change nothing and are reported in `AttestationsSkipped`. Each reveal that
		/// completes a quorum settles its inference in this call. Emits `AttributionRevealed`
		/// per applied item (and the settlements' events).
		#[pallet::call_index(13)]
		#[pallet::weight(Pallet::<T>::reveal_batch_weight(batch))]
		#[pallet::authorize(Pallet::<T>::authorize_reveal_batch)]
		#[pallet::weight_of_authorize(
			T::WeightInfo::authorize_reveal_attributions(batch.reveals.len() as u32)
		)]
		pub fn reveal_attributions(
			origin: OriginFor<T>,
			batch: RevealBatch,
			signature: AttestorSignature,
		) -> DispatchResultWithPostInfo {
			frame_system::ensure_authorized(origin)?;
			let _ = signature; // verified by the authorization
			Self::do_reveal_batch(batch)
		}

		/// Settle one pending inference whose deadline has passed without a quorum, by the
		/// record counts of its model's fallback snapshot (as the hooks' sweep would, but at
		/// once and whatever is pending before it). Anyone may call it; the caller receives the
		/// inference's expiry deposit for the work. Emits `InferenceSettledWithoutAttribution`,
		/// `InferenceSettled` and `ExpiryDepositReleased`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::settle_expired(T::MaxFallbackContributions::get()))]
		pub fn settle_expired(
			origin: OriginFor<T>,
			inference: InferenceId,
		) -> DispatchResultWithPostInfo {
			let keeper = ensure_signed(origin)?;
			let read = Self::do_settle_expired(&keeper, inference)?;
			Ok(Some(T::WeightInfo::settle_expired(read)).into())
		}

		/// Set how many agreeing reveals settle an inference (root; 1 ≤ `quorum` ≤
		/// `MaxAttestors`). Applies to reveals from now on. Emits `QuorumSet`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_quorum())]
		pub fn set_quorum(origin: OriginFor<T>, quorum: u32) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(quorum >= 1 && quorum <= T::MaxAttestors::get(), Error::<T>::BadQuorum);
			Quorum::<T>::put(quorum);
			Self::deposit_event(Event::QuorumSet { quorum });
			Ok(())
		}

		/// Admit `attestor` to the attestor set by binding its `attr` key (root). The account
		/// must also hold an attestor bond in the staking pallet for its submissions to
		/// count. Emits `AttestorKeySet`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::register_attestor_key())]
		pub fn register_attestor_key(
			origin: OriginFor<T>,
			attestor: T::AccountId,
			key: AttestorId,
		) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(!AttestorKeys::<T>::contains_key(&attestor), Error::<T>::AlreadyHasKey);
			ensure!(!KeyOwners::<T>::contains_key(&key), Error::<T>::KeyInUse);
			AttestorKeys::<T>::insert(&attestor, key.clone());
			KeyOwners::<T>::insert(&key, attestor.clone());
			Self::deposit_event(Event::AttestorKeySet { attestor, key });
			Ok(())
		}

		/// Replace the caller's `attr` key with `new_key` (an attestor rotating its worker
		/// key: insert the new key into the node's keystore first, then call this; the old
		/// key stops counting at once, and commitments made with it still reveal under the
		/// new key, since commitments are per account). Emits `AttestorKeySet`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::rotate_attestor_key())]
		pub fn rotate_attestor_key(origin: OriginFor<T>, new_key: AttestorId) -> DispatchResult {
			let attestor = ensure_signed(origin)?;
			let old = AttestorKeys::<T>::get(&attestor).ok_or(Error::<T>::NoKey)?;
			ensure!(!KeyOwners::<T>::contains_key(&new_key), Error::<T>::KeyInUse);
			KeyOwners::<T>::remove(&old);
			KeyOwners::<T>::insert(&new_key, attestor.clone());
			AttestorKeys::<T>::insert(&attestor, new_key.clone());
			Self::deposit_event(Event::AttestorKeySet { attestor, key: new_key });
			Ok(())
		}

		/// Remove `attestor` from the attestor set (root): its key no longer counts. Emits
		/// `AttestorKeyRemoved`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::remove_attestor_key())]
		pub fn remove_attestor_key(origin: OriginFor<T>, attestor: T::AccountId) -> DispatchResult {
			ensure_root(origin)?;
			let key = AttestorKeys::<T>::take(&attestor).ok_or(Error::<T>::NoKey)?;
			KeyOwners::<T>::remove(&key);
			Self::deposit_event(Event::AttestorKeyRemoved { attestor });
			Ok(())
		}
	}
}
