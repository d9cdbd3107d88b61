//! Unit tests of `pallet_stake`: the happy paths, for every call every way it can fail (the
//! named error, storage unchanged — `assert_noop!` compares the storage root — and every
//! free and held balance unchanged), the reward arithmetic with many stakers, and a seeded
//! random property test of conservation. `do_try_state` runs after every test.

use crate::{
	mock::*, Attestors, Error, Event, HoldReason, Pools, Stakes, TotalClaimed, TotalRewarded,
	UnbondKind, Unbonding, UnbondingChunk, ACC_SCALE,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		tokens::Preservation,
		Hooks,
	},
};
use sp_runtime::DispatchError;
use tributary_primitives::{traits::StakingHooks, StakeTarget};

type StakePallet = crate::Pallet<Test>;

fn staked(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::Staked.into(), &who)
}
fn bonded(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::AttestorBond.into(), &who)
}
fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}
fn reward_account() -> AccountId {
	StakePallet::reward_account()
}

/// Free and held balances of every account the tests use.
fn balances() -> Vec<(Balance, Balance, Balance)> {
	[ALICE, BOB, CHARLIE, POOR, GENESIS_ATTESTOR, SETTLER, TREASURY, reward_account()]
		.iter()
		.map(|a| (free(*a), staked(*a), bonded(*a)))
		.collect()
}

/// `assert_noop!` plus an explicit check that no balance or hold moved.
macro_rules! assert_noop_unchanged {
	($call:expr, $err:expr $(,)?) => {{
		let before = balances();
		let issuance = Balances::total_issuance();
		assert_noop!($call, $err);
		assert_eq!(balances(), before, "balances changed");
		assert_eq!(Balances::total_issuance(), issuance, "issuance changed");
	}};
}

/// Settle-like credit: move `amount` from SETTLER into the reward account and credit the
/// stakers of `target`; on `Err` the amount is moved back, as settlement would route it.
fn reward(target: StakeTarget, amount: Balance) -> Result<(), Balance> {
	assert_ok!(Balances::transfer(&SETTLER, &reward_account(), amount, Preservation::Preserve));
	let r = <StakePallet as StakingHooks<_, _>>::reward_stakers(target, amount);
	if let Err(back) = r {
		assert_eq!(back, amount);
		assert_ok!(Balances::transfer(&reward_account(), &SETTLER, back, Preservation::Preserve));
	}
	r
}

fn stake(who: AccountId, target: StakeTarget, amount: Balance) {
	assert_ok!(StakePallet::stake(RuntimeOrigin::signed(who), target, amount));
}

fn chunk(kind: UnbondKind, amount: Balance, unlock_at: u64) -> UnbondingChunk<Balance, u64> {
	UnbondingChunk { kind, amount, unlock_at }
}

// ---------------------------------------------------------------- genesis, hooks

#[test]
fn genesis_bonds_attestors_and_seeds_the_reward_account() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Attestors::<Test>::get(GENESIS_ATTESTOR), Some(200));
		assert_eq!(Attestors::<Test>::count(), 1);
		assert_eq!(bonded(GENESIS_ATTESTOR), 200);
		assert!(<StakePallet as StakingHooks<_, _>>::is_attestor(&GENESIS_ATTESTOR));
		assert!(!<StakePallet as StakingHooks<_, _>>::is_attestor(&ALICE));
		assert_eq!(Balances::total_balance(&reward_account()), Balances::minimum_balance());
		assert_eq!(<StakePallet as StakingHooks<_, _>>::reward_account(), reward_account());
	});
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::default().build_and_execute(|| {
		<StakePallet as Hooks<u64>>::integrity_test();
	});
}

// ---------------------------------------------------------------- stake

#[test]
fn stake_works_on_models_and_datasets() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, MODEL, 100);
		System::assert_last_event(Event::Staked { who: ALICE, target: MODEL, amount: 100 }.into());
		assert_eq!(staked(ALICE), 100);
		assert_eq!(free(ALICE), 9_900);
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().total, 100);
		// A top-up may be below MinStake: the resulting stake is what counts.
		stake(ALICE, MODEL, 1);
		assert_eq!(Stakes::<Test>::get(MODEL, ALICE).unwrap().amount, 101);
		// Datasets: "not approved" for some model is no concern of stakers.
		stake(BOB, DATASET, 10);
		System::assert_last_event(Event::Staked { who: BOB, target: DATASET, amount: 10 }.into());
		assert_eq!(Pools::<Test>::get(DATASET).unwrap().total, 10);
		assert_eq!(staked(BOB), 10);
	});
}

