//! The stake pallet's logic: stake accounting, the reward-per-share accumulators,
//! unbonding, attestor bonds, slashing and the [`StakingHooks`] implementation.

use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{AccountIdConversion, CheckedAdd, CheckedSub, Saturating, Zero},
	ArithmeticError, Rounding, SaturatedConversion,
};
use tributary_primitives::{
	traits::{DatasetUseError, DatasetsInspect, ModelsInspect},
	ModelId, StakeTarget,
};

use crate::{
	Attestors, BalanceOf, ChunkOf, Config, Error, Event, HoldReason, Pallet, Pools, StakeInfoOf,
	Stakes, StakingHooks, TotalClaimed, TotalRewarded, UnbondKind, Unbonding, UnbondingChunk,
	ACC_SCALE,
};

/// `a × b / c`, rounded down; `None` on overflow or `c = 0`.
fn mul_div_down(a: u128, b: u128, c: u128) -> Option<u128> {
	if c == 0 {
		return None;
	}
	multiply_by_rational_with_rounding(a, b, c, Rounding::Down)
}

impl<T: Config> Pallet<T> {
	/// The account holding the stakers' credited, unclaimed rewards (and the rounding dust).
	pub fn reward_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Rewards `who` could claim from `target` now.
	pub fn pending_rewards(target: StakeTarget, who: &T::AccountId) -> BalanceOf<T> {
		let acc = Pools::<T>::get(target).map(|p| p.reward_per_share).unwrap_or_default();
		Stakes::<T>::get(target, who)
			.map(|mut info| {
				Self::settle(&mut info, acc);
				info.pending
			})
			.unwrap_or_default()
	}

	/// Settle `info`, then let its warming stake join `pool` if its warm-up is over
	/// (returns the amount that joined). O(1).
	fn fold(info: &mut StakeInfoOf<T>, pool: &mut crate::PoolOf<T>) -> BalanceOf<T> {
		Self::settle(info, pool.reward_per_share);
		if info.warming.is_zero() || info.warm_at > frame_system::Pallet::<T>::block_number() {
			return Zero::zero();
		}
		let joined = info.warming;
		info.amount = info.amount.saturating_add(joined);
		pool.total = pool.total.saturating_add(joined);
		info.warming = Zero::zero();
		joined
	}

	/// Move what `info` earned since its last touch into `info.pending` (rounded down).
	fn settle(info: &mut StakeInfoOf<T>, acc: u128) {
		let delta = acc.saturating_sub(info.reward_per_share_paid);
		let earned = mul_div_down(info.amount.saturated_into(), delta, ACC_SCALE).unwrap_or(0);
		// `earned` ≤ the rewards credited while the stake was in the pool, which fit in a
		// balance; saturation cannot be reached.
		info.pending = info.pending.saturating_add(earned.saturated_into());
		info.reward_per_share_paid = acc;
	}

	/// Whether `target` exists and takes new stake.
	fn ensure_active(target: StakeTarget) -> DispatchResult {
		match target {
			StakeTarget::Model(id) => {
				let m = T::Models::model(id).ok_or(Error::<T>::UnknownTarget)?;
				ensure!(!m.retired, Error::<T>::TargetRetired);
			}
			// The registry's only query: a non-commercial use by a model id that cannot exist
			// fails first on existence, then on retirement; approval does not concern stakers.
			StakeTarget::Dataset(id) => match T::Datasets::check_model_use(id, ModelId::MAX, false)
			{
				Err(DatasetUseError::UnknownDataset) => Err(Error::<T>::UnknownTarget)?,
				Err(DatasetUseError::Retired) => Err(Error::<T>::TargetRetired)?,
				_ => {}
			},
		}
		Ok(())
	}

