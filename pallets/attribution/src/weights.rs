//! Weights for `pallet_attribution`.
//!
//! Initial values pending regeneration by `scripts/bench/pallet-weights.sh` (FRAME benchmarks
//! on the project's build machine); the generated file replaces this one whole.

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
	fn submit_attribution_quorum(s: u32, ) -> Weight;
	fn on_initialize_expired(n: u32, ) -> Weight;
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
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(q.into()).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads((6_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(b.into())))
	}
	fn submit_attribution_quorum(s: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10000)
			.saturating_add(Weight::from_parts(60_000_000, 3000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes(12_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(s.into())))
	}
	fn on_initialize_expired(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(2_000_000_000, 100000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((200_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((200_u64).saturating_mul(n.into())))
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
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(q.into()).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads((6_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(b.into())))
	}
	fn submit_attribution_quorum(s: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 10000)
			.saturating_add(Weight::from_parts(60_000_000, 3000).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(s.into())))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
			.saturating_add(RocksDbWeight::get().writes((4_u64).saturating_mul(s.into())))
	}
	fn on_initialize_expired(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(2_000_000_000, 100000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((200_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((200_u64).saturating_mul(n.into())))
	}
}
