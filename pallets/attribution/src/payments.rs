//! The payments of one call's settlements, booked as each inference settles and made once
//! per recipient when the call ends.
//!
//! A batch of reveals of one model pays the same model owner, protocol account, staking
//! pools and contributors for every inference it settles: booking the amounts and moving the
//! funds once per recipient (one transfer, one staker credit per pool, one update of each
//! contributor's earnings and each dataset's revenue) makes a settlement's cost independent
//! of the number of pools it pays and of how often the batch pays a contributor.
//!
//! Each inference's events state what it paid as if it had paid alone, because a booking is
//! accepted only when it could be paid at that moment:
//!
//! - a transfer to an account is booked for it only if the account can receive what is
//!   already booked for it plus the amount (`can_deposit`, as the transfer itself checks);
//!   otherwise the caller routes the amount to the protocol account;
//! - a staker credit is booked only if the target's pool can be credited with what is
//!   already booked for it plus the amount (`StakingHooks::can_reward`) and the reward
//!   account can receive all booked credits.
//!
//! A batch undoes the bookings of an item that did not apply: [`Payments::begin`] before the
//! item, then [`Payments::commit`] or [`Payments::rollback`], in time proportional to the
//! item's bookings (only an open item's bookings are journaled).
//!
//! [`Payments::make`] moves the funds from the escrow. Should a booked payment fail then
//! (the checks above make it as unlikely as the transfers they mirror), its amount goes to
//! the protocol account, or stays in the escrow as `ProtocolArrears`: every unit leaves the
//! escrow once, or is accounted for.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use frame_support::{
	storage::{transactional::with_transaction_opaque_err, TransactionOutcome},
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{DepositConsequence, Preservation, Provenance},
		Get,
	},
};
use sp_runtime::traits::{Saturating, Zero};
use tributary_primitives::{traits::StakingHooks, DatasetId, StakeTarget};

use crate::{
	BalanceOf, Config, ContributorEarnings, DatasetRevenue, Pallet, ProtocolArrears, Totals,
};

/// Transfers from the escrow, staker credits, earnings and revenue booked by settlements,
/// by recipient, with the journal of the open item's bookings that [`Payments::rollback`]
/// undoes (`None` outside an item).
pub(crate) struct Payments<T: Config> {
	transfers: BTreeMap<T::AccountId, BalanceOf<T>>,
	stakers: BTreeMap<StakeTarget, BalanceOf<T>>,
	earnings: BTreeMap<T::AccountId, BalanceOf<T>>,
	dataset_revenue: BTreeMap<DatasetId, BalanceOf<T>>,
	journal: Option<Vec<Booking<T>>>,
}

/// One booking, as the journal records it.
enum Booking<T: Config> {
	Transfer(T::AccountId, BalanceOf<T>),
	Stakers(StakeTarget, BalanceOf<T>),
	Earning(T::AccountId, BalanceOf<T>),
	Revenue(DatasetId, BalanceOf<T>),
}

impl<T: Config> Default for Payments<T> {
	fn default() -> Self {
		Self {
			transfers: BTreeMap::new(),
			stakers: BTreeMap::new(),
			earnings: BTreeMap::new(),
			dataset_revenue: BTreeMap::new(),
			journal: None,
		}
	}
}

/// Adds `amount` to `key`'s entry.
fn add<K: Ord, B: Saturating + Zero + Copy>(map: &mut BTreeMap<K, B>, key: K, amount: B) {
	let entry = map.entry(key).or_insert_with(Zero::zero);
	*entry = entry.saturating_add(amount);
}

/// Takes `amount` off `key`'s entry (added before), removing an entry that reaches zero.
fn take<K: Ord, B: Saturating + Zero + Copy>(map: &mut BTreeMap<K, B>, key: &K, amount: B) {
	if let Some(entry) = map.get_mut(key) {
		*entry = entry.saturating_sub(amount);
		if entry.is_zero() {
			map.remove(key);
		}
	}
}

impl<T: Config> Payments<T> {
	/// Books `amount` for `to` if `to` can receive it on top of what is booked for it;
	/// otherwise books it for the protocol account. Returns whether `to` itself was booked.
	pub(crate) fn pay(&mut self, to: &T::AccountId, amount: BalanceOf<T>) -> bool {
		if amount.is_zero() {
			return true;
		}
		let booked = self.transfers.get(to).copied().unwrap_or_else(Zero::zero);
		let total = booked.saturating_add(amount);
		let receives =
			T::Currency::can_deposit(to, total, Provenance::Extant) == DepositConsequence::Success;
		let recipient = if receives { to.clone() } else { T::ProtocolAccount::get() };
		add(&mut self.transfers, recipient.clone(), amount);
		self.record(Booking::Transfer(recipient, amount));
		receives
	}

