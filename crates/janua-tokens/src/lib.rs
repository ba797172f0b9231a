//! Access tokens: EdDSA (Ed25519) JWTs signed with rotating keys, verified by every service
//! through this crate, plus the Redis revocation set that makes a signed-out session's
//! tokens fail at once, and the sealing of secrets at rest.

pub mod claims;
pub mod extract;
pub mod jwks;
pub mod keys;
pub mod revocation;
pub mod sealed;

pub use claims::Claims;
pub use extract::{Authenticated, Reauthenticated, TokenGuard};
pub use jwks::JwksClient;
pub use keys::{KeyRing, SigningKey, TokenError};
pub use revocation::RevocationSet;
pub use sealed::SecretBox;
