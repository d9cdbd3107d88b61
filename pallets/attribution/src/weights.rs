//! Weights for `pallet_attribution`.
//!
//! Initial estimates, replaced whole by `scripts/bench/pallet-weights.sh pallet_attribution`
//! (FRAME benchmarks on the project's build machine).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_attribution`.
pub trait WeightInfo {
	fn settle_inference(q: u32, ) -> Weight;
	fn settle_inferences(b: u32, q: u32, ) -> Weight;
	fn submit_attribution(s: u32, d: u32, ) -> Weight;
	fn claim_earnings() -> Weight;
	fn expiry_scan(n: u32, ) -> Weight;
	fn expire_inference(c: u32, ) -> Weight;
}

/// Weights for `pallet_attribution` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn settle_inference(q: u32, ) -> Weight {
		Weight::from_parts(90_000_000, 6000)
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(q.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn settle_inferences(b: u32, q: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(90_000_000, 6000).saturating_mul(b.into()))
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(q.into()))
			.saturating_add(T::DbWeight::get().reads((6_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(b.into())))
	}
	fn submit_attribution(s: u32, d: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10000)
			.saturating_add(Weight::from_parts(60_000_000, 3000).saturating_mul(s.into()))
			.saturating_add(Weight::from_parts(20_000_000, 3000).saturating_mul(d.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes(12_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(d.into())))
	}
	fn claim_earnings() -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn expiry_scan(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(5_000_000, 3000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn expire_inference(c: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10000)
			.saturating_add(Weight::from_parts(60_000_000, 3000).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(12_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
}

/// The same weights with RocksDb's database weights, for tests and mocks.
impl WeightInfo for () {
	fn settle_inference(q: u32, ) -> Weight {
		Weight::from_parts(90_000_000, 6000)
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(q.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn settle_inferences(b: u32, q: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(90_000_000, 6000).saturating_mul(b.into()))
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(q.into()))
			.saturating_add(RocksDbWeight::get().reads((6_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(b.into())))
	}
	fn submit_attribution(s: u32, d: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10000)
			.saturating_add(Weight::from_parts(60_000_000, 3000).saturating_mul(s.into()))
			.saturating_add(Weight::from_parts(20_000_000, 3000).saturating_mul(d.into()))
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(s.into())))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(d.into())))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(s.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(d.into())))
	}
	fn claim_earnings() -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn expiry_scan(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(5_000_000, 3000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn expire_inference(c: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10000)
			.saturating_add(Weight::from_parts(60_000_000, 3000).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
}
