//! # Stake pallet
//!
//! Stake on models and datasets, and attestor bonds.
//!
//! ## Staking on a target
//! An account stakes on a [`StakeTarget`] (a live model or dataset) with [`Pallet::stake`];
//! the amount is held under [`HoldReason::Staked`]. [`Pallet::unstake`] moves an amount into
//! the account's unbonding queue (at most [`Config::MaxUnbondingChunks`] chunks); it stays
//! held under the same reason until [`Pallet::withdraw_unbonded`] releases the chunks whose
//! [`Config::UnbondingPeriod`] has passed.
//!
//! ## Warm-up
//! New stake earns nothing for [`Config::StakeWarmup`] blocks: it is held at once but kept
//! out of the pool's share count ([`StakeInfo::warming`]) until its `warm_at` block, so stake
//! placed just before a large settlement captures none of it. Once warmed it joins the pool
//! lazily, in O(1), on the staker's next touch (`stake`, `unstake`, `claim`) or when anyone
//! calls [`Pallet::activate_stake`] for it. Adding stake while some is warming restarts the
//! warm-up of the whole warming amount. Unstaking takes warming stake first.
//!
//! ## Models and datasets
//! Both kinds of target work alike: a pool per target, credited through
//! [`StakingHooks::reward_stakers`]. A dataset's stakers earn what the settlement side
//! credits to `StakeTarget::Dataset(id)` (e.g. a part of what the dataset's contributions
//! earn); this pallet does not decide that share.
//!
//! ## Rewards: one accumulator per target
//! Settlement transfers the stakers' part of a fee into [`Pallet::reward_account`] and calls
//! [`StakingHooks::reward_stakers`], which adds `amount × 10^18 / total_stake` (rounded down)
//! to the target's reward-per-share accumulator ([`TargetPool::reward_per_share`], a `u128`
//! fixed-point number scaled by [`ACC_SCALE`] = 10^18). Each staker keeps the accumulator
//! value at their last touch; their reward is `stake × (acc − paid) / 10^18` (rounded down).
//! Crediting and claiming are O(1) whatever the number of stakers (the pattern of
//! `pallet-asset-rewards` / `pallet-nomination-pools`).
//!
//! Rounding always goes down, so the stakers are never owed more than was credited: the
//! difference (the *dust*: less than `1 + total_stake / 10^18` units per credit plus less than
//! one unit per staker settlement) stays in the reward account. [`TotalRewarded`] and
//! [`TotalClaimed`] account for it: `TotalRewarded − TotalClaimed = Σ pending + dust`.
//!
//! ## Credit follows funds
//! The settlement side transfers first, then calls `reward_stakers`, which puts exactly the
//! credited amount on hold in the reward account under [`HoldReason::StakerRewards`]; if the
//! free balance does not cover it (the funds did not arrive), nothing is credited and
//! `Err(amount)` is returned. Claims pay out of that hold. So, exactly,
//! `held(StakerRewards, reward account) = TotalRewarded − TotalClaimed` — checked by
//! `do_try_state`. The account's *total* balance cannot be pinned exactly: anyone may transfer
//! into any account, so `free ≥ existential deposit` (the genesis seed, never touched) is the
//! strongest check on the rest; unsolicited funds there are never credited to stakers.
//!
//! ## Attestors
//! [`Pallet::bond_attestor`] holds a bond (≥ [`Config::MinAttestorBond`]) under
//! [`HoldReason::AttestorBond`]; while the bond is at least the minimum the account is an
//! attestor ([`StakingHooks::is_attestor`]). [`Pallet::unbond_attestor`] moves the bond into
//! the unbonding queue. [`Pallet::slash`] (from [`Config::SlashOrigin`]) takes from the bond,
//! then from the attestor's unbonding chunks (latest first), and *transfers* the slashed
//! funds to [`Config::SlashBeneficiary`] (no burn: total issuance is conserved).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible;
use tributary_primitives::{traits::StakingHooks, StakeTarget};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The scale of the reward-per-share accumulators: `acc = rewards × ACC_SCALE / stake`.
pub const ACC_SCALE: u128 = 1_000_000_000_000_000_000;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::Mutate, EnsureOrigin},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use tributary_primitives::traits::{DatasetsInspect, ModelsInspect};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Reasons for which this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake on a target, active or unbonding.
		#[codec(index = 0)]
		Staked,
		/// An attestor's bond, active or unbonding.
		#[codec(index = 1)]
		AttestorBond,
		/// Stakers' credited, unclaimed rewards, held in the reward account.
		#[codec(index = 2)]
		StakerRewards,
	}

	/// Configuration of the stake pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency staked, bonded and paid as rewards.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The model registry (stake targets `Model(id)`).
		type Models: ModelsInspect<Self::AccountId, BalanceOf<Self>>;

		/// The dataset registry (stake targets `Dataset(id)`).
		type Datasets: DatasetsInspect<Self::AccountId>;

		/// The pallet's id, from which the reward account is derived.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The smallest stake an account may have on a target (after any change).
		#[pallet::constant]
		type MinStake: Get<BalanceOf<Self>>;

		/// The smallest attestor bond.
		#[pallet::constant]
		type MinAttestorBond: Get<BalanceOf<Self>>;

		/// The number of blocks unbonding funds stay held (and slashable, for attestors).
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The number of blocks new stake waits before it joins its pool and earns.
		#[pallet::constant]
		type StakeWarmup: Get<BlockNumberFor<Self>>;

		/// The maximum number of unbonding chunks per account.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// The origin that may slash attestors.
		type SlashOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The account slashed funds are transferred to (it must exist, e.g. the treasury).
		type SlashBeneficiary: Get<Self::AccountId>;

		/// Weight information for the pallet's dispatchables.
		type WeightInfo: WeightInfo;

		/// Prepares stake targets for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper;
	}

	/// The stake pool of each target that was ever staked on.
	#[pallet::storage]
	pub type Pools<T: Config> = StorageMap<_, Blake2_128Concat, StakeTarget, PoolOf<T>>;

	/// Each account's stake on each target, with its reward bookkeeping.
	#[pallet::storage]
	pub type Stakes<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		StakeTarget,
		Blake2_128Concat,
		T::AccountId,
		StakeInfoOf<T>,
	>;

	/// Each account's unbonding chunks (stake and attestor bond), oldest first.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<ChunkOf<T>, T::MaxUnbondingChunks>,
		ValueQuery,
	>;

	/// Bonded attestors and their active bond.
	#[pallet::storage]
	pub type Attestors<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>>;

	/// Total rewards ever credited to stakers (moved into the reward account).
	#[pallet::storage]
	pub type TotalRewarded<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Total rewards ever claimed (paid out of the reward account).
	#[pallet::storage]
	pub type TotalClaimed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Genesis: the initial attestors (their bonds are held from their genesis balances).
	/// The reward account is seeded with the existential deposit.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(account, bond)` of each initial attestor.
		pub attestors: Vec<(T::AccountId, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let account = Pallet::<T>::reward_account();
			let ed = <T::Currency as fungible::Inspect<_>>::minimum_balance();
			if <T::Currency as fungible::Inspect<_>>::balance(&account) < ed {
				let _ = T::Currency::mint_into(&account, ed);
			}
			for (who, bond) in &self.attestors {
				assert!(*bond >= T::MinAttestorBond::get(), "genesis attestor bond below minimum");
				assert!(!Attestors::<T>::contains_key(who), "duplicate genesis attestor");
				<T::Currency as fungible::MutateHold<_>>::hold(
					&HoldReason::AttestorBond.into(),
					who,
					*bond,
				)
				.expect("genesis attestor can pay its bond");
				Attestors::<T>::insert(who, *bond);
			}
		}
	}

	/// Events of the stake pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` staked `amount` more on `target`.
		Staked {
			/// The staker.
			who: T::AccountId,
			/// The target.
			target: StakeTarget,
			/// The amount added.
			amount: BalanceOf<T>,
		},
		/// `who` started unbonding `amount` of their stake on `target`.
		Unstaked {
			/// The staker.
			who: T::AccountId,
			/// The target.
			target: StakeTarget,
			/// The amount unbonding.
			amount: BalanceOf<T>,
			/// The block from which it can be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// Matured unbonding chunks were released to `who`.
		Withdrawn {
			/// The account.
			who: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
		},
		/// `who` was paid their rewards from `target`.
		RewardsClaimed {
			/// The staker.
			who: T::AccountId,
			/// The target.
			target: StakeTarget,
			/// The amount paid.
			amount: BalanceOf<T>,
		},
		/// `amount` was credited to the stakers of `target`.
		StakersRewarded {
			/// The target.
			target: StakeTarget,
			/// The amount credited.
			amount: BalanceOf<T>,
		},
		/// `who` became an attestor with bond `amount`.
		AttestorBonded {
			/// The attestor.
			who: T::AccountId,
			/// The bond.
			amount: BalanceOf<T>,
		},
		/// `who` is no longer an attestor; their bond is unbonding.
		AttestorUnbonded {
			/// The former attestor.
			who: T::AccountId,
			/// The bond now unbonding.
			amount: BalanceOf<T>,
			/// The block from which it can be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// `who`'s warmed-up stake on `target` joined the pool and now earns.
		StakeActivated {
			/// The staker.
			who: T::AccountId,
			/// The target.
			target: StakeTarget,
			/// The amount that joined.
			amount: BalanceOf<T>,
		},
		/// An attestor added `amount` to their bond.
		AttestorBondIncreased {
			/// The attestor.
			who: T::AccountId,
			/// The amount added.
			amount: BalanceOf<T>,
			/// The bond now.
			bond: BalanceOf<T>,
		},
		/// An attestor was slashed; the amount went to the slash beneficiary.
		Slashed {
			/// The attestor.
			who: T::AccountId,
			/// The amount actually slashed (at most what was requested).
			amount: BalanceOf<T>,
		},
	}

	/// Errors of the stake pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The target does not exist.
		UnknownTarget,
		/// The target is retired and takes no new stake.
		TargetRetired,
		/// The amount must not be zero.
		ZeroAmount,
		/// The stake or bond would be below the minimum (`MinStake` / `MinAttestorBond`).
		BelowMinimum,
		/// The account has no stake on this target.
		NotStaked,
		/// Unstaking more than is staked.
		InsufficientStake,
		/// The unbonding queue is full; withdraw matured chunks first.
		TooManyUnbondingChunks,
		/// No unbonding chunk has matured.
		NothingToWithdraw,
		/// No rewards are pending.
		NothingToClaim,
		/// The account already has an attestor bond.
		AlreadyAttestor,
		/// The account has no attestor bond (or nothing slashable).
		NotAttestor,
		/// The free balance cannot cover the amount.
		InsufficientBalance,
		/// The account has no stake warming up on this target.
		NothingWarming,
		/// The warming stake's `warm_at` block has not come yet.
		StillWarmingUp,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be positive");
			assert!(!T::MinStake::get().is_zero(), "MinStake must be positive");
			assert!(!T::MinAttestorBond::get().is_zero(), "MinAttestorBond must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stake `amount` on `target` (a live model or dataset). The resulting stake must be
		/// at least `MinStake`. The amount is held at once and earns after `StakeWarmup`
		/// blocks (it restarts the warm-up of stake still warming). Emits `Staked`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::stake())]
		pub fn stake(
			origin: OriginFor<T>,
			target: StakeTarget,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_stake(who, target, amount)
		}

		/// Start unbonding `amount` of the caller's stake on `target` (warming stake first): it
		/// stops earning now and can be withdrawn after `UnbondingPeriod` blocks. What remains staked must be
		/// zero or at least `MinStake`. Emits `Unstaked`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unstake(T::MaxUnbondingChunks::get()))]
		pub fn unstake(
			origin: OriginFor<T>,
			target: StakeTarget,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unstake(who, target, amount)
		}

		/// Release every matured unbonding chunk of the caller. Emits `Withdrawn`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded(T::MaxUnbondingChunks::get()))]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Pay the caller's pending rewards from `target` out of the reward account.
		/// Emits `RewardsClaimed`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, target: StakeTarget) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(who, target)
		}

		/// Become an attestor by bonding `amount` (at least `MinAttestorBond`, held).
		/// Emits `AttestorBonded`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::bond_attestor())]
		pub fn bond_attestor(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_attestor(who, amount)
		}

		/// Stop being an attestor: the bond moves into the unbonding queue (still slashable
		/// until withdrawn). Emits `AttestorUnbonded`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::unbond_attestor(T::MaxUnbondingChunks::get()))]
		pub fn unbond_attestor(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond_attestor(who)
		}

		/// Slash up to `amount` of `who`'s attestor bond (then of their unbonding attestor
		/// chunks, latest first), transferring it to `SlashBeneficiary`. An attestor whose
		/// bond falls below `MinAttestorBond` stops being an attestor. `SlashOrigin` only.
		/// Emits `Slashed`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::slash(T::MaxUnbondingChunks::get()))]
		pub fn slash(
			origin: OriginFor<T>,
			who: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			T::SlashOrigin::ensure_origin(origin)?;
			Self::do_slash(who, amount)
		}

		/// Add `amount` to the caller's attestor bond (held), e.g. after a slash took it below
		/// `MinAttestorBond`. Unbonding attestors bond anew instead. Emits
		/// `AttestorBondIncreased`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::bond_attestor_extra())]
		pub fn bond_attestor_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_attestor_extra(who, amount)
		}

		/// Let `who`'s warmed-up stake on `target` join the pool and start earning (anyone may
		/// call it; stakers' own calls do it too). Emits `StakeActivated`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::activate_stake())]
		pub fn activate_stake(
			origin: OriginFor<T>,
			target: StakeTarget,
			who: T::AccountId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_activate_stake(who, target)
		}
	}
}