	/// Books a credit of `amount` to the stakers of `target`. Returns whether it was booked:
	/// `false` for a zero amount, or a target whose pool cannot take what is booked for it
	/// plus `amount` (no warmed-up stake, or an accumulator that would overflow).
	///
	/// The stakers' funds move to the reward account in one transfer, so the booking also
	/// needs that account to be able to receive all booked credits.
	pub(crate) fn credit_stakers(&mut self, target: StakeTarget, amount: BalanceOf<T>) -> bool {
		if amount.is_zero() {
			return false;
		}
		let for_target = self.stakers.get(&target).copied().unwrap_or_else(Zero::zero);
		if !T::Staking::can_reward(target, for_target.saturating_add(amount)) {
			return false;
		}
		let booked =
			self.stakers.values().fold(BalanceOf::<T>::zero(), |a, b| a.saturating_add(*b));
		let arrives = T::Currency::can_deposit(
			&T::Staking::reward_account(),
			booked.saturating_add(amount),
			Provenance::Extant,
		) == DepositConsequence::Success;
		if !arrives {
			return false;
		}
		add(&mut self.stakers, target, amount);
		self.record(Booking::Stakers(target, amount));
		true
	}

	/// Books `amount` of earnings for contributor `to` (they stay in the escrow until
	/// claimed).
	pub(crate) fn earn(&mut self, to: &T::AccountId, amount: BalanceOf<T>) {
		add(&mut self.earnings, to.clone(), amount);
		self.record(Booking::Earning(to.clone(), amount));
	}

	/// Books `amount` of revenue earned by the contributions of `dataset`.
	pub(crate) fn dataset_revenue(&mut self, dataset: DatasetId, amount: BalanceOf<T>) {
		add(&mut self.dataset_revenue, dataset, amount);
		self.record(Booking::Revenue(dataset, amount));
	}

	/// Journals `booking` if an item is open.
	fn record(&mut self, booking: Booking<T>) {
		if let Some(journal) = self.journal.as_mut() {
			journal.push(booking);
		}
	}

	/// Opens an item: its bookings are journaled until [`Self::commit`] or
	/// [`Self::rollback`].
	pub(crate) fn begin(&mut self) {
		self.journal = Some(Vec::new());
	}

	/// Keeps the open item's bookings and closes it.
	pub(crate) fn commit(&mut self) {
		self.journal = None;
	}

	/// Undoes the open item's bookings and closes it.
	pub(crate) fn rollback(&mut self) {
		for booking in self.journal.take().unwrap_or_default().into_iter().rev() {
			match booking {
				Booking::Transfer(to, amount) => take(&mut self.transfers, &to, amount),
				Booking::Stakers(target, amount) => take(&mut self.stakers, &target, amount),
				Booking::Earning(to, amount) => take(&mut self.earnings, &to, amount),
				Booking::Revenue(dataset, amount) => {
					take(&mut self.dataset_revenue, &dataset, amount)
				}
			}
		}
	}

	/// Makes the booked payments: the contributors' earnings and the datasets' revenue, the
	/// stakers' funds in one transfer to the reward account and one credit per target, then
	/// one transfer per account.
	pub(crate) fn make(self) {
		let mut new_earners = 0u64;
		for (account, amount) in self.earnings {
			ContributorEarnings::<T>::mutate(&account, |e| {
				if e.total.is_zero() && !amount.is_zero() {
					new_earners = new_earners.saturating_add(1);
				}
				e.total = e.total.saturating_add(amount);
				e.unclaimed = e.unclaimed.saturating_add(amount);
			});
		}
		if new_earners > 0 {
			Totals::<T>::mutate(|t| {
				t.earning_contributors = t.earning_contributors.saturating_add(new_earners)
			});
		}
		for (dataset, amount) in self.dataset_revenue {
			DatasetRevenue::<T>::mutate(dataset, |r| *r = r.saturating_add(amount));
		}
		let mut unpaid = credit_stakers::<T>(self.stakers);
		let protocol = T::ProtocolAccount::get();
		for (to, amount) in self.transfers {
			if to == protocol {
				unpaid = unpaid.saturating_add(amount);
			} else if !transfer_from_escrow::<T>(&to, amount) {
				log::error!(
					target: "runtime::attribution",
					"a booked payout of {amount:?} failed; paid to the protocol"
				);
				unpaid = unpaid.saturating_add(amount);
			}
		}
		if !unpaid.is_zero() && !transfer_from_escrow::<T>(&protocol, unpaid) {
			// Kept in the escrow and accounted for, so the escrow's balance stays explained.
			ProtocolArrears::<T>::mutate(|a| *a = a.saturating_add(unpaid));
			log::error!(
				target: "runtime::attribution",
				"payout of {unpaid:?} could not be made to the protocol account; kept as arrears"
			);
		}
	}
}

