//! The datasets pallet's logic: registration, contributions, settings, retirement, deposits,
//! and the [`DatasetsInspect`] implementation other pallets read datasets through.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};
use tributary_primitives::{
	traits::{ContributionShare, DatasetUseError, DatasetsInspect},
	ContributionId, ContributionRef, DatasetId, License, ModelId,
};

use crate::{
	Approval, Approvals, BalanceOf, Config, ContentHashes, ContributionInfo, Contributions,
	DatasetInfo, DatasetInfoOf, Datasets, Error, Event, HoldReason, MetadataOf, NextDatasetId,
	Pallet, UriOf,
};

/// Who removes a contribution, and so which event is emitted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Removal {
	/// The contributor withdraws it.
	Withdrawn,
	/// The dataset's owner curates it away.
	Removed,
	/// The contributor releases the deposit after the dataset's retirement.
	Released,
}

impl<T: Config> Pallet<T> {
	/// The storage deposit of a dataset storing `bytes` bytes of uri and metadata:
	/// `DatasetDeposit + DepositPerByte × bytes` (saturating).
	pub fn dataset_deposit(bytes: u32) -> BalanceOf<T> {
		T::DepositPerByte::get()
			.saturating_mul(bytes.into())
			.saturating_add(T::DatasetDeposit::get())
	}

	/// The storage deposit of a contribution storing `bytes` bytes of uri:
	/// `ContributionDeposit + DepositPerByte × bytes` (saturating).
	pub fn contribution_deposit(bytes: u32) -> BalanceOf<T> {
		T::DepositPerByte::get()
			.saturating_mul(bytes.into())
			.saturating_add(T::ContributionDeposit::get())
	}

	/// A non-empty uri within `MaxUriLen`.
	fn bounded_uri(uri: Vec<u8>) -> Result<UriOf<T>, Error<T>> {
		ensure!(!uri.is_empty(), Error::<T>::EmptyUri);
		uri.try_into().map_err(|_| Error::<T>::UriTooLong)
	}

	/// The dataset `dataset`, which `who` must own.
	fn owned_dataset(who: &T::AccountId, dataset: DatasetId) -> Result<DatasetInfoOf<T>, Error<T>> {
		let info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(&info.owner == who, Error::<T>::NotOwner);
		Ok(info)
	}

