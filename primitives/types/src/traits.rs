//! Cross-pallet traits. Each is implemented by the pallet that owns the data and consumed by
//! the others through their `Config`, so no pallet reaches into another's storage.

use crate::{ContributionId, ContributionRef, DatasetId, ModelId};

#[cfg(not(feature = "std"))]
extern crate alloc;
#[cfg(not(feature = "std"))]
use alloc::vec::Vec;
#[cfg(feature = "std")]
use std::vec::Vec;

/// Why a dataset may not be used by a model.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DatasetUseError {
	/// No dataset has this id.
	UnknownDataset,
	/// The dataset has been retired.
	Retired,
	/// The dataset's license requires the owner's approval and the model has none.
	NotApproved,
	/// The dataset's license forbids commercial use and the model charges a fee.
	NonCommercial,
}

/// One contribution as the economics see it: who is paid for it and how many records it
/// declared (the fallback split when no attribution quorum is reached).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ContributionShare<AccountId> {
	/// The contribution.
	pub contribution: ContributionRef,
	/// The account paid for it.
	pub contributor: AccountId,
	/// The number of records the contributor declared.
	pub records: u32,
}

/// Read access to the dataset registry.
pub trait DatasetsInspect<AccountId> {
	/// Whether `model` may list `dataset` among its training data: the dataset exists, is not
	/// retired, its license allows the use (commercial if the model charges a fee) and, where
	/// the license requires it, the owner approved the model.
	fn check_model_use(
		dataset: DatasetId,
		model: ModelId,
		commercial: bool,
	) -> Result<(), DatasetUseError>;

	/// The owner of `dataset`, if it exists.
	fn dataset_owner(dataset: DatasetId) -> Option<AccountId>;

	/// The account paid for `contribution` and its declared record count, if it exists.
	fn contribution(contribution: ContributionRef) -> Option<(AccountId, u32)>;

	/// The first `limit` contributions of `dataset` (existing ones, in id order); reads no
	/// more than `limit` contributions.
	fn contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<AccountId>>;

	/// The number of contributions `dataset` has (0 if it does not exist).
	fn contribution_count(dataset: DatasetId) -> ContributionId;

	/// Whether `owner` may register `model` with `dataset`: as [`Self::check_model_use`], and
	/// where the license requires approval, the dataset's owner approved `model` *for
	/// `owner`*. Registries that record whom an approval names override this; the default
	/// ignores `owner` (for doubles without approvals).
	fn check_model_use_by(
		dataset: DatasetId,
		model: ModelId,
		owner: &AccountId,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		let _ = owner;
		Self::check_model_use(dataset, model, commercial)
	}

	/// Whether the dataset's current terms still permit the registered `model`: the dataset
	/// exists and its license needs no approval, or an approval of `model` is in place.
	/// Retirement does not withdraw permission (registered models keep their datasets). For
	/// the settlement side; O(1).
	fn model_permitted(dataset: DatasetId, model: ModelId) -> bool {
		!matches!(
			Self::check_model_use(dataset, model, false),
			Err(DatasetUseError::UnknownDataset) | Err(DatasetUseError::NotApproved)
		)
	}

	/// Up to `limit` of the contributions `dataset` stores now (which ones, when it stores
	/// more, is unspecified), in id order; reads no more than `limit` contributions, skipping
	/// no ids of withdrawn ones. The default reads the first `limit` ids.
	fn live_contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<AccountId>> {
		Self::contributions(dataset, limit)
	}
}

/// What the economics need to know of a registered model.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ModelTerms<AccountId, Balance> {
	/// The model's owner, paid the owner's part of each fee.
	pub owner: AccountId,
	/// The fee per inference.
	pub fee: Balance,
	/// How the fee is split (after the protocol's cut).
	pub split: crate::RewardSplit,
	/// The datasets the model was trained on (bounded by the models pallet).
	pub datasets: Vec<DatasetId>,
	/// The model this one was fine-tuned from, if any.
	pub base: Option<ModelId>,
	/// Blake2-256 hash of the model's attribution index.
	pub index_hash: crate::H256,
	/// Where the index can be fetched (an `http://` or `https://` URI for the attestors).
	pub index_uri: Vec<u8>,
	/// Whether the model is retired (retired models take no new inferences).
	pub retired: bool,
}

