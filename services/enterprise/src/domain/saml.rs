//! Janua as a SAML 2.0 Service Provider (samael with xmlsec): SP metadata, AuthnRequests over
//! HTTP-Redirect, and the checks on a Response posted to the ACS.
//!
//! What a Response must pass (each refusal has its own reason, for the audit trail):
//! - an XML signature by one of the configuration's IdP certificates covering the assertion
//!   (the Response's, the Assertion's, or both); everything unsigned is cut away before the
//!   document is read, which is what defeats signature wrapping; RSA/ECDSA with SHA-2 only,
//!   unless the configuration allows SHA-1;
//! - Issuer = the IdP's entity id; Destination and Recipient = the ACS; the Audience = this
//!   configuration's SP entity id (required, not just checked when present);
//! - NotBefore / NotOnOrAfter with a small clock skew; the IssueInstant not too old;
//! - InResponseTo = the AuthnRequest this browser started; an unsolicited (IdP-initiated)
//!   Response only where the configuration allows it;
//! - an assertion id seen once (replays refused until it expires).

use crate::store::sso::SsoConfiguration;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use janua_core::error::Text;
use samael::crypto::{AllowedSignatureAlgorithm, CertificateDer};
use samael::metadata::EntityDescriptor;
use samael::schema::Assertion;
use samael::service_provider::{ServiceProvider, ServiceProviderBuilder};
use samael::traits::ToXml;
use std::collections::HashMap;
use uuid::Uuid;

pub const NAMEID_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/// A catalogue message without variables (a refusal of input, or of a Response).
fn refusal(key: &'static str) -> Text {
    Text { key, args: vec![] }
}

/// Where this configuration's SP lives.
#[derive(Debug, Clone)]
pub struct SpUrls {
    /// Also the entity id, so each configuration is its own SP and an assertion names which.
    pub metadata_url: String,
    pub acs_url: String,
    pub slo_url: String,
}

pub fn sp_urls(public_url: &str, config: Uuid) -> SpUrls {
    let base = public_url.trim_end_matches('/');
    SpUrls {
        metadata_url: format!("{base}/api/v1/sso/saml/metadata/{config}"),
        acs_url: format!("{base}/api/v1/sso/saml/acs"),
        slo_url: format!("{base}/api/v1/sso/saml/slo"),
    }
}

/// The configuration id in an SP entity id (an assertion's Audience).
pub fn config_of_entity_id(public_url: &str, entity_id: &str) -> Option<Uuid> {
    let prefix = format!("{}/api/v1/sso/saml/metadata/", public_url.trim_end_matches('/'));
    entity_id.strip_prefix(&prefix).and_then(|id| Uuid::parse_str(id).ok())
}

/// What an IdP's metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpMetadata {
    pub entity_id: String,
    pub sso_url: String,
    pub slo_url: Option<String>,
    pub certificates: Vec<String>,
}

const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// Reads IdP metadata: entity id, the HTTP-Redirect single sign-on URL, the single logout
/// URL, and the signing certificates (as PEM). Metadata without a signing certificate is
/// refused: samael would then accept unsigned responses.
pub fn parse_idp_metadata(xml: &str) -> Result<IdpMetadata, Text> {
    let descriptor: EntityDescriptor = xml.parse().map_err(|e| Text {
        key: "error.enterprise.metadata_not_entity_descriptor",
        args: vec![("reason", format!("{e}").into())],
    })?;
    let entity_id = descriptor
        .entity_id
        .clone()
        .filter(|e| !e.is_empty())
        .ok_or_else(|| refusal("error.enterprise.metadata_no_entity_id"))?;
    let idp = descriptor
        .idp_sso_descriptors
        .as_ref()
        .and_then(|d| d.first())
        .ok_or_else(|| refusal("error.enterprise.metadata_no_idp"))?;
    let sso_url = idp
        .single_sign_on_services
        .iter()
        .find(|s| s.binding == REDIRECT_BINDING)
        .map(|s| s.location.clone())
        .ok_or_else(|| refusal("error.enterprise.metadata_no_redirect_sso"))?;
    let slo_url = idp
        .single_logout_services
        .iter()
        .find(|s| s.binding == POST_BINDING || s.binding == REDIRECT_BINDING)
        .map(|s| s.location.clone());
    let mut certificates = Vec::new();
    for key in &idp.key_descriptors {
        if key.key_use.as_deref().is_some_and(|u| u == "encryption") {
            continue;
        }
        for cert in key.key_info.x509_data.iter().flat_map(|d| d.certificates.iter()) {
            certificates.push(pem_of(cert)?);
        }
    }
    if certificates.is_empty() {
        return Err(refusal("error.enterprise.metadata_no_certificate"));
    }
    Ok(IdpMetadata { entity_id, sso_url, slo_url, certificates })
}

