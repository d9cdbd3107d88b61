//! Benchmarks of the datasets pallet (FRAME benchmarking v2), each at its worst case.

use super::*;
use crate::Pallet as DatasetsPallet;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::traits::Bounded;

/// A distinct content hash per `seed`.
fn hash(seed: u32) -> H256 {
	let mut bytes = [0u8; 32];
	bytes[..4].copy_from_slice(&seed.to_le_bytes());
	bytes[31] = 1;
	H256(bytes)
}

/// An account with more than enough balance for any deposit.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

/// A dataset owned by `owner` with the longest uri and metadata.
fn dataset_of<T: Config>(owner: &T::AccountId, seed: u32) -> DatasetId {
	let id = NextDatasetId::<T>::get();
	let uri = alloc::vec![b'u'; T::MaxUriLen::get() as usize];
	let metadata = alloc::vec![b'm'; T::MaxMetadataLen::get() as usize];
	let license = License { commercial: true, requires_approval: true };
	DatasetsPallet::<T>::do_register_dataset(owner.clone(), hash(seed), uri, license, metadata)
		.expect("benchmark dataset registers");
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_dataset(
		u: Linear<1, { T::MaxUriLen::get() }>,
		m: Linear<0, { T::MaxMetadataLen::get() }>,
	) {
		let owner = funded::<T>("owner", 0);
		let uri = alloc::vec![b'u'; u as usize];
		let metadata = alloc::vec![b'm'; m as usize];
		let license = License { commercial: true, requires_approval: false };

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), hash(1), uri, license, metadata);

		assert!(Datasets::<T>::contains_key(0));
	}

	#[benchmark]
	fn add_contribution(u: Linear<1, { T::MaxUriLen::get() }>) {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);
		let contributor = funded::<T>("contributor", 1);
		let uri = alloc::vec![b'u'; u as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(contributor), dataset, hash(2), 100, uri);

		assert!(Contributions::<T>::contains_key(dataset, 1));
	}

	#[benchmark]
	fn set_license() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);
		let license = License { commercial: false, requires_approval: false };

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, license);

		assert_eq!(Datasets::<T>::get(dataset).map(|d| d.license), Some(license));
	}

	#[benchmark]
	fn set_open() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, false);

		assert_eq!(Datasets::<T>::get(dataset).map(|d| d.open), Some(false));
	}

	#[benchmark]
	fn retire_dataset() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset);

		assert_eq!(Datasets::<T>::get(dataset).map(|d| d.retired), Some(true));
	}

	#[benchmark]
	fn approve_model() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);

		let model_owner: T::AccountId = account("model-owner", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, 7, model_owner);

		assert!(Approvals::<T>::contains_key(dataset, 7));
	}

	#[benchmark]
	fn revoke_approval() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);
		let model_owner: T::AccountId = account("model-owner", 0, 0);
		DatasetsPallet::<T>::do_approve_model(owner.clone(), dataset, 7, model_owner)
			.expect("benchmark approval");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, 7);

		assert!(!Approvals::<T>::contains_key(dataset, 7));
	}

	#[benchmark]
	fn release_contribution_deposit() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);
		let contributor = funded::<T>("contributor", 1);
		let uri = alloc::vec![b'u'; T::MaxUriLen::get() as usize];
		DatasetsPallet::<T>::do_add_contribution(contributor.clone(), dataset, hash(2), 10, uri)
			.expect("benchmark contribution");
		DatasetsPallet::<T>::do_retire_dataset(owner, dataset).expect("benchmark retirement");

		#[extrinsic_call]
		_(RawOrigin::Signed(contributor), dataset, 1);

		assert!(!Contributions::<T>::contains_key(dataset, 1));
	}

	#[benchmark]
	fn withdraw_contribution() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);
		let contributor = funded::<T>("contributor", 1);
		let uri = alloc::vec![b'u'; T::MaxUriLen::get() as usize];
		DatasetsPallet::<T>::do_add_contribution(contributor.clone(), dataset, hash(2), 10, uri)
			.expect("benchmark contribution");

		#[extrinsic_call]
		_(RawOrigin::Signed(contributor), dataset, 1);

		assert!(!Contributions::<T>::contains_key(dataset, 1));
		assert!(!ContentHashes::<T>::contains_key(hash(2)));
	}

	#[benchmark]
	fn remove_contribution() {
		let owner = funded::<T>("owner", 0);
		let dataset = dataset_of::<T>(&owner, 1);
		let contributor = funded::<T>("contributor", 1);
		let uri = alloc::vec![b'u'; T::MaxUriLen::get() as usize];
		DatasetsPallet::<T>::do_add_contribution(contributor, dataset, hash(2), 10, uri)
			.expect("benchmark contribution");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), dataset, 1);

		assert!(!Contributions::<T>::contains_key(dataset, 1));
		assert!(!ContentHashes::<T>::contains_key(hash(2)));
	}

	impl_benchmark_test_suite!(DatasetsPallet, crate::mock::new_test_ext(), crate::mock::Test);
}
