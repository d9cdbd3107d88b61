//! # Models pallet
//!
//! The Tributary model registry. A model owner registers a trained model with:
//! - the hash and URI of its artifact (weights), unique chain-wide;
//! - the datasets it was trained on — each must exist, not be retired and permit the use
//!   (commercial licence when the model charges a fee, the dataset owner's approval when the
//!   licence requires it; see [`tributary_primitives::traits::DatasetsInspect`]);
//! - an optional `base` model it was fine-tuned from (its lineage);
//! - the commitment to its attribution index (hash + URI), which attestors fetch and score;
//! - a fee per inference and the [`RewardSplit`] of that fee between the model owner, the
//!   model's stakers and the data contributors (contributors get at least
//!   [`Config::MinContributorsShare`]).
//!
//! A storage deposit ([`Config::ModelDeposit`] plus [`Config::DepositPerByte`] per stored URI
//! byte) is held from the owner under [`HoldReason::ModelDeposit`] while the model is live and
//! released when it is retired. Retired models keep their record (settlement history and
//! lineage refer to it) but can no longer be changed and take no new inferences.
//!
//! Model ids are sequential from 0; [`NextModelId`] tells a model owner the id their next
//! registration will get, so dataset owners can approve it beforehand — for that owner: the
//! registering account must be the one the approval names
//! ([`tributary_primitives::traits::DatasetsInspect::check_model_use_by`]), so an approval
//! cannot be captured by whoever registers the next model first.
//!
//! ## The fallback snapshot
//! When no attribution quorum is reached, the contributors' part of a fee is split by record
//! counts. Those counts are fixed when the model is registered and each time its index is
//! replaced (`set_index`): the pallet stores a *snapshot* of the contributions its datasets
//! store at that moment, each with `min(declared records, MaxRecordsPerContribution)`, sorted
//! by contribution, at most [`Config::MaxSnapshotContributions`] entries (registration fails
//! with [`Error::TooManySnapshotContributions`] beyond). Contributions added or withdrawn
//! later do not change it; a declared `u32::MAX` counts as the cap. Each entry adds
//! [`SNAPSHOT_ENTRY_BYTES`] × [`Config::DepositPerByte`] to the model's deposit. The settlement
//! side reads the snapshot in bounded pages through
//! [`tributary_primitives::traits::ModelsInspect::fallback_shares`] (with `fallback_len` and
//! `fallback_total_records`), and resolves a contribution's account with `snapshot_contribution`
//! (which also works for contributions withdrawn since). Retired models keep their snapshot
//! (pending settlements may still need it), like the rest of their record.
//!
//! Other pallets read models through [`tributary_primitives::traits::ModelsInspect`].

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
use tributary_primitives::{DatasetId, ModelId, RewardSplit};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