/// A certificate as PEM, from PEM or bare base64 DER; refused if it is not X.509 DER.
pub fn pem_of(certificate: &str) -> Result<String, Text> {
    let der = der_of(certificate)?;
    let body = STANDARD.encode(&der);
    let lines: Vec<&str> =
        body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    Ok(format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n")))
}

fn der_of(certificate: &str) -> Result<Vec<u8>, Text> {
    let body: String = certificate
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = STANDARD.decode(body).map_err(|_| refusal("error.enterprise.certificate_encoding"))?;
    // An X.509 certificate is a DER SEQUENCE; anything else is refused early.
    if der.len() < 64 || der[0] != 0x30 {
        return Err(refusal("error.enterprise.certificate_not_x509"));
    }
    Ok(der)
}

/// SHA-256 fingerprint of a certificate (hex, colon-separated), for the configuration's view.
pub fn fingerprint(certificate: &str) -> Option<String> {
    let der = der_of(certificate).ok()?;
    let digest = janua_core::crypto::sha256(&der);
    Some(digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"))
}

fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The IdP as samael's metadata, built from the stored configuration (entity id, SSO URL,
/// every certificate: during a rotation the old and the new both verify).
fn idp_descriptor(config: &SsoConfiguration) -> Result<EntityDescriptor, String> {
    let entity_id = config.saml.entity_id.as_deref().ok_or("no IdP entity id")?;
    let sso_url = config.saml.sso_url.as_deref().ok_or("no IdP SSO URL")?;
    let mut keys = String::new();
    for cert in &config.saml.certificates {
        let der = der_of(cert).map_err(|t| format!("IdP certificate: {}", t.key))?;
        keys.push_str(&format!(
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
            STANDARD.encode(der)
        ));
    }
    if keys.is_empty() {
        return Err("no IdP signing certificate".into());
    }
    let xml = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}<md:SingleSignOnService Binding="{REDIRECT_BINDING}" Location="{}"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
        escape(entity_id),
        escape(sso_url)
    );
    xml.parse().map_err(|e| format!("IdP descriptor: {e}"))
}

/// The samael Service Provider of a configuration.
pub fn service_provider(
    config: &SsoConfiguration, public_url: &str, clock_skew: Duration, unsolicited: bool,
) -> Result<ServiceProvider, String> {
    let urls = sp_urls(public_url, config.id);
    let allowed = (!config.saml.allow_sha1).then(|| {
        vec![
            AllowedSignatureAlgorithm::RsaSha256,
            AllowedSignatureAlgorithm::RsaSha384,
            AllowedSignatureAlgorithm::RsaSha512,
            AllowedSignatureAlgorithm::EcdsaSha256,
            AllowedSignatureAlgorithm::EcdsaSha384,
            AllowedSignatureAlgorithm::EcdsaSha512,
        ]
    });
    ServiceProviderBuilder::default()
        .entity_id(Some(urls.metadata_url.clone()))
        .metadata_url(Some(urls.metadata_url))
        .acs_url(Some(urls.acs_url))
        .slo_url(Some(urls.slo_url))
        .idp_metadata(idp_descriptor(config)?)
        .authn_name_id_format(None::<String>)
        .allow_idp_initiated(unsolicited)
        .max_issue_delay(Duration::seconds(300))
        .max_clock_skew(clock_skew)
        .allowed_signature_algorithms(allowed)
        .build()
        .map_err(|e| format!("service provider: {e}"))
}

/// The SP metadata document of a configuration.
pub fn sp_metadata(config: &SsoConfiguration, public_url: &str) -> Result<String, String> {
    let sp = service_provider(config, public_url, Duration::seconds(120), false)?;
    let descriptor = sp.metadata().map_err(|e| format!("SP metadata: {e}"))?;
    descriptor.to_string().map_err(|e| format!("SP metadata: {e:?}"))
}

