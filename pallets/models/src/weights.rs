//! Weights for `pallet_models`.
//!
//! PENDING REGENERATION: these are hand-estimated initial values (storage accesses counted
//! from the code, execution time estimated from comparable FRAME pallets' benchmarks on
//! reference hardware), to be replaced by `benchmark pallet --pallet pallet_models` output
//! run on the node with the project's weight template. Function names equal the benchmark
//! names in `benchmarking.rs`.
//!
//! Components: `d` = number of datasets, `u` = artifact URI length, `i` = index URI length.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_models`.
pub trait WeightInfo {
	fn register_model(d: u32, u: u32, i: u32, ) -> Weight;
	fn set_fee(d: u32, ) -> Weight;
	fn set_index(i: u32, ) -> Weight;
	fn retire_model() -> Weight;
}

/// Weights for `pallet_models` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Models::NextModelId` (r:1 w:1)
	/// Storage: `Models::Models` (r:1 w:1) (the base model)
	/// Storage: `Models::ModelByArtifact` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: datasets registry (r:2 per dataset)
	fn register_model(d: u32, u: u32, i: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(9_000_000, 5_200).saturating_mul(d.into()))
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(u.into()))
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(i.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Models::Models` (r:1 w:1)
	/// Storage: datasets registry (r:2 per dataset)
	fn set_fee(d: u32, ) -> Weight {
		Weight::from_parts(22_000_000, 4_000)
			.saturating_add(Weight::from_parts(9_000_000, 5_200).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Models::Models` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	fn set_index(i: u32, ) -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(i.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Models::Models` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	fn retire_model() -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_model(d: u32, u: u32, i: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(9_000_000, 5_200).saturating_mul(d.into()))
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(u.into()))
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(i.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(d.into())))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn set_fee(d: u32, ) -> Weight {
		Weight::from_parts(22_000_000, 4_000)
			.saturating_add(Weight::from_parts(9_000_000, 5_200).saturating_mul(d.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(d.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_index(i: u32, ) -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(Weight::from_parts(1_500, 0).saturating_mul(i.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn retire_model() -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