	/// Add a chunk to `who`'s queue, merging it with one of the same kind and unlock block.
	fn push_chunk(who: &T::AccountId, chunk: ChunkOf<T>) -> DispatchResult {
		Unbonding::<T>::try_mutate(who, |chunks| {
			if let Some(c) =
				chunks.iter_mut().find(|c| c.kind == chunk.kind && c.unlock_at == chunk.unlock_at)
			{
				c.amount = c.amount.checked_add(&chunk.amount).ok_or(ArithmeticError::Overflow)?;
				return Ok(());
			}
			chunks.try_push(chunk).map_err(|_| Error::<T>::TooManyUnbondingChunks.into())
		})
	}

	fn unlock_at() -> frame_system::pallet_prelude::BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get())
	}

	/// See [`Pallet::stake`].
	pub(crate) fn do_stake(
		who: T::AccountId,
		target: StakeTarget,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		Self::ensure_active(target)?;
		let mut pool = Pools::<T>::get(target).unwrap_or_default();
		let mut info = Stakes::<T>::get(target, &who).unwrap_or_default();
		Self::fold(&mut info, &mut pool);
		info.warming = info.warming.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		info.warm_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::StakeWarmup::get());
		let total = info.amount.checked_add(&info.warming).ok_or(ArithmeticError::Overflow)?;
		ensure!(total >= T::MinStake::get(), Error::<T>::BelowMinimum);
		pool.total.checked_add(&total).ok_or(ArithmeticError::Overflow)?;
		T::Currency::hold(&HoldReason::Staked.into(), &who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		// Without a warm-up (`StakeWarmup` = 0) the stake joins at once.
		Self::fold(&mut info, &mut pool);
		Pools::<T>::insert(target, pool);
		Stakes::<T>::insert(target, &who, info);
		Self::deposit_event(Event::Staked { who, target, amount });
		Ok(())
	}

	/// See [`Pallet::unstake`].
	pub(crate) fn do_unstake(
		who: T::AccountId,
		target: StakeTarget,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let mut info = Stakes::<T>::get(target, &who)
			.filter(|i| !i.amount.is_zero() || !i.warming.is_zero())
			.ok_or(Error::<T>::NotStaked)?;
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let staked = info.amount.saturating_add(info.warming);
		let remaining = staked.checked_sub(&amount).ok_or(Error::<T>::InsufficientStake)?;
		ensure!(remaining.is_zero() || remaining >= T::MinStake::get(), Error::<T>::BelowMinimum);
		let mut pool = Pools::<T>::get(target).unwrap_or_default();
		Self::fold(&mut info, &mut pool);
		let unlock_at = Self::unlock_at();
		Self::push_chunk(&who, UnbondingChunk { kind: UnbondKind::Stake, amount, unlock_at })?;
		// Warming stake (not earning) goes first, then active stake.
		let from_warming = info.warming.min(amount);
		let from_active = amount.saturating_sub(from_warming);
		info.warming = info.warming.saturating_sub(from_warming);
		pool.total = pool.total.saturating_sub(from_active);
		info.amount = info.amount.saturating_sub(from_active);
		Pools::<T>::insert(target, pool);
		if info.amount.is_zero() && info.warming.is_zero() && info.pending.is_zero() {
			Stakes::<T>::remove(target, &who);
		} else {
			Stakes::<T>::insert(target, &who, info);
		}
		Self::deposit_event(Event::Unstaked { who, target, amount, unlock_at });
		Ok(())
	}

	/// See [`Pallet::withdraw_unbonded`].
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let mut chunks = Unbonding::<T>::get(&who);
		let mut stake = BalanceOf::<T>::zero();
		let mut bond = BalanceOf::<T>::zero();
		chunks.retain(|c| {
			if c.unlock_at > now {
				return true;
			}
			match c.kind {
				UnbondKind::Stake => stake = stake.saturating_add(c.amount),
				UnbondKind::Attestor => bond = bond.saturating_add(c.amount),
			}
			false
		});
		let total = stake.saturating_add(bond);
		ensure!(!total.is_zero(), Error::<T>::NothingToWithdraw);
		if !stake.is_zero() {
			T::Currency::release(&HoldReason::Staked.into(), &who, stake, Precision::Exact)?;
		}
		if !bond.is_zero() {
			T::Currency::release(&HoldReason::AttestorBond.into(), &who, bond, Precision::Exact)?;
		}
		if chunks.is_empty() {
			Unbonding::<T>::remove(&who);
		} else {
			Unbonding::<T>::insert(&who, chunks);
		}
		Self::deposit_event(Event::Withdrawn { who, amount: total });
		Ok(())
	}

	/// See [`Pallet::claim`].
	pub(crate) fn do_claim(who: T::AccountId, target: StakeTarget) -> DispatchResult {
		let mut info = Stakes::<T>::get(target, &who).ok_or(Error::<T>::NotStaked)?;
		let mut pool = Pools::<T>::get(target).unwrap_or_default();
		Self::fold(&mut info, &mut pool);
		let amount = info.pending;
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		T::Currency::transfer_on_hold(
			&HoldReason::StakerRewards.into(),
			&Self::reward_account(),
			&who,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)?;
		TotalClaimed::<T>::mutate(|c| *c = c.saturating_add(amount));
		Pools::<T>::insert(target, pool);
		info.pending = Zero::zero();
		if info.amount.is_zero() && info.warming.is_zero() {
			Stakes::<T>::remove(target, &who);
		} else {
			Stakes::<T>::insert(target, &who, info);
		}
		Self::deposit_event(Event::RewardsClaimed { who, target, amount });
		Ok(())
	}

	/// See [`Pallet::bond_attestor`].
	pub(crate) fn do_bond_attestor(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!Attestors::<T>::contains_key(&who), Error::<T>::AlreadyAttestor);
		ensure!(amount >= T::MinAttestorBond::get(), Error::<T>::BelowMinimum);
		T::Currency::hold(&HoldReason::AttestorBond.into(), &who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Attestors::<T>::insert(&who, amount);
		Self::deposit_event(Event::AttestorBonded { who, amount });
		Ok(())
	}

	/// See [`Pallet::bond_attestor_extra`].
	pub(crate) fn do_bond_attestor_extra(
		who: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let bond = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
		let bond = bond.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		T::Currency::hold(&HoldReason::AttestorBond.into(), &who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Attestors::<T>::insert(&who, bond);
		Self::deposit_event(Event::AttestorBondIncreased { who, amount, bond });
		Ok(())
	}

	/// See [`Pallet::activate_stake`].
	pub(crate) fn do_activate_stake(who: T::AccountId, target: StakeTarget) -> DispatchResult {
		let mut info = Stakes::<T>::get(target, &who).ok_or(Error::<T>::NotStaked)?;
		ensure!(!info.warming.is_zero(), Error::<T>::NothingWarming);
		ensure!(
			info.warm_at <= frame_system::Pallet::<T>::block_number(),
			Error::<T>::StillWarmingUp
		);
		let mut pool = Pools::<T>::get(target).unwrap_or_default();
		let amount = Self::fold(&mut info, &mut pool);
		Pools::<T>::insert(target, pool);
		Stakes::<T>::insert(target, &who, info);
		Self::deposit_event(Event::StakeActivated { who, target, amount });
		Ok(())
	}

	/// See [`Pallet::unbond_attestor`].
	pub(crate) fn do_unbond_attestor(who: T::AccountId) -> DispatchResult {
		let amount = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
		let unlock_at = Self::unlock_at();
		Self::push_chunk(&who, UnbondingChunk { kind: UnbondKind::Attestor, amount, unlock_at })?;
		Attestors::<T>::remove(&who);
		Self::deposit_event(Event::AttestorUnbonded { who, amount, unlock_at });
		Ok(())
	}

	/// See [`Pallet::slash`].
	pub(crate) fn do_slash(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut left = amount;
		// The active bond first.
		if let Some(bond) = Attestors::<T>::get(&who) {
			let take = bond.min(left);
			left = left.saturating_sub(take);
			let rest = bond.saturating_sub(take);
			if rest.is_zero() {
				Attestors::<T>::remove(&who);
			} else {
				Attestors::<T>::insert(&who, rest);
			}
		}
		// Then unbonding attestor chunks, latest unlock first.
		let mut chunks = Unbonding::<T>::get(&who);
		for c in chunks.iter_mut().rev().filter(|c| c.kind == UnbondKind::Attestor) {
			if left.is_zero() {
				break;
			}
			let take = c.amount.min(left);
			c.amount = c.amount.saturating_sub(take);
			left = left.saturating_sub(take);
		}
		chunks.retain(|c| !c.amount.is_zero());
		let slashed = amount.saturating_sub(left);
		ensure!(!slashed.is_zero(), Error::<T>::NotAttestor);
		if chunks.is_empty() {
			Unbonding::<T>::remove(&who);
		} else {
			Unbonding::<T>::insert(&who, chunks);
		}
		T::Currency::transfer_on_hold(
			&HoldReason::AttestorBond.into(),
			&who,
			&T::SlashBeneficiary::get(),
			slashed,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)?;
		Self::deposit_event(Event::Slashed { who, amount: slashed });
		Ok(())
	}

	/// `target`'s pool and `TotalRewarded` once `amount` is credited to its stakers, or
	/// `None` if it cannot be: no (warmed-up) stake, or an accumulator would overflow.
	fn reward_increment(
		target: StakeTarget,
		amount: BalanceOf<T>,
	) -> Option<(crate::types::PoolOf<T>, BalanceOf<T>)> {
		let mut pool = Pools::<T>::get(target).filter(|p| !p.total.is_zero())?;
		let increment =
			mul_div_down(amount.saturated_into(), ACC_SCALE, pool.total.saturated_into())?;
		pool.reward_per_share = pool.reward_per_share.checked_add(increment)?;
		let rewarded = TotalRewarded::<T>::get().checked_add(&amount)?;
		Some((pool, rewarded))
	}

	/// Credit `amount` to `target`'s stakers; see [`StakingHooks::reward_stakers`].
	pub(crate) fn do_reward_stakers(
		target: StakeTarget,
		amount: BalanceOf<T>,
	) -> Result<(), BalanceOf<T>> {
		let (pool, rewarded) = Self::reward_increment(target, amount).ok_or(amount)?;
		// Credit only funds that arrived: they must be free in the reward account (above its
		// existential deposit) and are held there until claimed.
		T::Currency::hold(&HoldReason::StakerRewards.into(), &Self::reward_account(), amount)
			.map_err(|_| amount)?;
		Pools::<T>::insert(target, pool);
		TotalRewarded::<T>::put(rewarded);
		Self::deposit_event(Event::StakersRewarded { target, amount });
		Ok(())
	}

	/// Check the pallet's invariants:
	/// - each pool's `total` is the sum of its active stakes (warming stake is not in it); no
	///   stake's `paid` exceeds its pool's accumulator; active + warming stakes are 0 or ≥
	///   `MinStake`, records are never empty;
	/// - `Σ pending rewards ≤ TotalRewarded − TotalClaimed` (the difference is the rounding
	///   dust), and the reward account's `StakerRewards` hold is *exactly*
	///   `TotalRewarded − TotalClaimed`; its free balance is at least the existential deposit
	///   (anyone may add to it, so no upper bound holds);
	/// - per account: the `Staked` hold equals stakes + unbonding stake chunks, the
	///   `AttestorBond` hold equals bond + unbonding attestor chunks; chunks are non-zero.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::{Inspect, InspectHold};
		let mut pool_totals: BTreeMap<StakeTarget, BalanceOf<T>> = BTreeMap::new();
		let mut staked: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut bonded: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut pending = BalanceOf::<T>::zero();
		for (target, who, info) in Stakes::<T>::iter() {
			let pool = Pools::<T>::get(target).ok_or("stake without a pool")?;
			ensure!(info.reward_per_share_paid <= pool.reward_per_share, "paid beyond acc");
			let total = info.amount.saturating_add(info.warming);
			ensure!(total.is_zero() || total >= T::MinStake::get(), "stake below minimum");
			ensure!(!(total.is_zero() && info.pending.is_zero()), "empty stake record");
			let t = pool_totals.entry(target).or_default();
			*t = t.saturating_add(info.amount);
			let s = staked.entry(who.clone()).or_default();
			*s = s.saturating_add(total);
			pending = pending.saturating_add(Self::pending_rewards(target, &who));
		}
		for (target, pool) in Pools::<T>::iter() {
			ensure!(
				pool_totals.get(&target).copied().unwrap_or_default() == pool.total,
				"pool total differs from its stakes"
			);
		}
		for (who, chunks) in Unbonding::<T>::iter() {
			ensure!(!chunks.is_empty(), "empty unbonding queue stored");
			for c in chunks {
				ensure!(!c.amount.is_zero(), "zero unbonding chunk");
				let m = if c.kind == UnbondKind::Stake { &mut staked } else { &mut bonded };
				let e = m.entry(who.clone()).or_default();
				*e = e.saturating_add(c.amount);
			}
		}
		for (who, bond) in Attestors::<T>::iter() {
			ensure!(!bond.is_zero(), "zero attestor bond");
			let e = bonded.entry(who).or_default();
			*e = e.saturating_add(bond);
		}
		ensure!(
			Attestors::<T>::count() as usize == Attestors::<T>::iter().count(),
			"attestor counter"
		);
		for (who, amount) in staked {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Staked.into(), &who) == amount,
				"Staked hold differs from stakes and unbonding stake"
			);
		}
		for (who, amount) in bonded {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::AttestorBond.into(), &who) == amount,
				"AttestorBond hold differs from bond and unbonding bond"
			);
		}
		let owed = TotalRewarded::<T>::get()
			.checked_sub(&TotalClaimed::<T>::get())
			.ok_or("claimed more than rewarded")?;
		ensure!(pending <= owed, "pending rewards exceed unclaimed credits");
		let account = Self::reward_account();
		ensure!(
			T::Currency::balance_on_hold(&HoldReason::StakerRewards.into(), &account) == owed,
			"reward hold differs from the unclaimed credits"
		);
		ensure!(
			T::Currency::balance(&account) >= T::Currency::minimum_balance(),
			"reward account below its existential deposit"
		);
		Ok(())
	}
}