/// An AuthnRequest over HTTP-Redirect: its id (for InResponseTo) and the URL at the IdP.
pub fn authn_redirect(
    config: &SsoConfiguration, public_url: &str, relay_state: &str,
) -> Result<(String, url::Url), String> {
    let sp = service_provider(config, public_url, Duration::seconds(120), false)?;
    let sso_url = config.saml.sso_url.as_deref().ok_or("no IdP SSO URL")?;
    let mut request = sp.make_authentication_request(sso_url).map_err(|e| format!("AuthnRequest: {e}"))?;
    // samael's own ids carry 32 random bits; this one is unguessable.
    request.id = format!("_{}", hex::encode(rand::random::<[u8; 20]>()));
    let url = request
        .redirect(relay_state)
        .map_err(|e| format!("AuthnRequest: {e}"))?
        .ok_or("AuthnRequest without a destination")?;
    Ok((request.id, url))
}

/// What a verified assertion says.
#[derive(Debug, Clone)]
pub struct SamlLogin {
    pub subject: String,
    pub name_id_format: Option<String>,
    pub session_index: Option<String>,
    pub assertion_id: String,
    /// Until when the assertion id must stay refused.
    pub expires_at: DateTime<Utc>,
    pub attributes: HashMap<String, Vec<String>>,
}

/// The parts of an unverified Response needed to pick its configuration and flow. Nothing
/// here is trusted: everything is checked again on the verified document.
#[derive(Debug, Default)]
pub struct ResponseHints {
    pub in_response_to: Option<String>,
    pub audience: Option<String>,
    pub issuer: Option<String>,
}

pub fn decode(saml_response: &str) -> Result<String, Text> {
    let compact: String = saml_response.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = STANDARD.decode(compact).map_err(|_| refusal("error.enterprise.saml_not_base64"))?;
    String::from_utf8(bytes).map_err(|_| refusal("error.enterprise.saml_not_utf8"))
}

fn attribute<'a>(xml: &'a str, element_end: usize, name: &str) -> Option<&'a str> {
    let tag = &xml[..element_end];
    let start = tag.rfind('<')?;
    let tag = &tag[start..];
    let key = format!(" {name}=\"");
    let from = tag.find(&key)? + key.len();
    let to = tag[from..].find('"')? + from;
    Some(&tag[from..to])
}

fn element_text<'a>(xml: &'a str, local_name: &str) -> Option<&'a str> {
    let mut search = 0;
    while let Some(pos) = xml[search..].find(local_name) {
        let at = search + pos;
        search = at + local_name.len();
        let before = &xml[..at];
        if !(before.ends_with('<') || before.ends_with(':')) {
            continue;
        }
        let open_end = xml[at..].find('>')? + at + 1;
        if xml[..open_end].ends_with("/>") {
            continue;
        }
        let close = xml[open_end..].find("</")? + open_end;
        return Some(xml[open_end..close].trim());
    }
    None
}

/// Reads hints from an unverified Response (InResponseTo, Audience, Issuer).
pub fn hints(xml: &str) -> ResponseHints {
    let response_tag_end = xml.find("Response ").and_then(|at| xml[at..].find('>').map(|e| e + at));
    ResponseHints {
        in_response_to: response_tag_end
            .and_then(|end| attribute(xml, end, "InResponseTo"))
            .map(str::to_owned),
        audience: element_text(xml, "Audience>")
            .map(str::to_owned)
            .or_else(|| element_text(xml, "Audience").map(str::to_owned)),
        issuer: element_text(xml, "Issuer").map(str::to_owned),
    }
}

/// Why a Response was refused.
#[derive(Debug, thiserror::Error)]
pub enum SamlRefusal {
    #[error("the SAML response is malformed: {0}")]
    Malformed(String),
    #[error("the SAML response is not validly signed by the identity provider")]
    Signature,
    #[error("the SAML response is not for this service provider ({0})")]
    Audience(String),
    #[error("the SAML response does not answer this sign-in ({0})")]
    InResponseTo(String),
    #[error("unsolicited (IdP-initiated) SAML responses are not allowed for this connection")]
    Unsolicited,
    #[error("the SAML assertion is expired or not yet valid ({0})")]
    Expired(String),
    #[error("the SAML assertion was already used")]
    Replayed,
    /// More (or fewer) than one assertion: the shape of signature-wrapping attacks.
    #[error("a SAML response must carry exactly one assertion")]
    AssertionCount,
    #[error("the SAML response was refused: {0}")]
    Other(String),
}