#[test]
fn stake_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		let s =
			|who, target, amount| StakePallet::stake(RuntimeOrigin::signed(who), target, amount);
		assert_noop_unchanged!(s(ALICE, MODEL, 0), Error::<Test>::ZeroAmount);
		assert_noop_unchanged!(s(ALICE, StakeTarget::Model(7), 100), Error::<Test>::UnknownTarget);
		assert_noop_unchanged!(
			s(ALICE, StakeTarget::Dataset(7), 100),
			Error::<Test>::UnknownTarget
		);
		assert_noop_unchanged!(s(ALICE, RETIRED_MODEL, 100), Error::<Test>::TargetRetired);
		assert_noop_unchanged!(s(ALICE, RETIRED_DATASET, 100), Error::<Test>::TargetRetired);
		assert_noop_unchanged!(s(ALICE, MODEL, 9), Error::<Test>::BelowMinimum);
		assert_noop_unchanged!(s(POOR, MODEL, 10), Error::<Test>::InsufficientBalance);
		assert_noop_unchanged!(s(ALICE, MODEL, 10_001), Error::<Test>::InsufficientBalance);
		assert_noop_unchanged!(
			StakePallet::stake(RuntimeOrigin::root(), MODEL, 100),
			DispatchError::BadOrigin
		);
		// A model retired after staking takes no new stake.
		stake(ALICE, MODEL, 100);
		MockModels::put(0, true);
		assert_noop_unchanged!(s(ALICE, MODEL, 100), Error::<Test>::TargetRetired);
	});
}

// ---------------------------------------------------------------- unstake

#[test]
fn unstake_moves_stake_into_unbonding() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, MODEL, 100);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 30));
		System::assert_last_event(
			Event::Unstaked { who: ALICE, target: MODEL, amount: 30, unlock_at: 1 + UNBONDING }
				.into(),
		);
		assert_eq!(Stakes::<Test>::get(MODEL, ALICE).unwrap().amount, 70);
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().total, 70);
		// Still held until withdrawn.
		assert_eq!(staked(ALICE), 100);
		assert_eq!(free(ALICE), 9_900);
		// Same block: merged into one chunk.
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 70));
		assert_eq!(
			Unbonding::<Test>::get(ALICE).to_vec(),
			vec![chunk(UnbondKind::Stake, 100, 1 + UNBONDING)]
		);
		// Fully unstaked without pending rewards: the record is gone.
		assert!(Stakes::<Test>::get(MODEL, ALICE).is_none());
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().total, 0);
	});
}

#[test]
fn unstake_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		let u =
			|who, target, amount| StakePallet::unstake(RuntimeOrigin::signed(who), target, amount);
		assert_noop_unchanged!(u(ALICE, MODEL, 10), Error::<Test>::NotStaked);
		stake(ALICE, MODEL, 100);
		assert_noop_unchanged!(u(ALICE, DATASET, 10), Error::<Test>::NotStaked);
		assert_noop_unchanged!(u(BOB, MODEL, 10), Error::<Test>::NotStaked);
		assert_noop_unchanged!(u(ALICE, MODEL, 0), Error::<Test>::ZeroAmount);
		assert_noop_unchanged!(u(ALICE, MODEL, 101), Error::<Test>::InsufficientStake);
		assert_noop_unchanged!(u(ALICE, MODEL, 95), Error::<Test>::BelowMinimum);
		assert_noop_unchanged!(
			StakePallet::unstake(RuntimeOrigin::root(), MODEL, 10),
			DispatchError::BadOrigin
		);
		for b in 0..MAX_CHUNKS as u64 {
			System::set_block_number(2 + b);
			assert_ok!(u(ALICE, MODEL, 10));
		}
		System::set_block_number(10);
		assert_noop_unchanged!(u(ALICE, MODEL, 10), Error::<Test>::TooManyUnbondingChunks);
		// Fully unstaked with rewards pending: no stake to unstake, the claim remains.
		assert_ok!(reward(MODEL, 70));
		System::set_block_number(4);
		assert_ok!(u(ALICE, MODEL, 70));
		assert_noop_unchanged!(u(ALICE, MODEL, 10), Error::<Test>::NotStaked);
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 70);
	});
}

// ---------------------------------------------------------------- withdraw_unbonded