#[frame_support::pallet]
#[allow(clippy::too_many_arguments)]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;
	use tributary_primitives::traits::DatasetsInspect;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Reasons for which this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a registered, not yet retired model.
		#[codec(index = 0)]
		ModelDeposit,
	}

	/// Configuration of the models pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency in which deposits are held and fees are denominated.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The dataset registry, asked whether a model may list a dataset.
		type Datasets: DatasetsInspect<Self::AccountId>;

		/// The fixed part of a model's storage deposit.
		#[pallet::constant]
		type ModelDeposit: Get<BalanceOf<Self>>;

		/// The deposit per byte of stored URI (artifact URI + index URI).
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// The smallest share of each fee that a model may leave to its data contributors.
		#[pallet::constant]
		type MinContributorsShare: Get<Perbill>;

		/// The maximum number of datasets a model may list.
		#[pallet::constant]
		type MaxDatasetsPerModel: Get<u32>;

		/// The maximum length in bytes of an artifact or index URI.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// The maximum number of ancestors a model may have (its base, the base's base, ...).
		#[pallet::constant]
		type MaxLineageDepth: Get<u32>;

		/// The maximum number of contributions in a model's fallback snapshot.
		#[pallet::constant]
		type MaxSnapshotContributions: Get<u32>;

		/// The most records one contribution counts for in a fallback snapshot (declared
		/// counts above it are capped).
		#[pallet::constant]
		type MaxRecordsPerContribution: Get<u32>;

		/// Weight information for the pallet's dispatchables.
		type WeightInfo: WeightInfo;

		/// Creates usable datasets for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next registered model will get.
	#[pallet::storage]
	pub type NextModelId<T: Config> = StorageValue<_, ModelId, ValueQuery>;

	/// Every registered model, retired or not.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Blake2_128Concat, ModelId, ModelInfoOf<T>>;

	/// The model registered with each artifact hash (a hash is registered once, chain-wide,
	/// and stays taken after retirement). Keys are user-chosen, hence a hashing hasher.
	#[pallet::storage]
	pub type ModelByArtifact<T: Config> = StorageMap<_, Blake2_128Concat, H256, ModelId>;

	/// Each model's fallback snapshot: entry `i` of `0..snapshot_len`, sorted by contribution.
	#[pallet::storage]
	pub type Snapshots<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, ModelId, Twox64Concat, u32, SnapshotEntryOf<T>>;

	/// Events of the models pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A model was registered.
		ModelRegistered {
			/// The new model's id.
			model: ModelId,
			/// Its owner.
			owner: T::AccountId,
		},
		/// A model's fee per inference was changed.
		FeeSet {
			/// The model.
			model: ModelId,
			/// The new fee.
			fee: BalanceOf<T>,
		},
		/// A model's attribution index commitment was replaced.
		IndexUpdated {
			/// The model.
			model: ModelId,
			/// Blake2-256 hash of the new index.
			index_hash: H256,
		},
		/// A model was retired; its deposit was released.
		ModelRetired {
			/// The model.
			model: ModelId,
		},
	}

	/// Errors of the models pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The reward split's parts do not sum to exactly 100%.
		InvalidSplit,
		/// The contributors' part of the split is below `MinContributorsShare`.
		ContributorsShareTooLow,
		/// A model must list at least one dataset.
		NoDatasets,
		/// A dataset is listed twice.
		DuplicateDataset,
		/// More than `MaxDatasetsPerModel` datasets.
		TooManyDatasets,
		/// A listed dataset does not exist.
		UnknownDataset,
		/// A listed dataset is retired.
		DatasetRetired,
		/// A listed dataset requires its owner's approval of this model id, which is missing.
		NotApproved,
		/// A listed dataset forbids commercial use and the model charges a fee.
		NonCommercialDataset,
		/// The base model does not exist.
		UnknownBaseModel,
		/// The base model's lineage is already `MaxLineageDepth` deep.
		LineageTooDeep,
		/// A model with this artifact hash is already registered.
		DuplicateArtifact,
		/// A URI is longer than `MaxUriLen`.
		UriTooLong,
		/// The index URI is empty.
		EmptyIndexUri,
		/// The owner's free balance cannot cover the storage deposit.
		InsufficientBalance,
		/// No model has this id.
		UnknownModel,
		/// The caller does not own the model.
		NotOwner,
		/// The model is retired and can no longer be changed.
		Retired,
		/// No more model ids.
		ModelIdOverflow,
		/// The model's datasets store more than `MaxSnapshotContributions` contributions.
		TooManySnapshotContributions,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxDatasetsPerModel::get() > 0, "MaxDatasetsPerModel must be positive");
			assert!(T::MaxUriLen::get() > 0, "MaxUriLen must be positive");
			assert!(
				T::MinContributorsShare::get() <= Perbill::one(),
				"MinContributorsShare must be at most 100%"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a model trained on `datasets`, optionally fine-tuned from `base`.
		///
		/// The model gets the id in [`NextModelId`]. `split` must sum to exactly 100% with
		/// the contributors' part at least `MinContributorsShare`; every dataset must permit
		/// the use by the caller (a fee > 0 needs commercial licences; an approval must name
		/// the caller); `index_hash`/`index_uri` commit to the model's attribution index.
		/// Takes the fallback snapshot of the datasets' contributions (record counts capped at
		/// `MaxRecordsPerContribution`). Holds the storage deposit from the caller.
		///
		/// Emits `ModelRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model(
			datasets.len() as u32,
			uri.len() as u32,
			index_uri.len() as u32,
		).saturating_add(T::WeightInfo::snapshot(T::MaxSnapshotContributions::get())))]
		pub fn register_model(
			origin: OriginFor<T>,
			artifact_hash: H256,
			uri: Vec<u8>,
			datasets: Vec<DatasetId>,
			base: Option<ModelId>,
			index_hash: H256,
			index_uri: Vec<u8>,
			fee: BalanceOf<T>,
			split: RewardSplit,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_model(
				owner,
				artifact_hash,
				uri,
				datasets,
				base,
				index_hash,
				index_uri,
				fee,
				split,
			)
		}

		/// Set the fee per inference of a model the caller owns.
		///
		/// A fee above zero requires every listed dataset to (still) permit commercial use.
		/// Emits `FeeSet`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_fee(T::MaxDatasetsPerModel::get()))]
		pub fn set_fee(origin: OriginFor<T>, model: ModelId, fee: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_fee(who, model, fee)
		}

		/// Replace the attribution index commitment of a model the caller owns, and take a new
		/// fallback snapshot of its datasets' contributions (the index was rebuilt from them).
		///
		/// The storage deposit follows the new URI's length and snapshot. Emits `IndexUpdated`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_index(index_uri.len() as u32)
			.saturating_add(T::WeightInfo::snapshot(T::MaxSnapshotContributions::get())))]
		pub fn set_index(
			origin: OriginFor<T>,
			model: ModelId,
			index_hash: H256,
			index_uri: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_index(who, model, index_hash, index_uri)
		}

		/// Retire a model the caller owns: it takes no new inferences and can no longer be
		/// changed; its storage deposit is released. Emits `ModelRetired`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::retire_model())]
		pub fn retire_model(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_model(who, model)
		}
	}
}