impl SamlRefusal {
    /// The short reason recorded in events and answered in `details.reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Signature => "signature_invalid",
            Self::Audience(_) => "audience_mismatch",
            Self::InResponseTo(_) => "in_response_to_mismatch",
            Self::Unsolicited => "unsolicited_not_allowed",
            Self::Expired(_) => "expired",
            Self::Replayed => "replayed",
            Self::AssertionCount => "assertion_count",
            Self::Other(_) => "refused",
        }
    }

    /// The catalogue message of the refusal (in English, its `Display`); the detail a
    /// variant carries is the `reason` variable, as written.
    pub fn text(&self) -> Text {
        let with =
            |key: &'static str, detail: &String| Text { key, args: vec![("reason", detail.clone().into())] };
        match self {
            Self::Malformed(d) => with("error.enterprise.saml_malformed", d),
            Self::Signature => refusal("error.enterprise.saml_signature_invalid"),
            Self::Audience(d) => with("error.enterprise.saml_audience_mismatch", d),
            Self::InResponseTo(d) => with("error.enterprise.saml_in_response_to_mismatch", d),
            Self::Unsolicited => refusal("error.enterprise.saml_unsolicited"),
            Self::Expired(d) => with("error.enterprise.saml_expired", d),
            Self::Replayed => refusal("error.enterprise.saml_replayed"),
            Self::AssertionCount => refusal("error.enterprise.saml_assertion_count"),
            Self::Other(d) => with("error.enterprise.saml_refused", d),
        }
    }
}

/// Verifies a Response (XML) for a configuration. `request_id` is the AuthnRequest of the
/// browser's flow, `None` for an unsolicited Response.
pub fn verify(
    config: &SsoConfiguration, public_url: &str, clock_skew: Duration, xml: &str, request_id: Option<&str>,
) -> Result<SamlLogin, SamlRefusal> {
    // No DTDs (entity expansion, external entities), and exactly one assertion: a second,
    // unsigned one beside the signed one is how signature wrapping tries to be read.
    if xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") {
        return Err(SamlRefusal::Malformed("DTDs are not accepted".into()));
    }
    if count_elements(xml, "Assertion") + count_elements(xml, "EncryptedAssertion") != 1 {
        return Err(SamlRefusal::AssertionCount);
    }
    let unsolicited = request_id.is_none();
    if unsolicited && !config.saml.allow_idp_initiated {
        return Err(SamlRefusal::Unsolicited);
    }
    let sp = service_provider(config, public_url, clock_skew, unsolicited).map_err(SamlRefusal::Other)?;
    let ids: Vec<&str> = request_id.into_iter().collect();
    let assertion = sp.parse_xml_response(xml, (!unsolicited).then_some(ids.as_slice())).map_err(classify)?;
    if unsolicited && in_response_to_of(&assertion).is_some() {
        // A Response answering some request, posted without that request's flow: not ours.
        return Err(SamlRefusal::InResponseTo("no sign-in under way for it".into()));
    }
    let expected = sp_urls(public_url, config.id).metadata_url;
    let audiences: Vec<&str> = assertion
        .conditions
        .iter()
        .flat_map(|c| c.audience_restrictions.iter().flatten())
        .flat_map(|r| r.audience.iter().map(String::as_str))
        .collect();
    if !audiences.contains(&expected.as_str()) {
        return Err(SamlRefusal::Audience(format!("expected {expected}, got {audiences:?}")));
    }
    login_of(&assertion)
}

/// How many elements of this local name (any prefix) the document opens.
fn count_elements(xml: &str, local_name: &str) -> usize {
    let mut count = 0;
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
        let name = &rest[..end];
        let local = name.rsplit(':').next().unwrap_or(name);
        if local == local_name && !name.starts_with('/') && !name.starts_with('!') && !name.starts_with('?') {
            count += 1;
        }
    }
    count
}

fn in_response_to_of(assertion: &Assertion) -> Option<String> {
    assertion
        .subject
        .as_ref()?
        .subject_confirmations
        .as_ref()?
        .iter()
        .find_map(|c| c.subject_confirmation_data.as_ref()?.in_response_to.clone())
}

