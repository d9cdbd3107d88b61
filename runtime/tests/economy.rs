//! The economics end to end on the real runtime: datasets, a model, staking, settlement,
//! attribution and payout, with every escrowed unit accounted for.

use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, Hooks},
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve};
use sp_runtime::Perbill;
use tributary_primitives::{ContributionRef, License, RewardSplit, StakeTarget, H256};
use tributary_runtime::{
	configs::system_accounts, AccountId, Attribution, Balances, Datasets, Models, Runtime, Stake,
	System, UNIT,
};

mod common;
use common::*;

#[test]
fn a_fee_flows_from_developer_to_contributors_owner_stakers_and_protocol() {
	dev_ext().execute_with(|| {
		let (alice, bob, charlie, dave, eve) = (
			Alice.to_account_id(),
			Bob.to_account_id(),
			Charlie.to_account_id(),
			Dave.to_account_id(),
			Eve.to_account_id(),
		);
		// Bob's dataset (approval required), Eve contributes to it.
		let license = License { commercial: true, requires_approval: true };
		assert_ok!(Datasets::register_dataset(
			signed(&bob),
			H256::repeat_byte(1),
			b"ipfs://wine".to_vec(),
			license,
			b"{}".to_vec()
		));
		assert_ok!(Datasets::add_contribution(
			signed(&eve),
			0,
			H256::repeat_byte(2),
			120,
			b"ipfs://wine-eve".to_vec()
		));
		// Charlie's model, approved by Bob beforehand for the id it will get.
		let model = pallet_models::NextModelId::<Runtime>::get();
		let split = RewardSplit {
			model_owner: Perbill::from_percent(20),
			stakers: Perbill::from_percent(10),
			contributors: Perbill::from_percent(70),
		};
		let register = || {
			Models::register_model(
				signed(&charlie),
				H256::repeat_byte(9),
				b"ipfs://model".to_vec(),
				vec![0],
				None,
				H256::repeat_byte(8),
				b"ipfs://model.idx".to_vec(),
				10 * UNIT,
				split,
			)
		};
		assert_noop!(register(), pallet_models::Error::<Runtime>::NotApproved);
		assert_ok!(Datasets::approve_model(signed(&bob), 0, model, charlie.clone()));
		assert_ok!(register());
		// Dave stakes on the model; it earns once warmed up.
		assert_ok!(Stake::stake(signed(&dave), StakeTarget::Model(model), 50 * UNIT));
		let warm = System::block_number() + <Runtime as pallet_stake::Config>::StakeWarmup::get();
		System::set_block_number(warm);
		assert_ok!(Stake::activate_stake(signed(&dave), StakeTarget::Model(model), dave.clone()));

		let people = [alice.clone(), bob.clone(), charlie.clone(), dave.clone(), eve.clone()];
		let mut everyone: Vec<AccountId> = people.to_vec();
		everyone.extend(system_accounts());
		let issuance = Balances::total_issuance();
		let before = total(&everyone);

		// Dave pays for an inference; Alice (the dev attestor) attributes it 25/75.
		assert_ok!(Attribution::settle_inference(
			signed(&dave),
			model,
			b"x\n1\n".to_vec(),
			10 * UNIT
		));
		let scores = vec![
			(ContributionRef::new(0, 0), Perbill::from_percent(25)),
			(ContributionRef::new(0, 1), Perbill::from_percent(75)),
		];
		let eve_before = Balances::balance(&eve);
		let alice_before = Balances::balance(&alice);
		alice_attests(0, scores);
		assert_eq!(
			Balances::balance(&alice) - alice_before,
			UNIT / 4,
			"Alice's only change: her attestor reward, no fee"
		);

		// fee 10 UNIT: protocol 5% = 0.5 (half to Alice as attestor); 9.5 split 20/10/70.
		let contributors = 665 * UNIT / 100;
		let earnings = pallet_attribution::ContributorEarnings::<Runtime>::get;
		assert_eq!(earnings(&eve).unclaimed, contributors * 3 / 4);
		assert_eq!(earnings(&bob).total, contributors / 4);
		let escrow = pallet_attribution::Pallet::<Runtime>::escrow_account();
		let ed = tributary_runtime::EXISTENTIAL_DEPOSIT;
		assert_eq!(Balances::balance(&escrow), ed + contributors, "earnings wait in the escrow");
		assert_ok!(Attribution::claim_earnings(signed(&eve)));
		assert_eq!(Balances::balance(&eve) - eve_before, contributors * 3 / 4);
		assert_eq!(earnings(&eve).unclaimed, 0);
		assert_eq!(
			pallet_stake::Pallet::<Runtime>::pending_rewards(StakeTarget::Model(model), &dave),
			95 * UNIT / 100
		);
		assert!(pallet_attribution::Inferences::<Runtime>::get(0).is_none());
		// Nothing minted or burnt; every unit is with someone we know (transaction fees aside,
		// which these direct calls do not charge).
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(total(&everyone), before);
		assert_eq!(Balances::balance(&escrow), ed + contributors / 4, "Bob has not claimed");

		// Dave claims his staker reward.
		let dave_before = Balances::balance(&dave);
		assert_ok!(Stake::claim(signed(&dave), StakeTarget::Model(model)));
		assert_eq!(Balances::balance(&dave) - dave_before, 95 * UNIT / 100);

		// A second inference nobody attests is split by records (1 : 120) after the timeout.
		assert_ok!(Attribution::settle_inference(
			signed(&dave),
			model,
			b"x\n2\n".to_vec(),
			10 * UNIT
		));
		let deadline = pallet_attribution::Inferences::<Runtime>::get(1).unwrap().deadline;
		let eve_before = Balances::balance(&eve);
		System::set_block_number(deadline);
		Attribution::on_initialize(deadline);
		assert!(pallet_attribution::Inferences::<Runtime>::get(1).is_none());
		assert_eq!(earnings(&eve).unclaimed, contributors * 120 / 121);
		assert_ok!(Attribution::claim_earnings(signed(&eve)));
		assert_eq!(Balances::balance(&eve) - eve_before, contributors * 120 / 121);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(total(&everyone), before);
	});
}

#[test]
fn the_expiry_deposit_covers_the_largest_timeout_settlement_fee() {
	use frame_support::{dispatch::DispatchClass, traits::Get, weights::WeightToFee};
	use pallet_attribution::WeightInfo;
	type Weights = <Runtime as pallet_attribution::Config>::WeightInfo;
	let largest = <Runtime as pallet_attribution::Config>::MaxFallbackContributions::get();
	let weights = tributary_runtime::configs::RuntimeBlockWeights::get();
	let weight = Weights::settle_expired(largest)
		.saturating_add(weights.get(DispatchClass::Normal).base_extrinsic);
	let fee = <Runtime as pallet_transaction_payment::Config>::WeightToFee::weight_to_fee(&weight);
	let deposit = <Runtime as pallet_attribution::Config>::ExpiryDeposit::get();
	assert!(deposit >= fee, "deposit {deposit} below the fee {fee} of the work it pays for");
}
