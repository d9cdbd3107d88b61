//! Benchmarks for `pallet_models` (FRAME benchmarking v2).

use super::*;
use crate::Pallet as ModelsPallet;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_runtime::{traits::Bounded, Perbill};

/// Prepares the world the benchmarks need outside this pallet.
pub trait BenchmarkHelper<AccountId> {
	/// Make the `i`-th benchmark dataset (distinct ids for distinct `i`) and let `model` list
	/// it with a fee: it exists, is not retired, its licence is commercial and, if it requires
	/// approval, `model` is approved. Returns its id.
	fn usable_dataset(i: u32, model: ModelId) -> DatasetId;

	/// Add `n` contributions (of distinct contributors) to `dataset`, made by
	/// [`Self::usable_dataset`], for the snapshot benchmark. The default adds none, which
	/// measures only the fixed part.
	fn add_contributions(dataset: DatasetId, n: u32) {
		let _ = (dataset, n);
	}
}

fn split() -> RewardSplit {
	RewardSplit {
		model_owner: Perbill::zero(),
		stakers: Perbill::zero(),
		contributors: Perbill::one(),
	}
}

fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let amount = BalanceOf::<T>::max_value() / 4u32.into();
	T::Currency::set_balance(&who, amount);
	who
}

fn datasets_for<T: Config>(n: u32, model: ModelId) -> Vec<DatasetId> {
	(0..n).map(|i| T::BenchmarkHelper::usable_dataset(i, model)).collect()
}

/// Register a model with `d` datasets, both URIs of length `len`; returns its id.
fn register<T: Config>(
	owner: &T::AccountId,
	seed: u8,
	d: u32,
	len: u32,
	base: Option<ModelId>,
) -> ModelId {
	let model = NextModelId::<T>::get();
	let datasets = datasets_for::<T>(d, model);
	let result = ModelsPallet::<T>::register_model(
		RawOrigin::Signed(owner.clone()).into(),
		H256::repeat_byte(seed),
		vec![b'u'; len as usize],
		datasets,
		base,
		H256::repeat_byte(seed.wrapping_add(128)),
		vec![b'i'; len.max(1) as usize],
		1u32.into(),
		split(),
	);
	assert!(result.is_ok(), "benchmark setup: registration failed: {:?}", result);
	model
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The worst case: the maximum number of datasets (each checked), both URIs long, a
	/// base model to look up, a fee (commercial checks).
	#[benchmark]
	fn register_model(
		d: Linear<1, { T::MaxDatasetsPerModel::get() }>,
		u: Linear<1, { T::MaxUriLen::get() }>,
		i: Linear<1, { T::MaxUriLen::get() }>,
	) {
		let owner = funded::<T>("owner");
		let base = register::<T>(&owner, 1, 1, 1, None);
		let model = NextModelId::<T>::get();
		let datasets = datasets_for::<T>(d, model);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			H256::repeat_byte(2),
			vec![b'u'; u as usize],
			datasets,
			Some(base),
			H256::repeat_byte(3),
			vec![b'i'; i as usize],
			1u32.into(),
			split(),
		);

		assert!(Models::<T>::contains_key(model));
		assert_eq!(NextModelId::<T>::get(), model.saturating_add(1));
	}

	/// Taking a fallback snapshot of `c` contributions over a model's datasets and replacing
	/// one of the same size (what `register_model` and `set_index` add per entry).
	#[benchmark]
	fn snapshot(c: Linear<1, { T::MaxSnapshotContributions::get() }>) {
		let owner = funded::<T>("owner");
		let model = register::<T>(&owner, 1, 1, 1, None);
		let datasets = Models::<T>::get(model).expect("registered").datasets;
		T::BenchmarkHelper::add_contributions(datasets[0], c.saturating_sub(1));
		let old = Models::<T>::get(model).map(|m| m.snapshot_len).unwrap_or(0);

		#[block]
		{
			let entries = ModelsPallet::<T>::build_snapshot(&datasets).expect("fits");
			ModelsPallet::<T>::store_snapshot(model, old, &entries);
		}
	}

	/// Setting a fee re-checks each of the model's `d` datasets.
	#[benchmark]
	fn set_fee(d: Linear<1, { T::MaxDatasetsPerModel::get() }>) {
		let owner = funded::<T>("owner");
		let model = register::<T>(&owner, 1, d, 1, None);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, 2u32.into());

		assert_eq!(Models::<T>::get(model).map(|m| m.fee), Some(2u32.into()));
	}

	/// Replacing the index with one whose URI has length `i` (the deposit changes).
	#[benchmark]
	fn set_index(i: Linear<1, { T::MaxUriLen::get() }>) {
		let owner = funded::<T>("owner");
		let model = register::<T>(&owner, 1, 1, T::MaxUriLen::get() / 2, None);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model, H256::repeat_byte(9), vec![b'j'; i as usize]);

		assert_eq!(Models::<T>::get(model).map(|m| m.index_hash), Some(H256::repeat_byte(9)));
	}

	/// Retiring a model releases its deposit.
	#[benchmark]
	fn retire_model() {
		let owner = funded::<T>("owner");
		let model = register::<T>(&owner, 1, 1, T::MaxUriLen::get(), None);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), model);

		assert_eq!(Models::<T>::get(model).map(|m| m.retired), Some(true));
	}

	impl_benchmark_test_suite!(ModelsPallet, crate::mock::new_test_ext(), crate::mock::Test);
}
