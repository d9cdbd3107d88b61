//! The runtime's pallet configurations, one file per concern.

mod consensus;
mod datasets;
mod economics;
mod monetary;
mod offchain;
mod system;

pub use economics::system_accounts;
pub use system::RuntimeBlockWeights;
