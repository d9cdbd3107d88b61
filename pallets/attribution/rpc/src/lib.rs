//! JSON-RPC methods over the attribution runtime API, for clients such as polkadot.js:
//!
//! | method | returns |
//! | --- | --- |
//! | `attribution_pendingInferences(from?, limit?, at?)` | pending inferences, in id order |
//! | `attribution_contributorEarnings(account, at?)` | `{ total, unclaimed }` |
//! | `attribution_modelRevenue(model, at?)` | fees settled for the model |
//! | `attribution_datasetRevenue(dataset, at?)` | paid to the dataset's contributors |
//! | `attribution_economyTotals(at?)` | the economy's lifetime totals |
//!
//! Amounts are decimal strings (balances exceed JavaScript's safe integers); accounts are
//! SS58 strings; query bytes are `0x`-hex. `at` is a block hash (default: the best block).

use std::{fmt::Display, sync::Arc};

use codec::Codec;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use pallet_attribution_runtime_api::{EconomyTotals, PendingInference, MAX_PENDING_PAGE};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::Bytes;
use sp_runtime::traits::Block as BlockT;
use tributary_primitives::{DatasetId, InferenceId, ModelId};

pub use pallet_attribution_runtime_api::AttributionApi as AttributionRuntimeApi;

/// A pending inference, as the RPC returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingInferenceJson<AccountId, BlockNumber> {
	/// The inference id.
	pub inference: InferenceId,
	/// The model used.
	pub model: ModelId,
	/// The developer who paid.
	pub payer: AccountId,
	/// The escrowed fee (decimal).
	pub fee: String,
	/// The query bytes (hex).
	pub query: Bytes,
	/// The model's index hash the inference was paid against (hex).
	pub index_hash: sp_core::H256,
	/// The block the fee was paid in.
	pub paid_at: BlockNumber,
	/// The block after which, without a quorum, the fee is split by declared records.
	pub deadline: BlockNumber,
	/// How many attestors have committed to a result.
	pub commitments: u32,
	/// How many attestors have revealed their result.
	pub attestations: u32,
}

/// A contributor's earnings, as the RPC returns them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EarningsJson {
	/// Lifetime earnings (decimal).
	pub total: String,
	/// Credited and not yet claimed (decimal).
	pub unclaimed: String,
}

/// The economy's lifetime totals, as the RPC returns them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EconomyTotalsJson {
	/// Fees of settled inferences (decimal).
	pub fees_settled: String,
	/// Paid to data contributors (decimal).
	pub paid_to_contributors: String,
	/// Settled inferences.
	pub inferences_settled: u64,
	/// Of those, settled by declared records after the timeout.
	pub settled_without_attribution: u64,
	/// Distinct accounts that have paid for an inference.
	pub paying_developers: u64,
	/// Distinct accounts that have earned as contributors.
	pub earning_contributors: u64,
}

impl<B: Display> From<EconomyTotals<B>> for EconomyTotalsJson {
	fn from(t: EconomyTotals<B>) -> Self {
		Self {
			fees_settled: t.fees_settled.to_string(),
			paid_to_contributors: t.paid_to_contributors.to_string(),
			inferences_settled: t.inferences_settled,
			settled_without_attribution: t.settled_without_attribution,
			paying_developers: t.paying_developers,
			earning_contributors: t.earning_contributors,
		}
	}
}

impl<A, B: Display, N> From<PendingInference<A, B, N>> for PendingInferenceJson<A, N> {
	fn from(p: PendingInference<A, B, N>) -> Self {
		Self {
			inference: p.inference,
			model: p.model,
			payer: p.payer,
			fee: p.fee.to_string(),
			query: Bytes(p.query),
			index_hash: p.index_hash,
			paid_at: p.paid_at,
			deadline: p.deadline,
			commitments: p.commitments,
			attestations: p.attestations,
		}
	}
}