#[test]
fn withdraw_unbonded_releases_matured_chunks_only() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, MODEL, 100);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 20));
		System::set_block_number(5);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 30));
		System::set_block_number(1 + UNBONDING);
		assert_ok!(StakePallet::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		System::assert_last_event(Event::Withdrawn { who: ALICE, amount: 20 }.into());
		assert_eq!(staked(ALICE), 80);
		assert_eq!(free(ALICE), 9_920);
		assert_eq!(
			Unbonding::<Test>::get(ALICE).to_vec(),
			vec![chunk(UnbondKind::Stake, 30, 5 + UNBONDING)]
		);
		System::set_block_number(5 + UNBONDING);
		assert_ok!(StakePallet::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		System::assert_last_event(Event::Withdrawn { who: ALICE, amount: 30 }.into());
		assert_eq!(staked(ALICE), 50);
		assert!(!Unbonding::<Test>::contains_key(ALICE));
	});
}

#[test]
fn withdraw_unbonded_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		let w = |who| StakePallet::withdraw_unbonded(RuntimeOrigin::signed(who));
		assert_noop_unchanged!(w(ALICE), Error::<Test>::NothingToWithdraw);
		stake(ALICE, MODEL, 100);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 20));
		System::set_block_number(UNBONDING);
		assert_noop_unchanged!(w(ALICE), Error::<Test>::NothingToWithdraw);
		assert_noop_unchanged!(
			StakePallet::withdraw_unbonded(RuntimeOrigin::root()),
			DispatchError::BadOrigin
		);
	});
}

// ---------------------------------------------------------------- rewards and claim

#[test]
fn rewards_are_shared_by_stake_and_claimed() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, MODEL, 100);
		stake(BOB, MODEL, 300);
		assert_ok!(reward(MODEL, 400));
		System::assert_last_event(Event::StakersRewarded { target: MODEL, amount: 400 }.into());
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().reward_per_share, ACC_SCALE);
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 100);
		assert_eq!(StakePallet::pending_rewards(MODEL, &BOB), 300);
		// A late staker does not share earlier rewards.
		stake(CHARLIE, MODEL, 400);
		assert_eq!(StakePallet::pending_rewards(MODEL, &CHARLIE), 0);
		assert_ok!(reward(MODEL, 80));
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 110);
		assert_eq!(StakePallet::pending_rewards(MODEL, &BOB), 330);
		assert_eq!(StakePallet::pending_rewards(MODEL, &CHARLIE), 40);

		assert_ok!(StakePallet::claim(RuntimeOrigin::signed(ALICE), MODEL));
		System::assert_last_event(
			Event::RewardsClaimed { who: ALICE, target: MODEL, amount: 110 }.into(),
		);
		assert_eq!(free(ALICE), 10_000 - 100 + 110);
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 0);
		assert_eq!(TotalRewarded::<Test>::get(), 480);
		assert_eq!(TotalClaimed::<Test>::get(), 110);
		assert_eq!(Balances::total_balance(&reward_account()), Balances::minimum_balance() + 370);
		// Unstaked funds stop earning immediately.
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(BOB), MODEL, 300));
		assert_ok!(reward(MODEL, 50));
		assert_eq!(StakePallet::pending_rewards(MODEL, &BOB), 330);
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 10);
		assert_eq!(StakePallet::pending_rewards(MODEL, &CHARLIE), 80);
		// Claim after a full unstake pays and removes the record.
		assert_ok!(StakePallet::claim(RuntimeOrigin::signed(BOB), MODEL));
		assert!(Stakes::<Test>::get(MODEL, BOB).is_none());
		assert_eq!(free(BOB), 10_000 - 300 + 330);
	});
}

#[test]
fn can_reward_answers_as_reward_stakers_will() {
	ExtBuilder::default().build_and_execute(|| {
		let can = <StakePallet as StakingHooks<_, _>>::can_reward;
		assert!(!can(MODEL, 50), "no stake");
		stake(ALICE, MODEL, 10);
		assert!(can(MODEL, 50));
		assert_ok!(reward(MODEL, 50));
		// An amount that would overflow the total rewarded.
		assert!(!can(MODEL, Balance::MAX));
		assert_eq!(
			<StakePallet as StakingHooks<_, _>>::reward_stakers(MODEL, Balance::MAX),
			Err(Balance::MAX)
		);
		assert!(can(MODEL, 50));
	});
}

#[test]
fn reward_stakers_refuses_targets_without_stake() {
	ExtBuilder::default().build_and_execute(|| {
		let before = balances();
		assert_eq!(reward(MODEL, 50), Err(50));
		assert_eq!(reward(StakeTarget::Model(7), 50), Err(50));
		stake(ALICE, DATASET, 10);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), DATASET, 10));
		// A pool whose stake is all gone.
		assert_eq!(reward(DATASET, 50), Err(50));
		assert_eq!(TotalRewarded::<Test>::get(), 0);
		assert_eq!(balances()[5], before[5]);
		assert_eq!(Balances::total_balance(&reward_account()), Balances::minimum_balance());
	});
}