fn classify(e: samael::service_provider::Error) -> SamlRefusal {
    use samael::service_provider::Error as E;
    match e {
        E::FailedToValidateSignature | E::CryptoXmlError(_) | E::CryptoProviderError(_) => {
            SamlRefusal::Signature
        }
        E::AssertionConditionAudienceRestrictionFailed { requirement } => SamlRefusal::Audience(requirement),
        E::DestinationValidationError { .. } | E::AssertionRecipientMismatch { .. } => {
            SamlRefusal::Audience(e.to_string())
        }
        E::ResponseInResponseToInvalid { .. } | E::AssertionInResponseToInvalid { .. } => {
            SamlRefusal::InResponseTo(e.to_string())
        }
        E::AssertionExpired { .. }
        | E::ResponseExpired { .. }
        | E::AssertionConditionExpired { .. }
        | E::AssertionConditionExpiredBefore { .. }
        | E::AssertionSubjectConfirmationExpired { .. }
        | E::AssertionSubjectConfirmationExpiredBefore { .. } => SamlRefusal::Expired(e.to_string()),
        E::FailedToParseSamlResponse(_) | E::FailedToParseSamlAssertion(_) | E::DeserializeResponseError => {
            SamlRefusal::Malformed(e.to_string())
        }
        other => SamlRefusal::Other(other.to_string()),
    }
}

fn login_of(assertion: &Assertion) -> Result<SamlLogin, SamlRefusal> {
    let name_id = assertion
        .subject
        .as_ref()
        .and_then(|s| s.name_id.as_ref())
        .filter(|n| !n.value.trim().is_empty())
        .ok_or_else(|| SamlRefusal::Malformed("the assertion has no NameID".into()))?;
    let mut attributes: HashMap<String, Vec<String>> = HashMap::new();
    for statement in assertion.attribute_statements.iter().flatten() {
        for attribute in &statement.attributes {
            let values: Vec<String> = attribute
                .values
                .iter()
                .filter_map(|v| v.value.as_ref())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            for name in [attribute.name.as_ref(), attribute.friendly_name.as_ref()].into_iter().flatten() {
                attributes.entry(name.clone()).or_default().extend(values.iter().cloned());
            }
        }
    }
    let session_index = assertion.authn_statements.iter().flatten().find_map(|s| s.session_index.clone());
    let expires_at = assertion
        .conditions
        .as_ref()
        .and_then(|c| c.not_on_or_after)
        .unwrap_or_else(|| Utc::now() + Duration::hours(1))
        + Duration::minutes(10);
    Ok(SamlLogin {
        subject: name_id.value.trim().to_owned(),
        name_id_format: name_id.format.clone(),
        session_index,
        assertion_id: assertion.id.clone(),
        expires_at,
        attributes,
    })
}

/// A LogoutRequest from the IdP, verified: the NameID and SessionIndex it ends.
#[derive(Debug, Clone)]
pub struct LogoutRequest {
    pub id: String,
    pub name_id: String,
    pub session_index: Option<String>,
    /// Until when its id must be remembered to refuse a replay.
    pub replayable_until: DateTime<Utc>,
}

/// How old a LogoutRequest's IssueInstant may be (beyond the clock skew).
const LOGOUT_MAX_AGE: Duration = Duration::minutes(5);