/// The `attribution_*` RPC methods.
#[rpc(client, server)]
pub trait AttributionApi<BlockHash, AccountId, BlockNumber> {
	/// Up to `limit` (default and maximum 1000) pending inferences with ids from `from`
	/// (default 0) upwards.
	#[method(name = "attribution_pendingInferences")]
	fn pending_inferences(
		&self,
		from: Option<InferenceId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<PendingInferenceJson<AccountId, BlockNumber>>>;

	/// A contributor's lifetime earnings and the part not yet claimed.
	#[method(name = "attribution_contributorEarnings")]
	fn contributor_earnings(
		&self,
		account: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<EarningsJson>;

	/// The fees settled for inferences of `model`, in all.
	#[method(name = "attribution_modelRevenue")]
	fn model_revenue(&self, model: ModelId, at: Option<BlockHash>) -> RpcResult<String>;

	/// The amount paid to the contributors of `dataset`, in all.
	#[method(name = "attribution_datasetRevenue")]
	fn dataset_revenue(&self, dataset: DatasetId, at: Option<BlockHash>) -> RpcResult<String>;

	/// The economy's lifetime totals.
	#[method(name = "attribution_economyTotals")]
	fn economy_totals(&self, at: Option<BlockHash>) -> RpcResult<EconomyTotalsJson>;
}

/// The RPC handler, over a client that provides the runtime API with balances of type
/// `Balance`.
pub struct Attribution<C, Block, Balance> {
	client: Arc<C>,
	_marker: std::marker::PhantomData<(Block, Balance)>,
}

impl<C, Block, Balance> Attribution<C, Block, Balance> {
	/// A handler over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _marker: Default::default() }
	}
}

/// The error code of a failed runtime call.
const RUNTIME_ERROR: i32 = 1;

fn runtime_error(e: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "Runtime error", Some(format!("{e:?}")))
}

impl<C, Block, AccountId, Balance, BlockNumber>
	AttributionApiServer<<Block as BlockT>::Hash, AccountId, BlockNumber>
	for Attribution<C, Block, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AttributionRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + Clone + Send + Sync + 'static + Serialize + for<'de> Deserialize<'de>,
	Balance: Codec + Display + Send + Sync + 'static,
	BlockNumber: Codec + Send + Sync + 'static + Serialize + for<'de> Deserialize<'de>,
{
	fn pending_inferences(
		&self,
		from: Option<InferenceId>,
		limit: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<Vec<PendingInferenceJson<AccountId, BlockNumber>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let limit = limit.unwrap_or(MAX_PENDING_PAGE).min(MAX_PENDING_PAGE);
		let pending = self
			.client
			.runtime_api()
			.pending_inferences(at, from.unwrap_or(0), limit)
			.map_err(runtime_error)?;
		Ok(pending.into_iter().map(Into::into).collect())
	}

	fn contributor_earnings(
		&self,
		account: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<EarningsJson> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let e =
			self.client.runtime_api().contributor_earnings(at, account).map_err(runtime_error)?;
		Ok(EarningsJson { total: e.total.to_string(), unclaimed: e.unclaimed.to_string() })
	}

	fn model_revenue(&self, model: ModelId, at: Option<Block::Hash>) -> RpcResult<String> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let revenue = self.client.runtime_api().model_revenue(at, model).map_err(runtime_error)?;
		Ok(revenue.to_string())
	}

	fn dataset_revenue(&self, dataset: DatasetId, at: Option<Block::Hash>) -> RpcResult<String> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let revenue =
			self.client.runtime_api().dataset_revenue(at, dataset).map_err(runtime_error)?;
		Ok(revenue.to_string())
	}

	fn economy_totals(&self, at: Option<Block::Hash>) -> RpcResult<EconomyTotalsJson> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let totals = self.client.runtime_api().economy_totals(at).map_err(runtime_error)?;
		Ok(totals.into())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_are_decimal_strings_and_queries_hex() {
		let pending = PendingInference {
			inference: 7,
			model: 2,
			payer: 5u64,
			fee: u128::MAX,
			query: b"x\n1\n".to_vec(),
			index_hash: sp_core::H256::repeat_byte(0xab),
			paid_at: 10u32,
			deadline: 110u32,
			commitments: 2,
			attestations: 1,
		};
		let json = serde_json::to_value(PendingInferenceJson::from(pending)).unwrap();
		assert_eq!(json["fee"], "340282366920938463463374607431768211455");
		assert_eq!(json["query"], "0x780a310a");
		assert_eq!(json["deadline"], 110);
		assert_eq!(json["paidAt"], 10);
		assert_eq!(json["commitments"], 2);
		assert_eq!(json["indexHash"], format!("0x{}", "ab".repeat(32)));
		let totals = EconomyTotals::<u128> { fees_settled: 10, ..Default::default() };
		let json = serde_json::to_value(EconomyTotalsJson::from(totals)).unwrap();
		assert_eq!(json["feesSettled"], "10");
		assert_eq!(json["earningContributors"], 0);
	}
}