#[test]
fn claim_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		let c = |who, target| StakePallet::claim(RuntimeOrigin::signed(who), target);
		assert_noop_unchanged!(c(ALICE, MODEL), Error::<Test>::NotStaked);
		stake(ALICE, MODEL, 100);
		assert_noop_unchanged!(c(ALICE, MODEL), Error::<Test>::NothingToClaim);
		assert_noop_unchanged!(c(ALICE, DATASET), Error::<Test>::NotStaked);
		assert_ok!(reward(MODEL, 5));
		assert_noop_unchanged!(
			StakePallet::claim(RuntimeOrigin::root(), MODEL),
			DispatchError::BadOrigin
		);
		assert_ok!(c(ALICE, MODEL));
		assert_noop_unchanged!(c(ALICE, MODEL), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn many_stakers_get_stake_proportional_rewards_up_to_rounding() {
	let stakers: Vec<(AccountId, Balance)> =
		(1_000..1_200u64).map(|a| (a, 10 + (a * 7_919) % 9_973)).collect();
	let endow = stakers.iter().map(|(a, s)| (*a, s + 1)).collect();
	ExtBuilder::default().with_balances(endow).build_and_execute(|| {
		for (a, s) in &stakers {
			stake(*a, MODEL, *s);
		}
		let total: u128 = stakers.iter().map(|(_, s)| *s as u128).sum();
		let rewards: [Balance; 3] = [1_000_003, 7, 123_456_789];
		let mut exact = vec![0u128; stakers.len()]; // numerators over `total`
		for r in rewards {
			assert_ok!(reward(MODEL, r));
			for (i, (_, s)) in stakers.iter().enumerate() {
				exact[i] += r as u128 * *s as u128;
			}
		}
		let distributed: u128 = rewards.iter().map(|r| *r as u128).sum();
		let mut paid: u128 = 0;
		for (i, (a, _)) in stakers.iter().enumerate() {
			let got = StakePallet::pending_rewards(MODEL, a) as u128;
			let ideal_floor = exact[i] / total;
			// Rounded down, never above the exact share; at most one unit per credit below
			// (plus the accumulator's 10^-18 per unit of stake, negligible here).
			assert!(got <= ideal_floor, "staker {a} got {got} > {ideal_floor}");
			assert!(got + rewards.len() as u128 >= ideal_floor, "staker {a} lost too much");
			paid += got;
			if got > 0 {
				assert_ok!(StakePallet::claim(RuntimeOrigin::signed(*a), MODEL));
				assert_eq!(free(*a) as u128, 1 + got);
			}
		}
		let dust = distributed - paid;
		assert!(dust <= (rewards.len() * (stakers.len() + 1)) as u128, "dust {dust}");
		assert_eq!(TotalClaimed::<Test>::get() as u128, paid);
		assert_eq!(
			Balances::total_balance(&reward_account()) as u128,
			Balances::minimum_balance() as u128 + dust,
			"the reward account keeps exactly the dust"
		);
	});
}

/// A tiny deterministic generator (xorshift64*) for the property test.
struct Rng(u64);
impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}
}

#[test]
fn random_sequences_conserve_rewards() {
	let accounts: Vec<AccountId> = (2_000..2_012).collect();
	let targets = [MODEL, DATASET, StakeTarget::Model(2)];
	for seed in 1..=25u64 {
		let endow = accounts.iter().map(|a| (*a, 1_000_000)).collect();
		ExtBuilder::default().with_balances(endow).build_and_execute(|| {
			MockModels::put(2, false);
			let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
			let issuance = Balances::total_issuance();
			let mut distributed: u128 = 0;
			let mut credits: u128 = 0;
			let mut touches: u128 = 0;
			for step in 0..300u64 {
				System::set_block_number(1 + step / 5);
				let who = accounts[rng.below(accounts.len() as u64) as usize];
				let target = targets[rng.below(3) as usize];
				match rng.below(6) {
					0 | 1 => {
						let amount = 1 + rng.below(50_000);
						if StakePallet::stake(RuntimeOrigin::signed(who), target, amount).is_ok() {
							touches += 1;
						}
					}
					2 => {
						let have = Stakes::<Test>::get(target, who).map_or(0, |s| s.amount);
						let amount = if rng.below(3) == 0 { have } else { rng.below(have + 1) };
						if StakePallet::unstake(RuntimeOrigin::signed(who), target, amount).is_ok()
						{
							touches += 1;
						}
					}
					3 => {
						let amount = rng.below(1_000_000);
						if amount > 0 && reward(target, amount).is_ok() {
							distributed += amount as u128;
							credits += 1;
						}
					}
					4 => {
						if StakePallet::claim(RuntimeOrigin::signed(who), target).is_ok() {
							touches += 1;
						}
					}
					_ => {
						let _ = StakePallet::withdraw_unbonded(RuntimeOrigin::signed(who));
					}
				}
			}
			let claimed = TotalClaimed::<Test>::get() as u128;
			let pending: u128 = Stakes::<Test>::iter()
				.map(|(t, a, _)| StakePallet::pending_rewards(t, &a) as u128)
				.sum();
			let in_account =
				(Balances::total_balance(&reward_account()) - Balances::minimum_balance()) as u128;
			assert!(credits > 0 && claimed > 0 && touches > 50, "seed {seed}: sequence too idle");
			assert_eq!(TotalRewarded::<Test>::get() as u128, distributed);
			// Everything credited sits in the reward account until claimed.
			assert_eq!(in_account, distributed - claimed, "seed {seed}");
			// distributed = claimed + pending + dust, dust ≥ 0 and bounded by the roundings.
			assert!(claimed + pending <= distributed, "seed {seed}: created rewards");
			let dust = distributed - claimed - pending;
			let stakers = Stakes::<Test>::iter().count() as u128;
			assert!(
				dust <= credits + touches + stakers,
				"seed {seed}: dust {dust} above the rounding bound"
			);
			// Nothing created or destroyed.
			assert_eq!(Balances::total_issuance(), issuance, "seed {seed}");
		});
	}
}

