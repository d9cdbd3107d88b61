//! The pallets whose weights the runtime benchmarks (`scripts/bench/pallet-weights.sh`), and
//! the helpers that prepare other pallets' state for them.

use crate::{AccountId, Balances, Runtime, RuntimeOrigin, UNIT};
use frame_support::traits::fungible::Mutate;
use sp_core::H256;
use tributary_primitives::{DatasetId, License, ModelId, StakeTarget};

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_datasets, Datasets]
	[pallet_models, Models]
	[pallet_stake, Stake]
);

/// Prepares datasets and stake targets with the real pallets.
pub struct Helper;

impl Helper {
	/// Registers a commercial dataset (distinct content per `seed`) approved for `model`.
	fn dataset(seed: u32, model: ModelId) -> DatasetId {
		let owner: AccountId = frame_benchmarking::account("dataset-owner", seed, 0);
		let _ = Balances::set_balance(&owner, 1_000_000 * UNIT);
		let id = pallet_datasets::NextDatasetId::<Runtime>::get();
		let mut hash = [0u8; 32];
		hash[..4].copy_from_slice(&seed.to_le_bytes());
		hash[4..8].copy_from_slice(&model.to_le_bytes());
		hash[31] = 0xbe;
		let license = License { commercial: true, requires_approval: true };
		let origin = RuntimeOrigin::signed(owner);
		pallet_datasets::Pallet::<Runtime>::register_dataset(
			origin.clone(),
			H256(hash),
			b"ipfs://benchmark".to_vec(),
			license,
			alloc::vec::Vec::new(),
		)
		.expect("benchmark dataset registers");
		pallet_datasets::Pallet::<Runtime>::approve_model(origin, id, model)
			.expect("benchmark approval");
		id
	}
}

impl pallet_models::benchmarking::BenchmarkHelper<AccountId> for Helper {
	fn usable_dataset(i: u32, model: ModelId) -> DatasetId {
		Self::dataset(i, model)
	}
}

impl pallet_stake::benchmarking::BenchmarkHelper for Helper {
	fn active_target() -> StakeTarget {
		StakeTarget::Dataset(Self::dataset(u32::MAX, 0))
	}
}
