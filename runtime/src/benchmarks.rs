//! The pallets whose weights the runtime benchmarks (`scripts/bench/pallet-weights.sh`), and
//! the helpers that prepare other pallets' state for them.

use crate::{AccountId, Balance, Balances, Runtime, RuntimeOrigin, UNIT};
use alloc::vec::Vec;
use frame_support::traits::{fungible::Mutate, Get};
use sp_core::H256;
use sp_runtime::Perbill;
use tributary_primitives::{
	ContributionRef, DatasetId, License, ModelId, RewardSplit, StakeTarget,
};

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
	[pallet_attribution, Attribution]
);

/// Prepares datasets and stake targets with the real pallets.
pub struct Helper;

impl Helper {
	/// Registers a commercial dataset (distinct content per `seed`) approved for `model`
	/// registered by `model_owner`.
	fn dataset(seed: u32, model: ModelId, model_owner: &AccountId) -> DatasetId {
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
		pallet_datasets::Pallet::<Runtime>::approve_model(origin, id, model, model_owner.clone())
			.expect("benchmark approval");
		id
	}
}

impl pallet_models::benchmarking::BenchmarkHelper<AccountId> for Helper {
	fn usable_dataset(i: u32, model: ModelId) -> DatasetId {
		Self::dataset(i, model, &frame_benchmarking::account("owner", 0, 0))
	}

	fn add_contributions(dataset: DatasetId, n: u32) {
		for i in 0..n {
			let contributor = Self::funded("snapshot-contributor", i);
			let mut hash = [0x5cu8; 32];
			hash[..4].copy_from_slice(&dataset.to_le_bytes());
			hash[4..8].copy_from_slice(&i.to_le_bytes());
			pallet_datasets::Pallet::<Runtime>::add_contribution(
				RuntimeOrigin::signed(contributor),
				dataset,
				H256(hash),
				1 + i,
				b"ipfs://benchmark-contribution".to_vec(),
			)
			.expect("benchmark contribution");
		}
	}
}

impl pallet_stake::benchmarking::BenchmarkHelper for Helper {
	fn active_target() -> StakeTarget {
		StakeTarget::Dataset(Self::dataset(
			u32::MAX,
			0,
			&frame_benchmarking::account("owner", 0, 0),
		))
	}
}

impl Helper {
	/// A funded account for the benchmarks' world.
	fn funded(name: &'static str, index: u32) -> AccountId {
		let who: AccountId = frame_benchmarking::account(name, index, 0);
		let _ = Balances::set_balance(&who, 1_000_000 * UNIT);
		who
	}

	/// Registers a model over `datasets` with a fee and an even split, from `owner`.
	fn model(
		owner: &AccountId,
		datasets: Vec<DatasetId>,
		base: Option<ModelId>,
		fee: Balance,
	) -> ModelId {
		let model = pallet_models::NextModelId::<Runtime>::get();
		let mut artifact = [0x5au8; 32];
		artifact[..4].copy_from_slice(&model.to_le_bytes());
		let split = RewardSplit {
			model_owner: Perbill::from_percent(20),
			stakers: Perbill::from_percent(10),
			contributors: Perbill::from_percent(70),
		};
		pallet_models::Pallet::<Runtime>::register_model(
			RuntimeOrigin::signed(owner.clone()),
			H256(artifact),
			b"ipfs://benchmark-model".to_vec(),
			datasets,
			base,
			H256::repeat_byte(0x1d),
			b"ipfs://benchmark-index".to_vec(),
			fee,
			split,
		)
		.expect("benchmark model registers");
		model
	}
}

impl pallet_attribution::benchmarking::BenchmarkHelper<AccountId, Balance> for Helper {
	fn model_with_contributions(
		datasets: u32,
		contributions: u32,
		fee: Balance,
	) -> (ModelId, Vec<ContributionRef>) {
		let owner = Self::funded("model-owner", 0);
		let base = pallet_models::NextModelId::<Runtime>::get();
		let base_dataset = Self::dataset(2_000_000 + base, base, &owner);
		Self::model(&owner, alloc::vec![base_dataset], None, fee);
		let model = base + 1;
		let datasets = datasets.max(1);
		let mut refs = Vec::new();
		let mut ids = Vec::new();
		for d in 0..datasets {
			// Seeds above the ones other helpers use keep the content hashes distinct.
			let seed = 1_000_000 + model * 64 + d;
			let dataset = Self::dataset(seed, model, &owner);
			let dataset_owner: AccountId = frame_benchmarking::account("dataset-owner", seed, 0);
			// Open to everyone's contributions (already open: `Unchanged`, fine).
			let _ = pallet_datasets::Pallet::<Runtime>::set_open(
				RuntimeOrigin::signed(dataset_owner),
				dataset,
				true,
			);
			ids.push(dataset);
			refs.push(ContributionRef::new(dataset, 0));
		}
		for i in datasets..contributions.max(datasets) {
			let dataset = ids[(i % datasets) as usize];
			let contributor = Self::funded("contributor", model * 1_000 + i);
			let id = pallet_datasets::Datasets::<Runtime>::get(dataset)
				.expect("benchmark dataset exists")
				.contribution_count;
			let mut hash = [0xc0u8; 32];
			hash[..4].copy_from_slice(&model.to_le_bytes());
			hash[4..8].copy_from_slice(&i.to_le_bytes());
			pallet_datasets::Pallet::<Runtime>::add_contribution(
				RuntimeOrigin::signed(contributor),
				dataset,
				H256(hash),
				1 + i,
				b"ipfs://benchmark-contribution".to_vec(),
			)
			.expect("benchmark contribution");
			refs.push(ContributionRef::new(dataset, id));
		}
		refs.sort();
		let registered = Self::model(&owner, ids.clone(), Some(base), fee);
		debug_assert_eq!(registered, model);
		// Stake on the model and on every dataset: a settlement credits every pool it pays.
		let targets: Vec<StakeTarget> = core::iter::once(StakeTarget::Model(model))
			.chain(ids.iter().map(|d| StakeTarget::Dataset(*d)))
			.collect();
		let staker = Self::funded("model-staker", model);
		for target in &targets {
			pallet_stake::Pallet::<Runtime>::stake(
				RuntimeOrigin::signed(staker.clone()),
				*target,
				10 * UNIT,
			)
			.expect("benchmark stake");
		}
		// The stake earns once warmed up.
		let now = frame_system::Pallet::<Runtime>::block_number();
		frame_system::Pallet::<Runtime>::set_block_number(
			now + <Runtime as pallet_stake::Config>::StakeWarmup::get(),
		);
		for target in targets {
			pallet_stake::Pallet::<Runtime>::activate_stake(
				RuntimeOrigin::signed(owner.clone()),
				target,
				staker.clone(),
			)
			.expect("benchmark stake activates");
		}
		(model, refs)
	}

	fn make_attestor(who: &AccountId) {
		let _ = Balances::set_balance(who, 1_000_000 * UNIT);
		pallet_stake::Pallet::<Runtime>::bond_attestor(
			RuntimeOrigin::signed(who.clone()),
			1_000 * UNIT,
		)
		.expect("benchmark attestor bonds");
	}
}