// ---------------------------------------------------------------- attestors

#[test]
fn bond_and_unbond_attestor() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakePallet::bond_attestor(RuntimeOrigin::signed(ALICE), 150));
		System::assert_last_event(Event::AttestorBonded { who: ALICE, amount: 150 }.into());
		assert_eq!(bonded(ALICE), 150);
		assert_eq!(free(ALICE), 9_850);
		assert!(<StakePallet as StakingHooks<_, _>>::is_attestor(&ALICE));
		assert_eq!(Attestors::<Test>::count(), 2);

		assert_ok!(StakePallet::unbond_attestor(RuntimeOrigin::signed(ALICE)));
		System::assert_last_event(
			Event::AttestorUnbonded { who: ALICE, amount: 150, unlock_at: 1 + UNBONDING }.into(),
		);
		assert!(!<StakePallet as StakingHooks<_, _>>::is_attestor(&ALICE));
		assert_eq!(bonded(ALICE), 150);
		assert_eq!(
			Unbonding::<Test>::get(ALICE).to_vec(),
			vec![chunk(UnbondKind::Attestor, 150, 1 + UNBONDING)]
		);
		// Stake and bond unbonding together; withdrawal releases both holds.
		stake(ALICE, MODEL, 40);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 40));
		System::set_block_number(1 + UNBONDING);
		assert_ok!(StakePallet::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		System::assert_last_event(Event::Withdrawn { who: ALICE, amount: 190 }.into());
		assert_eq!((bonded(ALICE), staked(ALICE), free(ALICE)), (0, 0, 10_000));
		// May bond again.
		assert_ok!(StakePallet::bond_attestor(RuntimeOrigin::signed(ALICE), 100));
	});
}

#[test]
fn bond_attestor_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		let b = |who, amount| StakePallet::bond_attestor(RuntimeOrigin::signed(who), amount);
		assert_noop_unchanged!(b(GENESIS_ATTESTOR, 100), Error::<Test>::AlreadyAttestor);
		assert_noop_unchanged!(b(ALICE, 99), Error::<Test>::BelowMinimum);
		assert_noop_unchanged!(b(ALICE, 10_001), Error::<Test>::InsufficientBalance);
		assert_noop_unchanged!(b(POOR, 100), Error::<Test>::InsufficientBalance);
		assert_noop_unchanged!(
			StakePallet::bond_attestor(RuntimeOrigin::root(), 100),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn unbond_attestor_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		let u = |who| StakePallet::unbond_attestor(RuntimeOrigin::signed(who));
		assert_noop_unchanged!(u(ALICE), Error::<Test>::NotAttestor);
		assert_noop_unchanged!(
			StakePallet::unbond_attestor(RuntimeOrigin::root()),
			DispatchError::BadOrigin
		);
		stake(GENESIS_ATTESTOR, MODEL, 100);
		for b in 0..MAX_CHUNKS as u64 {
			System::set_block_number(2 + b);
			assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(GENESIS_ATTESTOR), MODEL, 10));
		}
		assert_noop_unchanged!(u(GENESIS_ATTESTOR), Error::<Test>::TooManyUnbondingChunks);
	});
}

