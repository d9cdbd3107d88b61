//! Types stored by the stake pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

use crate::BalanceOf;

/// The stake pool of one target.
#[derive(Clone, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct TargetPool<Balance> {
	/// The sum of the active stakes on the target.
	pub total: Balance,
	/// Rewards credited per unit of stake since the pool was created, scaled by
	/// [`crate::ACC_SCALE`] (10^18), rounded down. Only grows.
	pub reward_per_share: u128,
}

/// One account's stake on one target.
#[derive(Clone, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct StakeInfo<Balance, BlockNumber> {
	/// The active stake, counted in the pool's total and earning. `amount + warming` is 0 or
	/// at least `MinStake`.
	pub amount: Balance,
	/// Stake still warming up: held, not in the pool's total, earning nothing.
	pub warming: Balance,
	/// The block from which `warming` may join the pool (on the staker's next touch or
	/// `activate_stake`).
	pub warm_at: BlockNumber,
	/// The pool's `reward_per_share` when the rewards were last settled into `pending`.
	pub reward_per_share_paid: u128,
	/// Rewards settled but not yet claimed.
	pub pending: Balance,
}

/// What an unbonding chunk was.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum UnbondKind {
	/// Stake on a target (held as `HoldReason::Staked`).
	Stake,
	/// An attestor bond (held as `HoldReason::AttestorBond`, slashable until withdrawn).
	Attestor,
}

/// Funds unbonding until `unlock_at`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// What the funds were.
	pub kind: UnbondKind,
	/// The amount.
	pub amount: Balance,
	/// The first block at which the chunk can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// A target pool as the pallet stores it.
pub type PoolOf<T> = TargetPool<BalanceOf<T>>;
/// A stake as the pallet stores it.
pub type StakeInfoOf<T> = StakeInfo<BalanceOf<T>, BlockNumberFor<T>>;
/// An unbonding chunk as the pallet stores it.
pub type ChunkOf<T> = UnbondingChunk<BalanceOf<T>, BlockNumberFor<T>>;