	/// Holds `amount` from `who` for `reason`; a shortfall is `InsufficientBalance`.
	fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&reason.into(), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance.into())
	}

	/// Releases exactly `amount` held from `who` for `reason`.
	fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::release(&reason.into(), who, amount, Precision::Exact).map(|_| ())
	}

	pub(crate) fn do_register_dataset(
		owner: T::AccountId,
		content_hash: H256,
		uri: Vec<u8>,
		license: License,
		metadata: Vec<u8>,
	) -> DispatchResult {
		let uri = Self::bounded_uri(uri)?;
		let metadata: MetadataOf<T> =
			metadata.try_into().map_err(|_| Error::<T>::MetadataTooLong)?;
		ensure!(!ContentHashes::<T>::contains_key(content_hash), Error::<T>::DuplicateContent);
		let dataset = NextDatasetId::<T>::get();
		let next = dataset.checked_add(1).ok_or(Error::<T>::IdOverflow)?;

		let bytes = (uri.len() as u32).saturating_add(metadata.len() as u32);
		let deposit = Self::dataset_deposit(bytes);
		Self::hold(HoldReason::DatasetDeposit, &owner, deposit)?;

		Contributions::<T>::insert(
			dataset,
			0,
			ContributionInfo {
				contributor: owner.clone(),
				content_hash,
				records: 1,
				uri: uri.clone(),
				deposit: Zero::zero(),
			},
		);
		Datasets::<T>::insert(
			dataset,
			DatasetInfo {
				owner: owner.clone(),
				content_hash,
				uri,
				license,
				metadata,
				open: true,
				retired: false,
				contribution_count: 1,
				live_contributions: 1,
				deposit,
				created_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		ContentHashes::<T>::insert(content_hash, ContributionRef::new(dataset, 0));
		NextDatasetId::<T>::put(next);
		Self::deposit_event(Event::DatasetRegistered { dataset, owner, content_hash });
		Ok(())
	}

	pub(crate) fn do_add_contribution(
		contributor: T::AccountId,
		dataset: DatasetId,
		content_hash: H256,
		records: u32,
		uri: Vec<u8>,
	) -> DispatchResult {
		let uri = Self::bounded_uri(uri)?;
		ensure!(records > 0, Error::<T>::NoRecords);
		let mut info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(info.open || info.owner == contributor, Error::<T>::DatasetClosed);
		ensure!(
			info.live_contributions < T::MaxContributionsPerDataset::get(),
			Error::<T>::TooManyContributions
		);
		ensure!(!ContentHashes::<T>::contains_key(content_hash), Error::<T>::DuplicateContent);
		let contribution = info.contribution_count;
		let next = contribution.checked_add(1).ok_or(Error::<T>::ContributionIdOverflow)?;

		let deposit = Self::contribution_deposit(uri.len() as u32);
		Self::hold(HoldReason::ContributionDeposit, &contributor, deposit)?;

		info.contribution_count = next;
		info.live_contributions = info.live_contributions.saturating_add(1);
		Contributions::<T>::insert(
			dataset,
			contribution,
			ContributionInfo {
				contributor: contributor.clone(),
				content_hash,
				records,
				uri,
				deposit,
			},
		);
		Datasets::<T>::insert(dataset, info);
		ContentHashes::<T>::insert(content_hash, ContributionRef::new(dataset, contribution));
		Self::deposit_event(Event::ContributionAdded { dataset, contribution, contributor });
		Ok(())
	}

	pub(crate) fn do_set_license(
		who: T::AccountId,
		dataset: DatasetId,
		license: License,
	) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(info.license != license, Error::<T>::Unchanged);
		info.license = license;
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::LicenseChanged { dataset, license });
		Ok(())
	}

	pub(crate) fn do_set_open(who: T::AccountId, dataset: DatasetId, open: bool) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(info.open != open, Error::<T>::Unchanged);
		info.open = open;
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::OpenChanged { dataset, open });
		Ok(())
	}

	pub(crate) fn do_retire_dataset(who: T::AccountId, dataset: DatasetId) -> DispatchResult {
		let mut info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		Self::release(HoldReason::DatasetDeposit, &who, info.deposit)?;
		// The deposit paid for the owner's file and the dataset's bytes: remove them with it.
		if let Some(first) = Contributions::<T>::take(dataset, 0) {
			ContentHashes::<T>::remove(first.content_hash);
			info.live_contributions = info.live_contributions.saturating_sub(1);
		}
		info.uri = Default::default();
		info.metadata = Default::default();
		info.deposit = Zero::zero();
		info.retired = true;
		Datasets::<T>::insert(dataset, info);
		Self::deposit_event(Event::DatasetRetired { dataset });
		Ok(())
	}

	pub(crate) fn do_approve_model(
		who: T::AccountId,
		dataset: DatasetId,
		model: ModelId,
		owner: T::AccountId,
	) -> DispatchResult {
		let info = Self::owned_dataset(&who, dataset)?;
		ensure!(!info.retired, Error::<T>::Retired);
		ensure!(!Approvals::<T>::contains_key(dataset, model), Error::<T>::AlreadyApproved);
		let deposit = T::ApprovalDeposit::get();
		Self::hold(HoldReason::ApprovalDeposit, &who, deposit)?;
		Approvals::<T>::insert(dataset, model, Approval { owner: owner.clone(), deposit });
		Self::deposit_event(Event::ModelApproved { dataset, model, owner });
		Ok(())
	}

	pub(crate) fn do_revoke_approval(
		who: T::AccountId,
		dataset: DatasetId,
		model: ModelId,
	) -> DispatchResult {
		Self::owned_dataset(&who, dataset)?;
		let approval = Approvals::<T>::get(dataset, model).ok_or(Error::<T>::NotApproved)?;
		Self::release(HoldReason::ApprovalDeposit, &who, approval.deposit)?;
		Approvals::<T>::remove(dataset, model);
		Self::deposit_event(Event::ApprovalRevoked { dataset, model });
		Ok(())
	}

	pub(crate) fn do_release_contribution_deposit(
		who: T::AccountId,
		dataset: DatasetId,
		contribution: ContributionId,
	) -> DispatchResult {
		let info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		let item = Contributions::<T>::get(dataset, contribution)
			.ok_or(Error::<T>::UnknownContribution)?;
		ensure!(item.contributor == who, Error::<T>::NotContributor);
		ensure!(info.retired, Error::<T>::NotRetired);
		Self::remove_stored_contribution(info, dataset, contribution, Removal::Released)
	}

	pub(crate) fn do_withdraw_contribution(
		who: T::AccountId,
		dataset: DatasetId,
		contribution: ContributionId,
	) -> DispatchResult {
		let info = Datasets::<T>::get(dataset).ok_or(Error::<T>::UnknownDataset)?;
		ensure!(contribution != 0, Error::<T>::OwnerFile);
		let item = Contributions::<T>::get(dataset, contribution)
			.ok_or(Error::<T>::UnknownContribution)?;
		ensure!(item.contributor == who, Error::<T>::NotContributor);
		Self::remove_stored_contribution(info, dataset, contribution, Removal::Withdrawn)
	}

	pub(crate) fn do_remove_contribution(
		who: T::AccountId,
		dataset: DatasetId,
		contribution: ContributionId,
	) -> DispatchResult {
		let info = Self::owned_dataset(&who, dataset)?;
		ensure!(contribution != 0, Error::<T>::OwnerFile);
		ensure!(
			Contributions::<T>::contains_key(dataset, contribution),
			Error::<T>::UnknownContribution
		);
		Self::remove_stored_contribution(info, dataset, contribution, Removal::Removed)
	}

	/// Releases the deposit of stored contribution `contribution` (not 0) to its contributor
	/// and removes its record and content hash entry; the caller checked who may do it.
	fn remove_stored_contribution(
		mut info: DatasetInfoOf<T>,
		dataset: DatasetId,
		contribution: ContributionId,
		how: Removal,
	) -> DispatchResult {
		let item = Contributions::<T>::get(dataset, contribution)
			.ok_or(Error::<T>::UnknownContribution)?;
		let amount = item.deposit;
		if !amount.is_zero() {
			Self::release(HoldReason::ContributionDeposit, &item.contributor, amount)?;
		}
		Contributions::<T>::remove(dataset, contribution);
		ContentHashes::<T>::remove(item.content_hash);
		info.live_contributions = info.live_contributions.saturating_sub(1);
		Datasets::<T>::insert(dataset, info);
		let contributor = item.contributor;
		Self::deposit_event(match how {
			Removal::Withdrawn => {
				Event::ContributionWithdrawn { dataset, contribution, contributor, amount }
			}
			Removal::Removed => {
				Event::ContributionRemoved { dataset, contribution, contributor, amount }
			}
			Removal::Released => {
				Event::DepositReleased { dataset, contribution, contributor, amount }
			}
		});
		Ok(())
	}

	/// Checks the pallet's invariants:
	/// - every dataset stores exactly `live_contributions` ≤ `MaxContributionsPerDataset`
	///   contributions, all with ids below `contribution_count`;
	/// - every content hash maps to the contribution that stores it, and back;
	/// - a live dataset's contribution 0 is the owner's file, holding no deposit of its own, and
	///   the dataset holds the deposit its bytes require; a retired dataset stores no
	///   contribution 0, no uri or metadata and holds no deposit;
	/// - no storage without a deposit: every other stored contribution holds exactly the
	///   deposit its uri requires, every approval holds `ApprovalDeposit`;
	/// - each account's held balance per reason equals the deposits recorded for it;
	/// - no dataset id at or above `NextDatasetId`; no approval for an unknown dataset.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let next = NextDatasetId::<T>::get();
		let mut held: BTreeMap<(T::AccountId, u8), BalanceOf<T>> = BTreeMap::new();
		let mut add = |who: &T::AccountId, reason: u8, amount: BalanceOf<T>| {
			let e = held.entry((who.clone(), reason)).or_insert_with(Zero::zero);
			*e = e.saturating_add(amount);
		};
		let mut contributions = 0u64;
		for (id, info) in Datasets::<T>::iter() {
			ensure!(id < next, "dataset id at or above NextDatasetId");
			let stored = Contributions::<T>::iter_prefix(id).count() as u64;
			ensure!(stored == info.live_contributions as u64, "live contribution count mismatch");
			ensure!(
				info.live_contributions <= T::MaxContributionsPerDataset::get(),
				"more contributions stored than allowed"
			);
			contributions = contributions.saturating_add(stored);
			let first = Contributions::<T>::get(id, 0);
			if info.retired {
				ensure!(info.deposit.is_zero(), "retired dataset still holds a deposit");
				ensure!(first.is_none(), "retired dataset keeps the owner's file");
				ensure!(
					info.uri.is_empty() && info.metadata.is_empty(),
					"retired dataset keeps its bytes"
				);
			} else {
				let first = first.ok_or("dataset without contribution 0")?;
				ensure!(first.contributor == info.owner, "contribution 0 is not the owner's");
				ensure!(first.content_hash == info.content_hash, "contribution 0 hash mismatch");
				ensure!(first.deposit.is_zero(), "contribution 0 holds a deposit of its own");
				let bytes = (info.uri.len() as u32).saturating_add(info.metadata.len() as u32);
				ensure!(info.deposit == Self::dataset_deposit(bytes), "dataset deposit mismatch");
			}
			add(&info.owner, 0, info.deposit);
			for (cid, item) in Contributions::<T>::iter_prefix(id) {
				ensure!(cid < info.contribution_count, "contribution id out of range");
				ensure!(
					ContentHashes::<T>::get(item.content_hash)
						== Some(ContributionRef::new(id, cid)),
					"content hash index mismatch"
				);
				if cid != 0 {
					ensure!(
						item.deposit == Self::contribution_deposit(item.uri.len() as u32),
						"stored contribution without its deposit"
					);
				}
				add(&item.contributor, 1, item.deposit);
			}
		}
		ensure!(
			ContentHashes::<T>::iter().count() as u64 == contributions,
			"content hash index has entries without contributions"
		);
		for (dataset, _, approval) in Approvals::<T>::iter() {
			let info = Datasets::<T>::get(dataset).ok_or("approval for an unknown dataset")?;
			ensure!(approval.deposit == T::ApprovalDeposit::get(), "approval deposit mismatch");
			add(&info.owner, 2, approval.deposit);
		}
		for ((who, reason), amount) in held {
			let reason = match reason {
				0 => HoldReason::DatasetDeposit,
				1 => HoldReason::ContributionDeposit,
				_ => HoldReason::ApprovalDeposit,
			};
			ensure!(
				T::Currency::balance_on_hold(&reason.into(), &who) == amount,
				"held balance differs from recorded deposits"
			);
		}
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Whether `model` may list `dataset`: it exists, is not retired, its license allows the
	/// use, and where it requires approval an approval of `model` exists (for `owner`, when
	/// given).
	fn model_use(
		dataset: DatasetId,
		model: ModelId,
		owner: Option<&T::AccountId>,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		let info = Datasets::<T>::get(dataset).ok_or(DatasetUseError::UnknownDataset)?;
		if info.retired {
			return Err(DatasetUseError::Retired);
		}
		if commercial && !info.license.commercial {
			return Err(DatasetUseError::NonCommercial);
		}
		if info.license.requires_approval {
			let approved = match (Approvals::<T>::get(dataset, model), owner) {
				(None, _) => false,
				(Some(_), None) => true,
				(Some(a), Some(owner)) => &a.owner == owner,
			};
			if !approved {
				return Err(DatasetUseError::NotApproved);
			}
		}
		Ok(())
	}
}