#[test]
fn slash_transfers_the_bond_to_the_beneficiary() {
	ExtBuilder::default().build_and_execute(|| {
		let issuance = Balances::total_issuance();
		assert_ok!(StakePallet::slash(RuntimeOrigin::root(), GENESIS_ATTESTOR, 50));
		System::assert_last_event(Event::Slashed { who: GENESIS_ATTESTOR, amount: 50 }.into());
		assert_eq!(bonded(GENESIS_ATTESTOR), 150);
		assert_eq!(free(TREASURY), 51);
		assert!(<StakePallet as StakingHooks<_, _>>::is_attestor(&GENESIS_ATTESTOR));
		// Below the minimum: no longer an attestor, but the bond remains (and can unbond).
		assert_ok!(StakePallet::slash(RuntimeOrigin::root(), GENESIS_ATTESTOR, 60));
		assert_eq!(Attestors::<Test>::get(GENESIS_ATTESTOR), Some(90));
		assert!(!<StakePallet as StakingHooks<_, _>>::is_attestor(&GENESIS_ATTESTOR));
		assert_ok!(StakePallet::unbond_attestor(RuntimeOrigin::signed(GENESIS_ATTESTOR)));
		// Unbonding funds stay slashable; more than there is slashes what there is.
		assert_ok!(StakePallet::slash(RuntimeOrigin::root(), GENESIS_ATTESTOR, 1_000));
		System::assert_last_event(Event::Slashed { who: GENESIS_ATTESTOR, amount: 90 }.into());
		assert_eq!(bonded(GENESIS_ATTESTOR), 0);
		assert!(!Unbonding::<Test>::contains_key(GENESIS_ATTESTOR));
		assert_eq!(free(TREASURY), 201);
		assert_eq!(free(GENESIS_ATTESTOR), 800);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn slash_takes_bond_then_latest_attestor_chunks_and_never_stake() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, MODEL, 100);
		assert_ok!(StakePallet::bond_attestor(RuntimeOrigin::signed(ALICE), 100));
		assert_ok!(StakePallet::unbond_attestor(RuntimeOrigin::signed(ALICE)));
		System::set_block_number(2);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 50));
		System::set_block_number(3);
		assert_ok!(StakePallet::bond_attestor(RuntimeOrigin::signed(ALICE), 120));
		assert_ok!(StakePallet::unbond_attestor(RuntimeOrigin::signed(ALICE)));
		assert_ok!(StakePallet::bond_attestor(RuntimeOrigin::signed(ALICE), 100));
		assert_ok!(StakePallet::slash(RuntimeOrigin::root(), ALICE, 150));
		assert!(!Attestors::<Test>::contains_key(ALICE));
		assert_eq!(
			Unbonding::<Test>::get(ALICE).to_vec(),
			vec![
				chunk(UnbondKind::Attestor, 100, 1 + UNBONDING),
				chunk(UnbondKind::Stake, 50, 2 + UNBONDING),
				chunk(UnbondKind::Attestor, 70, 3 + UNBONDING),
			]
		);
		assert_eq!(staked(ALICE), 100);
		assert_eq!(bonded(ALICE), 170);
		assert_ok!(StakePallet::slash(RuntimeOrigin::root(), ALICE, 1_000));
		System::assert_last_event(Event::Slashed { who: ALICE, amount: 170 }.into());
		assert_eq!(
			Unbonding::<Test>::get(ALICE).to_vec(),
			vec![chunk(UnbondKind::Stake, 50, 2 + UNBONDING)]
		);
		assert_eq!(staked(ALICE), 100);
	});
}

#[test]
fn slash_rejects_bad_input() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop_unchanged!(
			StakePallet::slash(RuntimeOrigin::signed(ALICE), GENESIS_ATTESTOR, 10),
			DispatchError::BadOrigin
		);
		assert_noop_unchanged!(
			StakePallet::slash(RuntimeOrigin::root(), GENESIS_ATTESTOR, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop_unchanged!(
			StakePallet::slash(RuntimeOrigin::root(), ALICE, 10),
			Error::<Test>::NotAttestor
		);
		// Stakers are not attestors: their stake cannot be slashed.
		stake(ALICE, MODEL, 100);
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 50));
		assert_noop_unchanged!(
			StakePallet::slash(RuntimeOrigin::root(), ALICE, 10),
			Error::<Test>::NotAttestor
		);
	});
}

// ---------------------------------------------------------------- invariants