/// Read access to the model registry.
pub trait ModelsInspect<AccountId, Balance> {
	/// The terms of `model`, if it is registered (retired or not).
	fn model(model: ModelId) -> Option<ModelTerms<AccountId, Balance>>;

	/// The number of contributions in `model`'s fallback snapshot: the contributions of its
	/// datasets when it was registered or its index last replaced, each with the record
	/// count the owner committed (capped). 0 for an unknown model.
	fn fallback_len(model: ModelId) -> u32 {
		let _ = model;
		0
	}

	/// The sum of the record counts in `model`'s fallback snapshot (0 for an unknown model),
	/// so that a paged payout knows every page's denominator up front.
	fn fallback_total_records(model: ModelId) -> u64 {
		let _ = model;
		0
	}

	/// Entries `start..start + limit` of `model`'s fallback snapshot, in contribution order;
	/// reads at most `limit` entries. Pay everyone by paging up to [`Self::fallback_len`].
	fn fallback_shares(
		model: ModelId,
		start: u32,
		limit: u32,
	) -> Vec<ContributionShare<AccountId>> {
		let _ = (model, start, limit);
		Vec::new()
	}

	/// The snapshot entry of `contribution` in `model`'s fallback snapshot, if it is there
	/// (also after the contribution was withdrawn from its dataset); O(log n) reads.
	fn snapshot_contribution(
		model: ModelId,
		contribution: ContributionRef,
	) -> Option<ContributionShare<AccountId>> {
		let _ = (model, contribution);
		None
	}
}

/// A model registry with no models: for runtimes and mocks without `pallet-models`.
impl<AccountId, Balance> ModelsInspect<AccountId, Balance> for () {
	fn model(_: ModelId) -> Option<ModelTerms<AccountId, Balance>> {
		None
	}
}

/// The staking pallet's side of settlement and attestation.
pub trait StakingHooks<AccountId, Balance> {
	/// The account that holds stakers' undistributed rewards. Settlement transfers a
	/// staker reward here, then calls [`Self::reward_stakers`].
	fn reward_account() -> AccountId;

	/// Credit `amount` (already in [`Self::reward_account`]) to the stakers of `target` in
	/// O(1), whatever their number. Returns `Err(amount)` and credits nothing when `target`
	/// has no stake, so the caller can route the amount elsewhere.
	///
	/// The caller transfers first, then calls this: stakers are credited only for funds that
	/// arrived. An implementation may check it (the stake pallet puts exactly the credited
	/// amount on hold in the reward account and fails with `Err(amount)` when the free
	/// balance does not cover it). To route the amount elsewhere on `Err`, make the transfer and
	/// this call one storage transaction (`frame_support::storage::with_transaction`) and roll
	/// it back on `Err`.
	fn reward_stakers(target: crate::StakeTarget, amount: Balance) -> Result<(), Balance>;

	/// Whether [`Self::reward_stakers`] would credit `amount` to `target`, the funds having
	/// arrived: it has (warmed-up) stake and its accounting does not overflow. Settlement
	/// books a staker credit only then, and makes it when its call ends. (Each target is
	/// asked about its own sum; running totals over all targets are 128-bit and cannot
	/// overflow from fees.)
	fn can_reward(target: crate::StakeTarget, amount: Balance) -> bool;

	/// Whether `who` is an attestor in good standing: bonded at least the minimum and not
	/// unbonding.
	fn is_attestor(who: &AccountId) -> bool;

	/// Slashes `fraction` of `who`'s attestor bond (to the slash beneficiary); returns the
	/// amount slashed (zero if `who` is not an attestor).
	fn slash_attestor(who: &AccountId, fraction: sp_runtime::Perbill) -> Balance;
}