/// Transfers `amount` from the escrow to `to`; returns whether it arrived.
fn transfer_from_escrow<T: Config>(to: &T::AccountId, amount: BalanceOf<T>) -> bool {
	amount.is_zero()
		|| T::Currency::transfer(&Pallet::<T>::escrow_account(), to, amount, Preservation::Preserve)
			.is_ok()
}

/// Moves the booked staker credits from the escrow to the stakers' reward account in one
/// transfer and credits each target's pool; returns what could not be credited, still in the
/// escrow.
fn credit_stakers<T: Config>(credits: BTreeMap<StakeTarget, BalanceOf<T>>) -> BalanceOf<T> {
	let total = credits.values().fold(BalanceOf::<T>::zero(), |a, b| a.saturating_add(*b));
	if total.is_zero() {
		return total;
	}
	let rewards = T::Staking::reward_account();
	let uncredited = with_transaction_opaque_err(|| {
		if !transfer_from_escrow::<T>(&rewards, total) {
			return TransactionOutcome::Rollback(Err::<BalanceOf<T>, ()>(()));
		}
		let mut uncredited = BalanceOf::<T>::zero();
		for (target, amount) in credits {
			// Each credit is applied whole or not at all.
			let credited =
				with_transaction_opaque_err(|| match T::Staking::reward_stakers(target, amount) {
					Ok(()) => TransactionOutcome::Commit(Ok(())),
					Err(_) => TransactionOutcome::Rollback(Err::<(), ()>(())),
				});
			if !matches!(credited, Ok(Ok(()))) {
				log::error!(
					target: "runtime::attribution",
					"a booked credit of {amount:?} to the stakers of {target:?} failed; paid to the protocol"
				);
				uncredited = uncredited.saturating_add(amount);
			}
		}
		// What no pool took goes back, to be paid to the protocol with the rest.
		if !uncredited.is_zero()
			&& T::Currency::transfer(
				&rewards,
				&Pallet::<T>::escrow_account(),
				uncredited,
				Preservation::Preserve,
			)
			.is_err()
		{
			return TransactionOutcome::Rollback(Err(()));
		}
		TransactionOutcome::Commit(Ok(uncredited))
	});
	match uncredited {
		Ok(Ok(uncredited)) => uncredited,
		// Nothing moved (or the transaction nesting limit was reached).
		_ => {
			log::error!(
				target: "runtime::attribution",
				"booked staker credits of {total:?} could not be made; paid to the protocol"
			);
			total
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::{new_test_ext, AccountId, Balance, MockStaking, Test, ATT1, C1, OWNER};

	/// Everything booked, by kind and recipient.
	type Booked = (
		BTreeMap<AccountId, Balance>,
		BTreeMap<StakeTarget, Balance>,
		BTreeMap<AccountId, Balance>,
		BTreeMap<DatasetId, Balance>,
	);

	fn booked(p: &Payments<Test>) -> Booked {
		(p.transfers.clone(), p.stakers.clone(), p.earnings.clone(), p.dataset_revenue.clone())
	}

	#[test]
	fn a_rollback_undoes_exactly_the_bookings_since_its_checkpoint() {
		new_test_ext().execute_with(|| {
			MockStaking::stake_on(0);
			let mut payments = Payments::<Test>::default();
			assert!(payments.pay(&OWNER, 100));
			assert!(payments.credit_stakers(StakeTarget::Model(0), 40));
			payments.earn(&C1, 7);
			payments.dataset_revenue(3, 7);
			let before = booked(&payments);
			payments.begin();
			// More for the same recipients, and new recipients.
			assert!(payments.pay(&OWNER, 5));
			assert!(payments.pay(&ATT1, 9));
			assert!(payments.credit_stakers(StakeTarget::Model(0), 1));
			payments.earn(&C1, 2);
			payments.earn(&ATT1, 2);
			payments.dataset_revenue(4, 2);
			assert_ne!(booked(&payments), before);
			payments.rollback();
			assert_eq!(booked(&payments), before);
			// A committed item stays; a rollback without an open item changes nothing.
			payments.begin();
			assert!(payments.pay(&ATT1, 9));
			payments.commit();
			let committed = booked(&payments);
			assert_ne!(committed, before);
			payments.rollback();
			assert_eq!(booked(&payments), committed);
		});
	}

	#[test]
	fn a_credit_is_refused_for_a_pool_without_stake() {
		new_test_ext().execute_with(|| {
			let mut payments = Payments::<Test>::default();
			assert!(!payments.credit_stakers(StakeTarget::Model(9), 40));
			assert!(!payments.credit_stakers(StakeTarget::Model(0), 0));
			assert_eq!(booked(&payments), Default::default());
		});
	}
}