#[test]
fn try_state_detects_broken_accounting() {
	ExtBuilder::default().build().execute_with(|| {
		stake(ALICE, MODEL, 100);
		assert_ok!(reward(MODEL, 100));
		assert_ok!(StakePallet::do_try_state());
		// Credits without funds behind them.
		TotalRewarded::<Test>::mutate(|t| *t += 1);
		assert!(StakePallet::do_try_state().is_err());
		TotalRewarded::<Test>::mutate(|t| *t -= 1);
		// A pool total that is not the sum of its stakes.
		Pools::<Test>::mutate(MODEL, |p| p.as_mut().unwrap().total = 99);
		assert!(StakePallet::do_try_state().is_err());
		Pools::<Test>::mutate(MODEL, |p| p.as_mut().unwrap().total = 100);
		assert_ok!(StakePallet::do_try_state());
		// A hold that does not match.
		assert_ok!(Balances::mint_into(&ALICE, 0));
		Stakes::<Test>::mutate(MODEL, ALICE, |s| s.as_mut().unwrap().amount = 90);
		assert!(StakePallet::do_try_state().is_err());
	});
}

// ---------------------------------------------------------------- warm-up

fn set_block(n: u64) {
	System::set_block_number(n);
}

#[test]
fn a_just_in_time_staker_earns_nothing_within_the_warm_up() {
	ExtBuilder::default().build_and_execute(|| {
		StakeWarmup::set(10);
		stake(ALICE, MODEL, 100);
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().total, 0, "warming stake is not counted");
		assert_eq!(reward(MODEL, 100), Err(100), "no warmed stake: nothing credited");
		set_block(11);
		// Alice's warm-up is over; anyone may let it join.
		assert_ok!(StakePallet::activate_stake(RuntimeOrigin::signed(CHARLIE), MODEL, ALICE));
		System::assert_last_event(
			Event::StakeActivated { who: ALICE, target: MODEL, amount: 100 }.into(),
		);
		// Bob stakes ten times as much just before a large settlement.
		stake(BOB, MODEL, 1_000);
		assert_ok!(reward(MODEL, 500));
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 500);
		assert_eq!(StakePallet::pending_rewards(MODEL, &BOB), 0);
		// After the warm-up Bob earns pro rata.
		set_block(21);
		assert_ok!(StakePallet::activate_stake(RuntimeOrigin::signed(BOB), MODEL, BOB));
		assert_ok!(reward(MODEL, 1_100));
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 600);
		assert_eq!(StakePallet::pending_rewards(MODEL, &BOB), 1_000);
		assert_ok!(StakePallet::claim(RuntimeOrigin::signed(BOB), MODEL));
		assert_eq!(free(BOB), 10_000 - 1_000 + 1_000);
	});
}

#[test]
fn warming_stake_joins_on_the_stakers_next_touch_and_unstakes_first() {
	ExtBuilder::default().build_and_execute(|| {
		StakeWarmup::set(5);
		stake(ALICE, MODEL, 100);
		set_block(6);
		// Staking more folds the warmed 100 in and warms the new 50.
		stake(ALICE, MODEL, 50);
		let info = Stakes::<Test>::get(MODEL, ALICE).unwrap();
		assert_eq!((info.amount, info.warming, info.warm_at), (100, 50, 11));
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().total, 100);
		// Unstaking takes the warming part first.
		assert_ok!(StakePallet::unstake(RuntimeOrigin::signed(ALICE), MODEL, 60));
		let info = Stakes::<Test>::get(MODEL, ALICE).unwrap();
		assert_eq!((info.amount, info.warming), (90, 0));
		assert_eq!(Pools::<Test>::get(MODEL).unwrap().total, 90);
		assert_eq!(staked(ALICE), 150, "unbonding stays held");
	});
}

#[test]
fn activate_stake_rejects_bad_input_without_changes() {
	ExtBuilder::default().build_and_execute(|| {
		StakeWarmup::set(5);
		assert_noop_unchanged!(
			StakePallet::activate_stake(RuntimeOrigin::signed(BOB), MODEL, ALICE),
			Error::<Test>::NotStaked
		);
		stake(ALICE, MODEL, 100);
		assert_noop_unchanged!(
			StakePallet::activate_stake(RuntimeOrigin::signed(BOB), MODEL, ALICE),
			Error::<Test>::StillWarmingUp
		);
		set_block(6);
		assert_ok!(StakePallet::activate_stake(RuntimeOrigin::signed(BOB), MODEL, ALICE));
		assert_noop_unchanged!(
			StakePallet::activate_stake(RuntimeOrigin::signed(BOB), MODEL, ALICE),
			Error::<Test>::NothingWarming
		);
		assert_noop_unchanged!(
			StakePallet::activate_stake(RuntimeOrigin::none(), MODEL, ALICE),
			DispatchError::BadOrigin
		);
	});
}

