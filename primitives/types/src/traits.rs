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
	fn reward_stakers(target: crate::StakeTarget, amount: Balance) -> Result<(), Balance>;

	/// Whether `who` is an attestor in good standing: bonded at least the minimum and not
	/// unbonding.
	fn is_attestor(who: &AccountId) -> bool;

	/// Slashes `fraction` of `who`'s attestor bond (to the slash beneficiary); returns the
	/// amount slashed (zero if `who` is not an attestor).
	fn slash_attestor(who: &AccountId, fraction: sp_runtime::Perbill) -> Balance;
}