/// Verifies a LogoutRequest (POST binding) as strictly as a sign-in: signed by the IdP
/// (unsigned content cut away, SHA-1 only where allowed), issued by it, sent to this SP's
/// single-logout URL (Destination), issued recently (IssueInstant within the clock skew and
/// [`LOGOUT_MAX_AGE`]), not expired (NotOnOrAfter), with an ID (the caller refuses a replay),
/// naming a subject.
pub fn verify_logout_request(
    config: &SsoConfiguration, xml: &str, public_url: &str, clock_skew: Duration, now: DateTime<Utc>,
) -> Result<LogoutRequest, SamlRefusal> {
    use samael::crypto::{Crypto, CryptoProvider, ReduceMode};
    let certs: Vec<CertificateDer> =
        config.saml.certificates.iter().filter_map(|c| der_of(c).ok()).map(CertificateDer::from).collect();
    if certs.is_empty() {
        return Err(SamlRefusal::Signature);
    }
    let allowed: Option<Vec<AllowedSignatureAlgorithm>> = (!config.saml.allow_sha1).then(|| {
        vec![
            AllowedSignatureAlgorithm::RsaSha256,
            AllowedSignatureAlgorithm::RsaSha512,
            AllowedSignatureAlgorithm::EcdsaSha256,
        ]
    });
    let reduced = Crypto::reduce_xml_to_signed_with_allowed_algorithms(
        xml,
        &certs,
        ReduceMode::default(),
        allowed.as_deref(),
    )
    .map_err(|_| SamlRefusal::Signature)?;
    if !reduced.contains("LogoutRequest") {
        return Err(SamlRefusal::Malformed("not a LogoutRequest".into()));
    }
    let issuer = element_text(&reduced, "Issuer").unwrap_or_default();
    if Some(issuer) != config.saml.entity_id.as_deref() {
        return Err(SamlRefusal::Other(format!("issuer {issuer:?} is not the IdP")));
    }
    let tag_end = reduced
        .find("LogoutRequest ")
        .and_then(|at| reduced[at..].find('>').map(|e| e + at))
        .ok_or_else(|| SamlRefusal::Malformed("not a LogoutRequest".into()))?;
    let id = attribute(&reduced, tag_end, "ID")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| SamlRefusal::Malformed("the LogoutRequest has no ID".into()))?
        .to_owned();
    let destination = attribute(&reduced, tag_end, "Destination").unwrap_or_default();
    if unescape(destination) != sp_urls(public_url, config.id).slo_url {
        return Err(SamlRefusal::Audience(format!(
            "Destination {destination:?} is not this SP's single logout URL"
        )));
    }
    let instant = attribute(&reduced, tag_end, "IssueInstant")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| SamlRefusal::Malformed("the LogoutRequest has no IssueInstant".into()))?;
    if instant > now + clock_skew || instant < now - clock_skew - LOGOUT_MAX_AGE {
        return Err(SamlRefusal::Expired(format!("IssueInstant {instant}")));
    }
    if let Some(until) = attribute(&reduced, tag_end, "NotOnOrAfter")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        && until <= now - clock_skew
    {
        return Err(SamlRefusal::Expired(format!("NotOnOrAfter {until}")));
    }
    let name_id = element_text(&reduced, "NameID")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| SamlRefusal::Malformed("the LogoutRequest has no NameID".into()))?
        .to_owned();
    let session_index = element_text(&reduced, "SessionIndex").map(str::to_owned);
    Ok(LogoutRequest {
        id,
        name_id: unescape(&name_id),
        session_index,
        replayable_until: instant + clock_skew + LOGOUT_MAX_AGE,
    })
}

