//! Checks of the free-text fields that many resources carry, so the same field has the same
//! rule and the same refusal wherever it is written.

use crate::ApiError;

/// The longest description of anything (an organization, a role, a policy, a webhook, a SCIM
/// token), in characters.
pub const DESCRIPTION_MAX: usize = 1024;

/// A language tag as every resource that carries one takes it: valid BCP 47 (RFC 5646 and
/// the IANA registry), written canonically (`pt-br` -> `pt-BR`); else `VALIDATION_ERROR` on
/// `field`.
pub fn check_locale(field: &str, tag: &str) -> Result<String, ApiError> {
    janua_i18n::tag::canonical(tag).ok_or_else(|| ApiError::invalid(field, "error.locale.invalid", vec![]))
}

/// A description, when given, is at most [`DESCRIPTION_MAX`] characters.
pub fn check_description(d: Option<&str>) -> Result<(), ApiError> {
    match d {
        Some(d) if d.chars().count() > DESCRIPTION_MAX => Err(ApiError::invalid(
            "description",
            "error.platform.description_too_long",
            vec![("max", DESCRIPTION_MAX.to_string().into())],
        )),
        _ => Ok(()),
    }
}

/// For `#[serde(default, deserialize_with = "janua_core::text::null_or_value")]` on an
/// `Option<Option<T>>` field of a change: `null` clears (`Some(None)`), a value sets
/// (`Some(Some(v))`), and a field left out stays as it is (`None`).
pub fn null_or_value<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_are_bounded_in_characters() {
        assert!(super::check_description(None).is_ok());
        assert!(super::check_description(Some(&"é".repeat(1024))).is_ok());
        assert!(super::check_description(Some(&"a".repeat(1025))).is_err());
    }
}
