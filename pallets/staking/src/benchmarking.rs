//! Benchmarks for `pallet_stake` (FRAME benchmarking v2).

use super::*;
use crate::Pallet as Stake;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{Bounded, Zero},
	Saturating,
};

/// Prepares the world the benchmarks need outside this pallet.
pub trait BenchmarkHelper {
	/// Make a live stake target (a registered, not retired model or dataset) and return it.
	fn active_target() -> StakeTarget;
}

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 8u32.into());
	who
}

fn ensure_exists<T: Config>(who: &T::AccountId) {
	let ed = T::Currency::minimum_balance();
	if T::Currency::balance(who) < ed {
		T::Currency::set_balance(who, ed);
	}
}

fn set_block<T: Config>(n: u32) {
	frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::from(n));
}

/// Credit `amount` of fresh rewards to `target`'s stakers, as settlement would.
fn reward<T: Config>(target: StakeTarget, amount: BalanceOf<T>) {
	let account = Stake::<T>::reward_account();
	ensure_exists::<T>(&account);
	let _ = T::Currency::mint_into(&account, amount);
	assert!(Stake::<T>::do_reward_stakers(target, amount).is_ok());
}

/// Stake `amount` of `who` on `target` and let it warm up and join the pool.
fn stake_warm<T: Config>(who: &T::AccountId, target: StakeTarget, amount: BalanceOf<T>) {
	assert!(Stake::<T>::do_stake(who.clone(), target, amount).is_ok());
	let warm = frame_system::Pallet::<T>::block_number().saturating_add(T::StakeWarmup::get());
	frame_system::Pallet::<T>::set_block_number(warm);
	let _ = Stake::<T>::do_activate_stake(who.clone(), target);
}

/// Give `who` `n` stake-unbonding chunks on `target`, each at a different block.
fn stake_chunks<T: Config>(who: &T::AccountId, target: StakeTarget, n: u32) {
	let min = T::MinStake::get();
	let total = min.saturating_mul((n + 1).into());
	stake_warm::<T>(who, target, total);
	for i in 0..n {
		set_block::<T>(i + 1);
		assert!(Stake::<T>::do_unstake(who.clone(), target, min).is_ok());
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Topping up an existing stake with pending rewards (the settle path).
	#[benchmark]
	fn stake() {
		let target = T::BenchmarkHelper::active_target();
		let who = funded::<T>("staker", 0);
		let min = T::MinStake::get();
		stake_warm::<T>(&who, target, min);
		reward::<T>(target, min);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), target, min);

		assert_eq!(
			Stakes::<T>::get(target, &who).map(|s| s.amount.saturating_add(s.warming)),
			Some(min.saturating_mul(2u32.into()))
		);
	}

	/// Unstaking with `c - 1` chunks already queued (a new chunk is appended).
	#[benchmark]
	fn unstake(c: Linear<1, { T::MaxUnbondingChunks::get() }>) {
		let target = T::BenchmarkHelper::active_target();
		let who = funded::<T>("staker", 0);
		stake_chunks::<T>(&who, target, c - 1);
		reward::<T>(target, T::MinStake::get());
		set_block::<T>(c + 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), target, T::MinStake::get());

		assert_eq!(Unbonding::<T>::get(&who).len() as u32, c);
	}

	/// Withdrawing `c` matured chunks.
	#[benchmark]
	fn withdraw_unbonded(c: Linear<1, { T::MaxUnbondingChunks::get() }>) {
		let target = T::BenchmarkHelper::active_target();
		let who = funded::<T>("staker", 0);
		stake_chunks::<T>(&who, target, c);
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::UnbondingPeriod::get())
			.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Unbonding::<T>::get(&who).is_empty());
	}

	/// Claiming rewards (a transfer out of the reward account).
	#[benchmark]
	fn claim() {
		let target = T::BenchmarkHelper::active_target();
		let who = funded::<T>("staker", 0);
		let min = T::MinStake::get();
		stake_warm::<T>(&who, target, min);
		reward::<T>(target, min);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), target);

		assert!(Stake::<T>::pending_rewards(target, &who).is_zero());
	}

	/// Activating warmed-up stake with rewards to settle first.
	#[benchmark]
	fn activate_stake() {
		let target = T::BenchmarkHelper::active_target();
		let who = funded::<T>("staker", 0);
		let min = T::MinStake::get();
		stake_warm::<T>(&who, target, min);
		reward::<T>(target, min);
		assert!(Stake::<T>::do_stake(who.clone(), target, min).is_ok());
		if T::StakeWarmup::get().is_zero() {
			// Without a warm-up the stake joined at once: put it back to warming.
			Stakes::<T>::mutate(target, &who, |s| {
				if let Some(s) = s.as_mut() {
					s.amount = s.amount.saturating_sub(min);
					s.warming = min;
				}
			});
			Pools::<T>::mutate(target, |p| {
				if let Some(p) = p.as_mut() {
					p.total = p.total.saturating_sub(min);
				}
			});
		}
		let warm = frame_system::Pallet::<T>::block_number().saturating_add(T::StakeWarmup::get());
		frame_system::Pallet::<T>::set_block_number(warm);
		let caller = funded::<T>("caller", 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), target, who.clone());

		assert_eq!(Stakes::<T>::get(target, &who).map(|s| s.warming), Some(Zero::zero()));
	}

	/// Topping up an attestor bond.
	#[benchmark]
	fn bond_attestor_extra() {
		let who = funded::<T>("attestor", 0);
		assert!(Stake::<T>::do_bond_attestor(who.clone(), T::MinAttestorBond::get()).is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinAttestorBond::get());

		assert_eq!(
			Attestors::<T>::get(&who),
			Some(T::MinAttestorBond::get().saturating_mul(2u32.into()))
		);
	}

	/// Bonding a new attestor.
	#[benchmark]
	fn bond_attestor() {
		let who = funded::<T>("attestor", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinAttestorBond::get());

		assert!(Attestors::<T>::contains_key(&who));
	}

	/// Unbonding an attestor with `c - 1` chunks already queued.
	#[benchmark]
	fn unbond_attestor(c: Linear<1, { T::MaxUnbondingChunks::get() }>) {
		let target = T::BenchmarkHelper::active_target();
		let who = funded::<T>("attestor", 0);
		stake_chunks::<T>(&who, target, c - 1);
		assert!(Stake::<T>::do_bond_attestor(who.clone(), T::MinAttestorBond::get()).is_ok());
		set_block::<T>(c + 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Attestors::<T>::contains_key(&who));
	}

	/// Slashing the whole bond and `c - 1` unbonding attestor chunks.
	#[benchmark]
	fn slash(c: Linear<1, { T::MaxUnbondingChunks::get() }>) -> Result<(), BenchmarkError> {
		let origin =
			T::SlashOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = funded::<T>("attestor", 0);
		let bond = T::MinAttestorBond::get();
		for i in 0..c - 1 {
			set_block::<T>(i + 1);
			assert!(Stake::<T>::do_bond_attestor(who.clone(), bond).is_ok());
			assert!(Stake::<T>::do_unbond_attestor(who.clone()).is_ok());
		}
		assert!(Stake::<T>::do_bond_attestor(who.clone(), bond).is_ok());
		ensure_exists::<T>(&T::SlashBeneficiary::get());
		let all = bond.saturating_mul(c.into());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), all);

		assert!(!Attestors::<T>::contains_key(&who));
		assert!(Unbonding::<T>::get(&who).is_empty());
		Ok(())
	}

	impl_benchmark_test_suite!(Stake, crate::mock::new_test_ext(), crate::mock::Test);
}