// ---------------------------------------------------------------- datasets and funds

#[test]
fn dataset_stakers_earn_what_is_credited_to_the_dataset() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, DATASET, 30);
		stake(BOB, DATASET, 10);
		assert_ok!(reward(DATASET, 80));
		assert_eq!(StakePallet::pending_rewards(DATASET, &ALICE), 60);
		assert_eq!(StakePallet::pending_rewards(DATASET, &BOB), 20);
		assert_ok!(StakePallet::claim(RuntimeOrigin::signed(ALICE), DATASET));
		assert_eq!(free(ALICE), 10_000 - 30 + 60);
	});
}

#[test]
fn stakers_are_credited_only_for_funds_that_arrived() {
	ExtBuilder::default().build_and_execute(|| {
		stake(ALICE, MODEL, 100);
		// No transfer first: nothing is credited.
		assert_eq!(<StakePallet as StakingHooks<_, _>>::reward_stakers(MODEL, 100), Err(100));
		assert_eq!(TotalRewarded::<Test>::get(), 0);
		assert_eq!(StakePallet::pending_rewards(MODEL, &ALICE), 0);
		// A donation to the reward account is never credited either, and breaks no invariant.
		assert_ok!(Balances::transfer(&SETTLER, &reward_account(), 7, Preservation::Preserve));
		assert_ok!(StakePallet::do_try_state());
		assert_ok!(reward(MODEL, 100));
		let held = Balances::balance_on_hold(&HoldReason::StakerRewards.into(), &reward_account());
		assert_eq!(held, 100, "exactly the credited amount is held");
		// A hold out of step with the credits is caught.
		TotalClaimed::<Test>::mutate(|c| *c += 1);
		assert!(StakePallet::do_try_state().is_err());
		TotalClaimed::<Test>::mutate(|c| *c -= 1);
	});
}

// ---------------------------------------------------------------- attestor top-up

#[test]
fn a_slashed_attestor_tops_up_and_counts_again() {
	ExtBuilder::default().build_and_execute(|| {
		let is = |w| <StakePallet as StakingHooks<_, _>>::is_attestor(&w);
		assert!(is(GENESIS_ATTESTOR));
		assert_ok!(StakePallet::slash(RuntimeOrigin::root(), GENESIS_ATTESTOR, 150));
		assert_eq!(Attestors::<Test>::get(GENESIS_ATTESTOR), Some(50));
		assert!(!is(GENESIS_ATTESTOR), "below the minimum bond");
		assert_noop_unchanged!(
			StakePallet::bond_attestor(RuntimeOrigin::signed(GENESIS_ATTESTOR), 100),
			Error::<Test>::AlreadyAttestor
		);
		assert_ok!(StakePallet::bond_attestor_extra(RuntimeOrigin::signed(GENESIS_ATTESTOR), 50));
		System::assert_last_event(
			Event::AttestorBondIncreased { who: GENESIS_ATTESTOR, amount: 50, bond: 100 }.into(),
		);
		assert!(is(GENESIS_ATTESTOR));
		assert_eq!(bonded(GENESIS_ATTESTOR), 100);
	});
}

#[test]
fn unbonding_attestors_do_not_count_and_cannot_top_up() {
	ExtBuilder::default().build_and_execute(|| {
		let is = |w| <StakePallet as StakingHooks<_, _>>::is_attestor(&w);
		assert_ok!(StakePallet::bond_attestor(RuntimeOrigin::signed(ALICE), 100));
		assert!(is(ALICE));
		assert_ok!(StakePallet::unbond_attestor(RuntimeOrigin::signed(ALICE)));
		assert!(!is(ALICE), "an unbonding attestor is not in good standing");
		assert_noop_unchanged!(
			StakePallet::bond_attestor_extra(RuntimeOrigin::signed(ALICE), 100),
			Error::<Test>::NotAttestor
		);
	});
}

#[test]
fn bond_attestor_extra_rejects_bad_input_without_changes() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop_unchanged!(
			StakePallet::bond_attestor_extra(RuntimeOrigin::signed(GENESIS_ATTESTOR), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop_unchanged!(
			StakePallet::bond_attestor_extra(RuntimeOrigin::signed(BOB), 100),
			Error::<Test>::NotAttestor
		);
		assert_noop_unchanged!(
			StakePallet::bond_attestor_extra(RuntimeOrigin::signed(GENESIS_ATTESTOR), 10_000),
			Error::<Test>::InsufficientBalance
		);
		assert_noop_unchanged!(
			StakePallet::bond_attestor_extra(RuntimeOrigin::none(), 100),
			DispatchError::BadOrigin
		);
	});
}
