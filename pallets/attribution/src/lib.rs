//! # Attribution pallet
//!
//! Per-inference settlement. A developer who used a model calls `settle_inference` with the
//! query bytes (exactly what `tributary attribution score --query` reads, so anyone can
//! re-run the attribution from chain data alone); the model's fee is escrowed in this
//! pallet's account. Bonded attestors compute the influence of the training contributions on
//! that inference off-chain and submit the shares with `submit_attribution`. When
//! `AttestationQuorum` attestors submit the same result (same blake2-256 hash of the
//! SCALE-encoded scores), the fee is split and paid in the same call:
//!
//! 1. the protocol's cut `ProtocolShare`, of which `AttestorRewardShare` goes in equal parts
//!    to the quorum's attestors and the rest (with all rounding dust) to `ProtocolAccount`;
//! 2. the remainder by the model's [`RewardSplit`]: the model owner's part (of which
//!    `LineageShare` goes to the owner of the model's base model, if it has one), the
//!    stakers' part (credited to the model's stakers through the staking pallet's O(1)
//!    accumulator; with no stake on the model it goes to the model owner), and the
//!    contributors' part, credited by the attested shares (rounding down; dust to the
//!    protocol) to each contributor's earnings, which stay in the escrow until the
//!    contributor calls `claim_earnings`. Crediting a ledger entry instead of transferring
//!    halves the storage writes per attributed contribution, which is what bounds how many
//!    settlements fit in a block, and lets contributors without an account earn any amount.
//!
//! Without a quorum after `AttributionTimeout` blocks, the contributors' part is split by the
//! record counts the contributors declared, over the first `MaxFallbackContributions`
//! contributions of the model's datasets (`InferenceSettledWithoutAttribution`). Deadlines
//! follow inference ids (both grow with time), so expired inferences are found by a cursor
//! that sweeps ids in order: at most `MaxExpiryScan` ids and `MaxExpiredPerBlock` settlements
//! in `on_initialize`, and more in `on_idle` while the block has weight left.
//!
//! Every unit escrowed is paid out exactly once: a payout that cannot be transferred (below
//! the existential deposit of an account that does not exist) goes to the protocol account.
//! Settled inferences are removed from storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::fungible;
use sp_core::H256;
use tributary_primitives::{DatasetId, InferenceId, ModelId};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, PalletId};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;
	use tributary_primitives::traits::{DatasetsInspect, ModelsInspect, StakingHooks};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the attribution pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
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

		/// How many attestors must submit the same result for it to settle the inference.
		#[pallet::constant]
		type AttestationQuorum: Get<u32>;

		/// Blocks after which an inference without quorum is settled by record counts.
		#[pallet::constant]
		type AttributionTimeout: Get<BlockNumberFor<Self>>;

		/// The maximum length of an inference's query bytes.
		#[pallet::constant]
		type MaxQueryLen: Get<u32>;

		/// The maximum number of contributions one result may attribute.
		#[pallet::constant]
		type MaxAttributedContributions: Get<u32>;

		/// The maximum number of attestations one inference may collect (at least the quorum).
		#[pallet::constant]
		type MaxAttestors: Get<u32>;

		/// The maximum number of inferences in one `settle_inferences` or
		/// `submit_attributions` batch.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// The maximum number of inference ids the expiry sweep looks at in `on_initialize`.
		#[pallet::constant]
		type MaxExpiryScan: Get<u32>;

		/// The maximum number of expired inferences `on_initialize` settles by records.
		#[pallet::constant]
		type MaxExpiredPerBlock: Get<u32>;

		/// The maximum number of contributions the timeout split pays (datasets × their
		/// contributions, in dataset order then id order; later ones are not paid).
		#[pallet::constant]
		type MaxFallbackContributions: Get<u32>;

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

	/// The attestations submitted for each pending inference.
	#[pallet::storage]
	pub type Attestations<T: Config> =
		StorageMap<_, Twox64Concat, InferenceId, AttestationsOf<T>, ValueQuery>;

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
		/// An attestor submitted its attribution of an inference.
		AttributionSubmitted {
			/// The inference.
			inference: InferenceId,
			/// The attestor.
			attestor: T::AccountId,
			/// Blake2-256 of the SCALE-encoded scores.
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
			/// The attestors.
			attestors: Vec<T::AccountId>,
			/// Paid to each.
			each: BalanceOf<T>,
		},
		/// Attestors whose result differed from the quorum's.
		AttestorsDissented {
			/// The inference.
			inference: InferenceId,
			/// The dissenting attestors.
			attestors: Vec<T::AccountId>,
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
		/// The caller is not a bonded attestor.
		NotAttestor,
		/// The caller already submitted an attribution for this inference.
		AlreadySubmitted,
		/// The inference already has `MaxAttestors` attestations.
		TooManyAttestations,
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
			assert!(T::AttestationQuorum::get() > 0, "AttestationQuorum must be positive");
			assert!(
				T::MaxAttestors::get() >= T::AttestationQuorum::get(),
				"MaxAttestors must admit a quorum"
			);
			assert!(T::MaxAttributedContributions::get() > 0, "MaxAttributedContributions > 0");
			assert!(T::MaxBatch::get() > 0, "MaxBatch must be positive");
			assert!(T::MaxExpiryScan::get() > 0, "MaxExpiryScan must be positive");
			assert!(T::MaxExpiredPerBlock::get() > 0, "MaxExpiredPerBlock must be positive");
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

		/// Submit an attestor's attribution of `inference`: the share of each attributed
		/// contribution, strictly increasing by contribution, each share > 0, summing to
		/// exactly 100%, only contributions of the model's datasets. When `AttestationQuorum`
		/// attestors submitted the same result, the fee is paid out in this call.
		/// Emits `AttributionSubmitted` (and the settlement's events).
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::attribution_weight(&scores))]
		pub fn submit_attribution(
			origin: OriginFor<T>,
			inference: InferenceId,
			scores: Scores,
		) -> DispatchResult {
			let attestor = ensure_signed(origin)?;
			let pending = Inferences::<T>::get(inference).ok_or(Error::<T>::UnknownInference)?;
			Self::do_submit_attribution(attestor, inference, pending, scores)
		}

		/// Submit an attestor's attributions of several inferences at once, each as in
		/// `submit_attribution`. An inference that is no longer pending because it was settled
		/// meanwhile (by other attestors' quorum or the timeout) is skipped; any other error
		/// rejects the whole batch. Weighs the sum of the items' `submit_attribution` weights.
		#[pallet::call_index(3)]
		#[pallet::weight(
			results.iter().fold(Weight::zero(), |w, (_, s)| {
				w.saturating_add(Pallet::<T>::attribution_weight(s))
			})
		)]
		pub fn submit_attributions(
			origin: OriginFor<T>,
			results: Vec<(InferenceId, Scores)>,
		) -> DispatchResult {
			let attestor = ensure_signed(origin)?;
			ensure!(
				!results.is_empty() && results.len() as u32 <= T::MaxBatch::get(),
				Error::<T>::BadBatch
			);
			let next = NextInferenceId::<T>::get();
			for (inference, scores) in results {
				match Inferences::<T>::get(inference) {
					Some(pending) => {
						Self::do_submit_attribution(attestor.clone(), inference, pending, scores)?
					}
					None if inference < next => continue,
					None => return Err(Error::<T>::UnknownInference.into()),
				}
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
	}
}
