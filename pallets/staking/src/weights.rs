//! Weights for `pallet_stake`.
//!
//! PENDING REGENERATION: these are hand-estimated initial values (storage accesses counted
//! from the code, execution time estimated from comparable FRAME pallets' benchmarks on
//! reference hardware), to be replaced by `benchmark pallet --pallet pallet_stake` output run
//! on the node with the project's weight template. Function names equal the benchmark names
//! in `benchmarking.rs`.
//!
//! Component: `c` = number of chunks in the account's unbonding queue.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_stake`.
pub trait WeightInfo {
	fn stake() -> Weight;
	fn unstake(c: u32, ) -> Weight;
	fn withdraw_unbonded(c: u32, ) -> Weight;
	fn claim() -> Weight;
	fn bond_attestor() -> Weight;
	fn unbond_attestor(c: u32, ) -> Weight;
	fn slash(c: u32, ) -> Weight;
}

/// Weights for `pallet_stake` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Stake::Pools` (r:1 w:1), `Stake::Stakes` (r:1 w:1), `Balances::Holds` (r:1 w:1), target registry (r:1)
	fn stake() -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Stake::Stakes` (r:1 w:1), `Stake::Pools` (r:1 w:1), `Stake::Unbonding` (r:1 w:1)
	fn unstake(c: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Stake::Unbonding` (r:1 w:1), `Balances::Holds` (r:1 w:1)
	fn withdraw_unbonded(c: u32, ) -> Weight {
		Weight::from_parts(45_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Stake::Stakes` (r:1 w:1), `Stake::Pools` (r:1), `System::Account` (r:2 w:2), `Stake::TotalClaimed` (r:1 w:1)
	fn claim() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Stake::Attestors` (r:1 w:1), `Stake::CounterForAttestors` (r:1 w:1), `Balances::Holds` (r:1 w:1)
	fn bond_attestor() -> Weight {
		Weight::from_parts(45_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Stake::Attestors` (r:1 w:1), `Stake::CounterForAttestors` (r:1 w:1), `Stake::Unbonding` (r:1 w:1)
	fn unbond_attestor(c: u32, ) -> Weight {
		Weight::from_parts(35_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Stake::Attestors` (r:1 w:1), `Stake::CounterForAttestors` (r:1 w:1), `Stake::Unbonding` (r:1 w:1), `Balances::Holds` (r:1 w:1), `System::Account` (r:2 w:2)
	fn slash(c: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn stake() -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn unstake(c: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn withdraw_unbonded(c: u32, ) -> Weight {
		Weight::from_parts(45_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn claim() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn bond_attestor() -> Weight {
		Weight::from_parts(45_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn unbond_attestor(c: u32, ) -> Weight {
		Weight::from_parts(35_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn slash(c: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 6_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
}
