//! The runtime API through which the node's RPC (and any client) reads Tributary's
//! attribution economy: pending inferences, a contributor's earnings, a model's and a
//! dataset's revenue, and the economy's lifetime totals.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_attribution::{Earnings, EconomyTotals, PendingInference};
use tributary_primitives::{DatasetId, InferenceId, ModelId};

/// The most pending inferences one `pending_inferences` call returns.
pub const MAX_PENDING_PAGE: u32 = 1_000;

sp_api::decl_runtime_apis! {
	/// Reads of the attribution economy.
	pub trait AttributionApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Up to `limit` (at most [`MAX_PENDING_PAGE`]) pending inferences with ids from
		/// `from` upwards, in id order.
		fn pending_inferences(
			from: InferenceId,
			limit: u32,
		) -> Vec<PendingInference<AccountId, Balance, BlockNumber>>;

		/// A contributor's lifetime earnings and the part not yet claimed.
		fn contributor_earnings(account: AccountId) -> Earnings<Balance>;

		/// The fees settled for inferences of `model`, in all.
		fn model_revenue(model: ModelId) -> Balance;

		/// The amount paid to the contributors of `dataset`, in all.
		fn dataset_revenue(dataset: DatasetId) -> Balance;

		/// The economy's lifetime totals.
		fn economy_totals() -> EconomyTotals<Balance>;
	}
}