fn unescape(value: &str) -> String {
    value
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The unsigned LogoutResponse (Success) answering `request`, posted back to the IdP.
pub fn logout_response(
    config: &SsoConfiguration, public_url: &str, in_response_to: &str,
) -> Option<(String, String)> {
    let destination = config.saml.slo_url.as_deref()?;
    let issuer = sp_urls(public_url, config.id).metadata_url;
    let xml = format!(
        r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{}" Version="2.0" IssueInstant="{}" Destination="{}" InResponseTo="{}"><saml:Issuer>{}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#,
        hex::encode(rand::random::<[u8; 20]>()),
        Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        escape(destination),
        escape(in_response_to),
        escape(&issuer),
    );
    Some((destination.to_owned(), STANDARD.encode(xml)))
}

/// An HTML page that posts `fields` to `action` (the SAML POST binding).
pub fn auto_post(action: &str, fields: &[(&str, &str)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| format!(r#"<input type="hidden" name="{}" value="{}"/>"#, escape(k), escape(v)))
        .collect();
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>Continuing</title></head><body onload="document.forms[0].submit()"><form method="post" action="{}">{inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>"#,
        escape(action)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sp_entity_ids_name_their_configuration() {
        let id = Uuid::now_v7();
        let urls = sp_urls("https://id.example/", id);
        assert_eq!(urls.acs_url, "https://id.example/api/v1/sso/saml/acs");
        assert_eq!(config_of_entity_id("https://id.example", &urls.metadata_url), Some(id));
        assert_eq!(config_of_entity_id("https://id.example", "https://evil.example/x"), None);
    }

    #[test]
    fn hints_come_from_the_response_element() {
        let xml = r#"<samlp:Response xmlns:samlp="p" ID="r1" InResponseTo="_abc" Destination="d"><saml:Issuer>https://idp</saml:Issuer><saml:Assertion><saml:Conditions><saml:AudienceRestriction><saml:Audience>https://sp/x</saml:Audience></saml:AudienceRestriction></saml:Conditions></saml:Assertion></samlp:Response>"#;
        let h = hints(xml);
        assert_eq!(h.in_response_to.as_deref(), Some("_abc"));
        assert_eq!(h.audience.as_deref(), Some("https://sp/x"));
        assert_eq!(h.issuer.as_deref(), Some("https://idp"));
    }

    #[test]
    fn assertions_are_counted_whatever_their_prefix() {
        let xml = r#"<samlp:Response><saml:Assertion ID="a"><x/></saml:Assertion><Assertion ID="b"/><saml:AssertionIDRef/></samlp:Response>"#;
        assert_eq!(count_elements(xml, "Assertion"), 2);
        assert_eq!(count_elements("<a><b/></a>", "Assertion"), 0);
    }

    #[test]
    fn certificates_that_are_not_x509_are_refused() {
        assert!(pem_of("not base64!").is_err());
        assert!(pem_of(&STANDARD.encode([1u8; 100])).is_err());
    }
}

#[cfg(test)]
mod samael_idp_tests {
    //! Responses signed by samael's own IdP side verify here, and a changed one does not.
    use super::*;
    use samael::idp::response_builder::{ResponseAttribute, build_response_template};
    use samael::idp::sp_extractor::RequiredAttribute;
    use samael::idp::{CertificateParams, IdentityProvider, KeyType, Rsa};

    const SHA1_DIGEST: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
    const SHA256_DIGEST: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

    fn config(cert: &CertificateDer) -> SsoConfiguration {
        SsoConfiguration {
            name: "t".into(),
            protocol: "saml".into(),
            saml: crate::store::sso::SamlIdp {
                entity_id: Some("https://idp.example/metadata".into()),
                sso_url: Some("https://idp.example/sso".into()),
                certificates: vec![pem_of(&STANDARD.encode(cert.der_data())).unwrap()],
                ..Default::default()
            },
            ..SsoConfiguration::new(Uuid::now_v7(), Uuid::now_v7())
        }
    }

    #[test]
    fn a_samael_signed_response_verifies() {
        let idp = IdentityProvider::generate_new(KeyType::Rsa(Rsa::Rsa2048)).unwrap();
        let cert = idp
            .create_certificate(&CertificateParams {
                common_name: "idp",
                issuer_name: "idp",
                days_until_expiration: 1,
            })
            .unwrap();
        let config = config(&cert);
        let public = "http://127.0.0.1:18080";
        let urls = sp_urls(public, config.id);
        let email = "ada@bench.test".to_string();
        let attributes = [ResponseAttribute {
            required_attribute: RequiredAttribute {
                name: "email".into(),
                format: Some("urn:oasis:names:tc:SAML:2.0:attrname-format:basic".into()),
            },
            value: &email,
        }];
        let mut response = build_response_template(
            &cert,
            &email,
            &urls.metadata_url,
            "https://idp.example/metadata",
            &urls.acs_url,
            "_req1",
            &attributes,
        );
        if let Some(assertion) = response.assertion.as_mut() {
            for c in assertion.subject.iter_mut().flat_map(|s| s.subject_confirmations.iter_mut().flatten()) {
                if let Some(d) = c.subject_confirmation_data.as_mut() {
                    d.not_on_or_after = Some(Utc::now() + Duration::minutes(5));
                }
            }
        }
        // samael's template digests with SHA-1, which is refused here (see the assertion
        // below); an IdP of today digests with SHA-256.
        let sha1 = response.to_string().unwrap();
        let unsigned = sha1.replace(SHA1_DIGEST, SHA256_DIGEST);
        let key = idp.export_private_key_der().unwrap();
        let signed =
            <samael::crypto::Crypto as samael::crypto::CryptoProvider>::sign_xml(unsigned, &key).unwrap();
        let login = verify(&config, public, Duration::seconds(120), &signed, Some("_req1"));
        assert!(login.is_ok(), "{:?}\n{signed}", login.err());
        let tampered = signed.replace("ada@bench.test", "eve@bench.test");
        assert!(verify(&config, public, Duration::seconds(120), &tampered, Some("_req1")).is_err());
        let with_sha1 =
            <samael::crypto::Crypto as samael::crypto::CryptoProvider>::sign_xml(sha1, &key).unwrap();
        assert!(matches!(
            verify(&config, public, Duration::seconds(120), &with_sha1, Some("_req1")),
            Err(SamlRefusal::Signature)
        ));
    }
}
