//! The built-in chain specifications: `dev` and `local`.

use sc_service::ChainType;
use tributary_runtime::WASM_BINARY;

/// A chain specification of this node's runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol and decimals, shown by polkadot.js.
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "TRIB".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// The runtime's wasm, or an error saying the node was built without it.
fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm binary is not available: the node was built with \
		 SKIP_WASM_BUILD set. Rebuild without it."
			.to_string()
	})
}

/// `--dev`: a one-validator chain with Alice as validator, attestor and sudo.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Tributary Development")
		.with_id("tributary_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: Alice, Bob, Charlie and Dave validate on loopback.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Tributary Local Testnet")
		.with_id("tributary_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