impl<T: Config> StakingHooks<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn reward_account() -> T::AccountId {
		Pallet::<T>::reward_account()
	}

	fn reward_stakers(target: StakeTarget, amount: BalanceOf<T>) -> Result<(), BalanceOf<T>> {
		Self::do_reward_stakers(target, amount)
	}

	fn can_reward(target: StakeTarget, amount: BalanceOf<T>) -> bool {
		Self::reward_increment(target, amount).is_some()
	}

	fn is_attestor(who: &T::AccountId) -> bool {
		Attestors::<T>::get(who).is_some_and(|b| b >= T::MinAttestorBond::get())
	}

	fn slash_attestor(who: &T::AccountId, fraction: sp_runtime::Perbill) -> BalanceOf<T> {
		use frame_support::storage::{with_transaction, TransactionOutcome};
		let Some(bond) = Attestors::<T>::get(who) else { return Zero::zero() };
		let amount = fraction.mul_floor(bond);
		if amount.is_zero() {
			return Zero::zero();
		}
		// All or nothing: a failed transfer leaves the bond as it was.
		let slashed = with_transaction(|| match Self::do_slash(who.clone(), amount) {
			Ok(()) => TransactionOutcome::Commit(Ok(())),
			Err(e) => TransactionOutcome::Rollback(Err(e)),
		});
		if slashed.is_ok() {
			amount
		} else {
			Zero::zero()
		}
	}
}