impl<T: Config> DatasetsInspect<T::AccountId> for Pallet<T> {
	fn check_model_use(
		dataset: DatasetId,
		model: ModelId,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		Self::model_use(dataset, model, None, commercial)
	}

	fn check_model_use_by(
		dataset: DatasetId,
		model: ModelId,
		owner: &T::AccountId,
		commercial: bool,
	) -> Result<(), DatasetUseError> {
		Self::model_use(dataset, model, Some(owner), commercial)
	}

	fn model_permitted(dataset: DatasetId, model: ModelId) -> bool {
		Datasets::<T>::get(dataset).is_some_and(|info| {
			!info.license.requires_approval || Approvals::<T>::contains_key(dataset, model)
		})
	}

	fn live_contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<T::AccountId>> {
		let mut out: Vec<_> = Contributions::<T>::iter_prefix(dataset)
			.take(limit as usize)
			.map(|(id, c)| ContributionShare {
				contribution: ContributionRef::new(dataset, id),
				contributor: c.contributor,
				records: c.records,
			})
			.collect();
		out.sort_by_key(|c| c.contribution);
		out
	}

	fn dataset_owner(dataset: DatasetId) -> Option<T::AccountId> {
		Datasets::<T>::get(dataset).map(|d| d.owner)
	}

	fn contribution(contribution: ContributionRef) -> Option<(T::AccountId, u32)> {
		Contributions::<T>::get(contribution.dataset, contribution.contribution)
			.map(|c| (c.contributor, c.records))
	}

	fn contributions(dataset: DatasetId, limit: u32) -> Vec<ContributionShare<T::AccountId>> {
		let count = Datasets::<T>::get(dataset).map(|d| d.contribution_count).unwrap_or(0);
		(0..count.min(limit))
			.filter_map(|id| {
				Contributions::<T>::get(dataset, id).map(|c| ContributionShare {
					contribution: ContributionRef::new(dataset, id),
					contributor: c.contributor,
					records: c.records,
				})
			})
			.collect()
	}

	fn contribution_count(dataset: DatasetId) -> ContributionId {
		Datasets::<T>::get(dataset).map(|d| d.live_contributions).unwrap_or(0)
	}
}
