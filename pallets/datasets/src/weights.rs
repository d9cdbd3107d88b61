//! Weights for `pallet_datasets`.
//!
//! Initial values pending regeneration by `scripts/bench/pallet-weights.sh` (FRAME benchmarks
//! on the project's build machine); the generated file replaces this one whole.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_datasets`.
pub trait WeightInfo {
	fn register_dataset(u: u32, m: u32, ) -> Weight;
	fn add_contribution(u: u32, ) -> Weight;
	fn set_license() -> Weight;
	fn set_open() -> Weight;
	fn retire_dataset() -> Weight;
	fn approve_model() -> Weight;
	fn revoke_approval() -> Weight;
	fn release_contribution_deposit() -> Weight;
}

/// Weights for `pallet_datasets` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_dataset(u: u32, m: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(u.into()))
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn add_contribution(u: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(u.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn set_license() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn set_open() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn retire_dataset() -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn approve_model() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn revoke_approval() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn release_contribution_deposit() -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

/// The same weights with RocksDb's database weights, for tests and mocks.
impl WeightInfo for () {
	fn register_dataset(u: u32, m: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(u.into()))
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn add_contribution(u: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(u.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn set_license() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_open() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn retire_dataset() -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn approve_model() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn revoke_approval() -> Weight {
		Weight::from_parts(20_000_000, 2500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn release_contribution_deposit() -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
