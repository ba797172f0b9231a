//! A software WebAuthn authenticator for tests and benchmarks: 1Password's `passkey` crate
//! (a WebAuthn client in front of a CTAP2 authenticator), answering Janua's `begin` options
//! as a browser's `PublicKeyCredential.toJSON()` would.

use passkey::authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod};
use passkey::client::{Client, DefaultClientData};
use passkey::crypto::rust_crypto::RustCryptoBackend;
use passkey::types::Passkey;
use passkey::types::ctap2::{Aaguid, Ctap2Error};
use passkey::types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use serde_json::Value;
use url::Url;

/// A user who is present and verified (a fingerprint that always matches).
struct Verified;

#[async_trait::async_trait]
impl UserValidationMethod for Verified {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self, _hint: UiHint<'a, Passkey>, _presence: bool, _verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck { presence: true, verification: true })
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }
}

/// A software authenticator holding at most one passkey. Cloning it clones the key, counter
/// included: what an attacker who copied a hardware key would hold.
#[derive(Clone)]
pub struct SoftKey {
    store: Option<Passkey>,
    counter: bool,
}

impl Default for SoftKey {
    fn default() -> Self {
        SoftKey::new()
    }
}

impl SoftKey {
    pub fn new() -> Self {
        SoftKey { store: None, counter: false }
    }

    /// An authenticator that keeps a signature counter, as hardware keys do.
    pub fn counting() -> Self {
        SoftKey { store: None, counter: true }
    }

    fn authenticator(&self) -> Authenticator<Option<Passkey>, Verified, RustCryptoBackend> {
        let mut authenticator =
            Authenticator::new(Aaguid::new_empty(), self.store.clone(), Verified, RustCryptoBackend);
        authenticator.set_make_credentials_with_signature_counter(self.counter);
        authenticator
    }

    /// Answers a `register/begin` as a browser at `origin` would (`toJSON()` of the result).
    pub async fn create(&mut self, origin: &str, begun: &Value) -> Value {
        let options: CredentialCreationOptions =
            serde_json::from_value(begun.clone()).expect("creation options");
        let mut client = Client::new(self.authenticator()).allows_insecure_localhost(true);
        let created = client
            .register(&Url::parse(origin).unwrap(), options, DefaultClientData)
            .await
            .expect("the authenticator makes a credential");
        self.store = client.authenticator().store().clone();
        serde_json::to_value(created).unwrap()
    }

    /// Answers an `authenticate/begin` as a browser at `origin` would.
    pub async fn get(&mut self, origin: &str, begun: &Value) -> Value {
        let options: CredentialRequestOptions =
            serde_json::from_value(begun.clone()).expect("request options");
        let mut client = Client::new(self.authenticator()).allows_insecure_localhost(true);
        let asserted = client
            .authenticate(&Url::parse(origin).unwrap(), options, DefaultClientData)
            .await
            .expect("the authenticator signs");
        self.store = client.authenticator().store().clone();
        serde_json::to_value(asserted).unwrap()
    }
}
