//! The schemas Janua serves (RFC 7643 §4, §8.7) and the discovery documents built from them
//! (RFC 7644 §4: `/Schemas`, `/ResourceTypes`, `/ServiceProviderConfig`).
//!
//! The attribute tables below are the single source of truth: the `/Schemas` documents are
//! generated from them, and filter evaluation ([`crate::filter`]), PATCH ([`crate::patch`]) and
//! projection ([`crate::projection`]) read `caseExact`, `mutability`, `returned` and the types
//! from them.

use serde_json::{Value, json};

/// Core User schema (RFC 7643 §4.1).
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Enterprise User extension (RFC 7643 §4.3).
pub const ENTERPRISE_USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Core Group schema (RFC 7643 §4.2).
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// Schemas of the discovery documents themselves (RFC 7643 §5-§7).
pub const SERVICE_PROVIDER_CONFIG_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// The most resources one list answer carries (`filter.maxResults` in the provider config).
pub const MAX_RESULTS: usize = 200;

/// RFC 7643 §2.3 data types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

impl AttributeType {
    fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::Decimal => "decimal",
            Self::Integer => "integer",
            Self::DateTime => "dateTime",
            Self::Binary => "binary",
            Self::Reference => "reference",
            Self::Complex => "complex",
        }
    }
}

/// RFC 7643 §7 `mutability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    /// May be set once (on creation or while unassigned), never changed.
    Immutable,
    /// May be set, never returned (passwords).
    WriteOnly,
}

impl Mutability {
    fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "readOnly",
            Self::ReadWrite => "readWrite",
            Self::Immutable => "immutable",
            Self::WriteOnly => "writeOnly",
        }
    }
}

/// RFC 7643 §7 `returned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// Returned whatever `attributes`/`excludedAttributes` say.
    Always,
    /// Never returned (passwords).
    Never,
    /// Returned unless excluded.
    Default,
    /// Returned only when named in `attributes`.
    Request,
}

impl Returned {
    fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Never => "never",
            Self::Default => "default",
            Self::Request => "request",
        }
    }
}

/// RFC 7643 §7 `uniqueness`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

impl Uniqueness {
    fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Server => "server",
            Self::Global => "global",
        }
    }
}

/// One attribute definition (RFC 7643 §7), built with the `const` helpers below.
#[derive(Debug, Clone, Copy)]
pub struct AttributeDef {
    pub name: &'static str,
    pub ty: AttributeType,
    pub multi_valued: bool,
    pub description: &'static str,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    pub canonical_values: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub_attributes: &'static [AttributeDef],
}

impl AttributeDef {
    const fn new(name: &'static str, ty: AttributeType, description: &'static str) -> Self {
        Self {
            name,
            ty,
            multi_valued: false,
            description,
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            canonical_values: &[],
            reference_types: &[],
            sub_attributes: &[],
        }
    }
    const fn string(name: &'static str, description: &'static str) -> Self {
        Self::new(name, AttributeType::String, description)
    }
    const fn boolean(name: &'static str, description: &'static str) -> Self {
        Self::new(name, AttributeType::Boolean, description)
    }
    const fn date_time(name: &'static str, description: &'static str) -> Self {
        Self::new(name, AttributeType::DateTime, description)
    }
    const fn reference(
        name: &'static str, types: &'static [&'static str], description: &'static str,
    ) -> Self {
        let mut def = Self::new(name, AttributeType::Reference, description);
        def.reference_types = types;
        def
    }
    const fn complex(
        name: &'static str, sub_attributes: &'static [AttributeDef], description: &'static str,
    ) -> Self {
        let mut def = Self::new(name, AttributeType::Complex, description);
        def.sub_attributes = sub_attributes;
        def
    }
    const fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    const fn mutability(mut self, mutability: Mutability) -> Self {
        self.mutability = mutability;
        self
    }
    const fn returned(mut self, returned: Returned) -> Self {
        self.returned = returned;
        self
    }
    const fn unique(mut self) -> Self {
        self.uniqueness = Uniqueness::Server;
        self
    }
    const fn canonical(mut self, values: &'static [&'static str]) -> Self {
        self.canonical_values = values;
        self
    }

    /// The sub-attribute named `name` (case-insensitive, RFC 7643 §2.1).
    pub fn sub_attribute(&self, name: &str) -> Option<&'static AttributeDef> {
        self.sub_attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The RFC 7643 §7 representation of this attribute.
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "name": self.name,
            "type": self.ty.as_str(),
            "multiValued": self.multi_valued,
            "description": self.description,
            "required": self.required,
            "mutability": self.mutability.as_str(),
            "returned": self.returned.as_str(),
        });
        let object = out.as_object_mut().expect("json! object");
        if matches!(self.ty, AttributeType::String | AttributeType::Reference | AttributeType::Binary) {
            object.insert("caseExact".into(), json!(self.case_exact));
            object.insert("uniqueness".into(), json!(self.uniqueness.as_str()));
        }
        if !self.canonical_values.is_empty() {
            object.insert("canonicalValues".into(), json!(self.canonical_values));
        }
        if !self.reference_types.is_empty() {
            object.insert("referenceTypes".into(), json!(self.reference_types));
        }
        if !self.sub_attributes.is_empty() {
            let subs: Vec<Value> = self.sub_attributes.iter().map(AttributeDef::to_json).collect();
            object.insert("subAttributes".into(), Value::Array(subs));
        }
        out
    }
}

/// One schema: a URN, a name and its attributes.
#[derive(Debug)]
pub struct SchemaDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: &'static [AttributeDef],
}

impl SchemaDef {
    /// The attribute named `name` (case-insensitive).
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeDef> {
        self.attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The `/Schemas/{id}` document (RFC 7643 §7).
    pub fn to_json(&self, base_url: &str) -> Value {
        let attributes: Vec<Value> = self.attributes.iter().map(AttributeDef::to_json).collect();
        json!({
            "schemas": [SCHEMA_SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": attributes,
            "meta": {
                "resourceType": "Schema",
                "location": format!("{}/Schemas/{}", trim(base_url), self.id),
            }
        })
    }
}

use Mutability::{Immutable, ReadOnly, WriteOnly};

const TYPE_EMAIL: &[&str] = &["work", "home", "other"];
const TYPE_PHONE: &[&str] = &["work", "home", "mobile", "fax", "pager", "other"];
const TYPE_PHOTO: &[&str] = &["photo", "thumbnail"];
const TYPE_IM: &[&str] = &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"];

const fn value_display_type_primary(
    value: AttributeDef, types: &'static [&'static str],
) -> [AttributeDef; 4] {
    [
        value,
        AttributeDef::string("display", "A human-readable name, primarily used for display."),
        AttributeDef::string("type", "A label indicating the attribute's function.").canonical(types),
        AttributeDef::boolean("primary", "Whether this is the preferred value."),
    ]
}

const NAME_SUBS: &[AttributeDef] = &[
    AttributeDef::string("formatted", "The full name, formatted for display."),
    AttributeDef::string("familyName", "The family name, or last name."),
    AttributeDef::string("givenName", "The given name, or first name."),
    AttributeDef::string("middleName", "The middle name(s)."),
    AttributeDef::string("honorificPrefix", "The honorific prefix(es), e.g. 'Ms.'."),
    AttributeDef::string("honorificSuffix", "The honorific suffix(es), e.g. 'III'."),
];
const EMAIL_SUBS: &[AttributeDef] = &value_display_type_primary(
    AttributeDef::string("value", "The email address, canonicalized per RFC 5321."),
    TYPE_EMAIL,
);
const PHONE_SUBS: &[AttributeDef] = &value_display_type_primary(
    AttributeDef::string("value", "The phone number, as per RFC 3966 where possible."),
    TYPE_PHONE,
);
const IM_SUBS: &[AttributeDef] =
    &value_display_type_primary(AttributeDef::string("value", "The instant messaging address."), TYPE_IM);
const PHOTO_SUBS: &[AttributeDef] = &value_display_type_primary(
    AttributeDef::reference("value", &["external"], "The URL of a photo of the user."),
    TYPE_PHOTO,
);
const PLAIN_SUBS: &[AttributeDef] =
    &value_display_type_primary(AttributeDef::string("value", "The value."), &[]);
const CERTIFICATE_SUBS: &[AttributeDef] = &value_display_type_primary(
    AttributeDef::new("value", AttributeType::Binary, "A DER-encoded X.509 certificate."),
    &[],
);
const ADDRESS_SUBS: &[AttributeDef] = &[
    AttributeDef::string("formatted", "The full mailing address, formatted for display."),
    AttributeDef::string("streetAddress", "The full street address."),
    AttributeDef::string("locality", "The city or locality."),
    AttributeDef::string("region", "The state or region."),
    AttributeDef::string("postalCode", "The zip code or postal code."),
    AttributeDef::string("country", "The country name (ISO 3166-1 alpha-2)."),
    AttributeDef::string("type", "A label indicating the address's function.")
        .canonical(&["work", "home", "other"]),
    AttributeDef::boolean("primary", "Whether this is the preferred mailing address."),
];
const USER_GROUP_SUBS: &[AttributeDef] = &[
    AttributeDef::string("value", "The identifier of the user's group.").mutability(ReadOnly),
    AttributeDef::reference("$ref", &["User", "Group"], "The URI of the group.").mutability(ReadOnly),
    AttributeDef::string("display", "The group's display name.").mutability(ReadOnly),
    AttributeDef::string("type", "How the membership was derived.")
        .canonical(&["direct", "indirect"])
        .mutability(ReadOnly),
];

/// RFC 7643 §4.1 User attributes (common attributes excluded, see [`COMMON_ATTRIBUTES`]).
pub static USER: SchemaDef = SchemaDef {
    id: USER_SCHEMA,
    name: "User",
    description: "User Account",
    attributes: &[
        AttributeDef::string("userName", "Unique identifier for the user, used to sign in.")
            .required()
            .unique(),
        AttributeDef::complex("name", NAME_SUBS, "The components of the user's real name."),
        AttributeDef::string("displayName", "The name of the user, suitable for display."),
        AttributeDef::string("nickName", "The casual way to address the user."),
        AttributeDef::reference("profileUrl", &["external"], "A URI of the user's profile."),
        AttributeDef::string("title", "The user's title, such as 'Vice President'."),
        AttributeDef::string("userType", "The relationship between organization and user."),
        AttributeDef::string("preferredLanguage", "The user's preferred language (RFC 7231)."),
        AttributeDef::string("locale", "The user's default location, e.g. 'en-US'."),
        AttributeDef::string("timezone", "The user's time zone (IANA), e.g. 'Europe/Paris'."),
        AttributeDef::boolean("active", "The user's administrative status."),
        AttributeDef::string("password", "The user's clear-text password, write-only.")
            .mutability(WriteOnly)
            .returned(Returned::Never),
        AttributeDef::complex("emails", EMAIL_SUBS, "Email addresses for the user.").multi(),
        AttributeDef::complex("phoneNumbers", PHONE_SUBS, "Phone numbers for the user.").multi(),
        AttributeDef::complex("ims", IM_SUBS, "Instant messaging addresses for the user.").multi(),
        AttributeDef::complex("photos", PHOTO_SUBS, "URLs of photos of the user.").multi(),
        AttributeDef::complex("addresses", ADDRESS_SUBS, "Physical mailing addresses.").multi(),
        AttributeDef::complex("groups", USER_GROUP_SUBS, "The groups the user belongs to.")
            .multi()
            .mutability(ReadOnly),
        AttributeDef::complex("entitlements", PLAIN_SUBS, "Entitlements of the user.").multi(),
        AttributeDef::complex("roles", PLAIN_SUBS, "Roles of the user.").multi(),
        AttributeDef::complex("x509Certificates", CERTIFICATE_SUBS, "X.509 certificates.").multi(),
    ],
};

/// RFC 7643 §4.3 Enterprise User extension.
pub static ENTERPRISE_USER: SchemaDef = SchemaDef {
    id: ENTERPRISE_USER_SCHEMA,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &[
        AttributeDef::string("employeeNumber", "A string identifier of the user in the organization."),
        AttributeDef::string("costCenter", "The name of a cost center."),
        AttributeDef::string("organization", "The name of an organization."),
        AttributeDef::string("division", "The name of a division."),
        AttributeDef::string("department", "The name of a department."),
        AttributeDef::complex(
            "manager",
            &[
                AttributeDef::string("value", "The id of the user's manager."),
                AttributeDef::reference("$ref", &["User"], "The URI of the manager."),
                AttributeDef::string("displayName", "The manager's display name.").mutability(ReadOnly),
            ],
            "The user's manager.",
        ),
    ],
};

/// RFC 7643 §4.2 Group attributes.
pub static GROUP: SchemaDef = SchemaDef {
    id: GROUP_SCHEMA,
    name: "Group",
    description: "Group",
    attributes: &[
        AttributeDef::string("displayName", "A human-readable name for the group.").required(),
        AttributeDef::complex(
            "members",
            &[
                AttributeDef::string("value", "The id of the member.").mutability(Immutable),
                AttributeDef::reference("$ref", &["User", "Group"], "The URI of the member.")
                    .mutability(Immutable),
                AttributeDef::string("type", "The kind of member.")
                    .canonical(&["User", "Group"])
                    .mutability(Immutable),
                // Not in RFC 7643's Group schema, but Okta and Entra send it with members: kept
                // as sent, else filled in from the member.
                AttributeDef::string("display", "The member's display name."),
            ],
            "A list of members of the group.",
        )
        .multi(),
    ],
};

/// RFC 7643 §3.1 attributes every resource has; not listed in `/Schemas`.
pub static COMMON_ATTRIBUTES: &[AttributeDef] = &[
    AttributeDef::string("id", "The service provider's identifier of the resource.")
        .case_exact()
        .mutability(ReadOnly)
        .returned(Returned::Always)
        .unique(),
    AttributeDef::string("externalId", "The provisioning client's identifier of the resource.").case_exact(),
    AttributeDef::complex(
        "meta",
        &[
            AttributeDef::string("resourceType", "The name of the resource type.")
                .case_exact()
                .mutability(ReadOnly),
            AttributeDef::date_time("created", "When the resource was added.").mutability(ReadOnly),
            AttributeDef::date_time("lastModified", "When the resource was last changed.")
                .mutability(ReadOnly),
            AttributeDef::reference("location", &["uri"], "The URI of the resource.")
                .case_exact()
                .mutability(ReadOnly),
            AttributeDef::string("version", "The version (ETag) of the resource.")
                .case_exact()
                .mutability(ReadOnly),
        ],
        "Resource metadata.",
    )
    .mutability(ReadOnly)
    .returned(Returned::Always),
];

/// The attribute `schemas` every resource carries; always returned, never patched.
pub static SCHEMAS_ATTRIBUTE: AttributeDef =
    AttributeDef::reference("schemas", &["uri"], "The schemas of the resource.")
        .multi()
        .case_exact()
        .mutability(ReadOnly)
        .returned(Returned::Always)
        .required();

/// The resource types Janua serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceType {
    User,
    Group,
}

/// Where an attribute was found: which schema, and its definition.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedAttribute {
    /// `None` for the core schema and the common attributes (they live at the top level of the
    /// resource); `Some(urn)` for an extension (its attributes live under the URN key).
    pub extension: Option<&'static SchemaDef>,
    pub def: &'static AttributeDef,
}

impl ResourceType {
    /// `User` or `Group`, as in `meta.resourceType`.
    pub fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
        }
    }

    /// The endpoint below the SCIM base (`/Users`).
    pub fn endpoint(self) -> &'static str {
        match self {
            Self::User => "/Users",
            Self::Group => "/Groups",
        }
    }

    /// The core schema.
    pub fn core_schema(self) -> &'static SchemaDef {
        match self {
            Self::User => &USER,
            Self::Group => &GROUP,
        }
    }

    /// The extension schemas this resource type accepts.
    pub fn extensions(self) -> &'static [&'static SchemaDef] {
        static USER_EXTENSIONS: [&SchemaDef; 1] = [&ENTERPRISE_USER];
        match self {
            Self::User => &USER_EXTENSIONS,
            Self::Group => &[],
        }
    }

    /// The extension with this URN (case-insensitive).
    pub fn extension(self, urn: &str) -> Option<&'static SchemaDef> {
        self.extensions().iter().copied().find(|s| s.id.eq_ignore_ascii_case(urn))
    }

    /// Resolves an attribute name, optionally qualified by a schema URN, to its definition.
    ///
    /// An unqualified name is looked up in the common attributes and the core schema first,
    /// then in the extensions: RFC 7644 §3.10 lets clients leave the URN off when the name is
    /// unambiguous, and some clients do for extension attributes.
    pub fn resolve(self, urn: Option<&str>, name: &str) -> Option<ResolvedAttribute> {
        let core = self.core_schema();
        let in_core = || {
            COMMON_ATTRIBUTES
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(name))
                .or_else(|| core.attribute(name))
                .or_else(|| name.eq_ignore_ascii_case("schemas").then_some(&SCHEMAS_ATTRIBUTE))
                .map(|def| ResolvedAttribute { extension: None, def })
        };
        match urn {
            Some(urn) if urn.eq_ignore_ascii_case(core.id) => in_core(),
            Some(urn) => {
                let schema = self.extension(urn)?;
                schema.attribute(name).map(|def| ResolvedAttribute { extension: Some(schema), def })
            }
            None => in_core().or_else(|| {
                self.extensions().iter().find_map(|schema| {
                    schema.attribute(name).map(|def| ResolvedAttribute { extension: Some(*schema), def })
                })
            }),
        }
    }

    /// The `/ResourceTypes/{name}` document (RFC 7643 §6).
    pub fn to_json(self, base_url: &str) -> Value {
        let extensions: Vec<Value> =
            self.extensions().iter().map(|s| json!({"schema": s.id, "required": false})).collect();
        let mut out = json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": self.name(),
            "name": self.name(),
            "endpoint": self.endpoint(),
            "description": self.core_schema().description,
            "schema": self.core_schema().id,
            "meta": {
                "resourceType": "ResourceType",
                "location": format!("{}/ResourceTypes/{}", trim(base_url), self.name()),
            }
        });
        if !extensions.is_empty() {
            out["schemaExtensions"] = Value::Array(extensions);
        }
        out
    }

    /// Every resource type.
    pub const ALL: [ResourceType; 2] = [ResourceType::User, ResourceType::Group];
}

/// Every schema Janua serves at `/Schemas`.
pub fn all_schemas() -> [&'static SchemaDef; 3] {
    [&USER, &ENTERPRISE_USER, &GROUP]
}

/// The `/Schemas/{id}` document, if Janua serves that schema (URN compared case-insensitively).
pub fn schema_document(base_url: &str, id: &str) -> Option<Value> {
    all_schemas().into_iter().find(|s| s.id.eq_ignore_ascii_case(id)).map(|s| s.to_json(base_url))
}

/// The `/Schemas` list (a `ListResponse`, RFC 7644 §4).
pub fn schemas_document(base_url: &str) -> Value {
    let resources: Vec<Value> = all_schemas().iter().map(|s| s.to_json(base_url)).collect();
    crate::list::ListResponse::complete(resources).to_json()
}

/// The `/ResourceTypes/{name}` document.
pub fn resource_type_document(base_url: &str, name: &str) -> Option<Value> {
    ResourceType::ALL.into_iter().find(|r| r.name().eq_ignore_ascii_case(name)).map(|r| r.to_json(base_url))
}

/// The `/ResourceTypes` list.
pub fn resource_types_document(base_url: &str) -> Value {
    let resources: Vec<Value> = ResourceType::ALL.iter().map(|r| r.to_json(base_url)).collect();
    crate::list::ListResponse::complete(resources).to_json()
}

/// The `/ServiceProviderConfig` document (RFC 7643 §5): what Janua supports, so clients
/// (Entra's validator, `scim2-cli`) test only that.
pub fn service_provider_config(base_url: &str) -> Value {
    json!({
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "documentationUri": "https://github.com/janua-dev/janua/blob/main/docs/scim.md",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with an organization's SCIM bearer token.",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{}/ServiceProviderConfig", trim(base_url)),
        }
    })
}

fn trim(base_url: &str) -> &str {
    base_url.trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://janua.example/api/v1/scim/";

    #[test]
    fn service_provider_config_advertises_what_janua_supports() {
        let config = service_provider_config(BASE);
        assert_eq!(config["patch"]["supported"], true);
        assert_eq!(config["bulk"]["supported"], false);
        assert_eq!(config["filter"], json!({"supported": true, "maxResults": 200}));
        assert_eq!(config["changePassword"]["supported"], false);
        assert_eq!(config["sort"]["supported"], true);
        assert_eq!(config["etag"]["supported"], true);
        assert_eq!(config["authenticationSchemes"][0]["type"], "oauthbearertoken");
        assert_eq!(config["meta"]["location"], "https://janua.example/api/v1/scim/ServiceProviderConfig");
    }

    #[test]
    fn user_schema_document_describes_user_name_and_password() {
        let doc = schema_document(BASE, USER_SCHEMA).unwrap();
        assert_eq!(doc["id"], USER_SCHEMA);
        assert_eq!(
            doc["meta"]["location"],
            format!("https://janua.example/api/v1/scim/Schemas/{USER_SCHEMA}")
        );
        let attributes = doc["attributes"].as_array().unwrap();
        let user_name = attributes.iter().find(|a| a["name"] == "userName").unwrap();
        assert_eq!(user_name["required"], true);
        assert_eq!(user_name["uniqueness"], "server");
        assert_eq!(user_name["caseExact"], false);
        let password = attributes.iter().find(|a| a["name"] == "password").unwrap();
        assert_eq!(password["returned"], "never");
        assert_eq!(password["mutability"], "writeOnly");
        let emails = attributes.iter().find(|a| a["name"] == "emails").unwrap();
        assert_eq!(emails["multiValued"], true);
        assert_eq!(emails["subAttributes"].as_array().unwrap().len(), 4);
        // Common attributes are not part of the schema document (RFC 7643 §3.1).
        assert!(attributes.iter().all(|a| a["name"] != "id"));
    }

    #[test]
    fn schemas_list_has_user_enterprise_and_group() {
        let doc = schemas_document(BASE);
        assert_eq!(doc["totalResults"], 3);
        let ids: Vec<&str> =
            doc["Resources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
        assert!(schema_document(BASE, "urn:nope").is_none());
        assert!(schema_document(BASE, &GROUP_SCHEMA.to_uppercase()).is_some());
    }

    #[test]
    fn resource_types_name_the_enterprise_extension_for_users_only() {
        let doc = resource_types_document(BASE);
        assert_eq!(doc["totalResults"], 2);
        let user = resource_type_document(BASE, "user").unwrap();
        assert_eq!(user["endpoint"], "/Users");
        assert_eq!(user["schema"], USER_SCHEMA);
        assert_eq!(user["schemaExtensions"], json!([{"schema": ENTERPRISE_USER_SCHEMA, "required": false}]));
        let group = resource_type_document(BASE, "Group").unwrap();
        assert!(group.get("schemaExtensions").is_none());
        assert_eq!(group["meta"]["location"], "https://janua.example/api/v1/scim/ResourceTypes/Group");
    }

    #[test]
    fn resolve_finds_core_common_and_extension_attributes() {
        let user = ResourceType::User;
        assert_eq!(user.resolve(None, "USERNAME").unwrap().def.name, "userName");
        assert!(user.resolve(None, "id").unwrap().def.case_exact);
        assert_eq!(user.resolve(Some(USER_SCHEMA), "emails").unwrap().def.name, "emails");
        let employee = user.resolve(Some(ENTERPRISE_USER_SCHEMA), "employeeNumber").unwrap();
        assert_eq!(employee.extension.unwrap().id, ENTERPRISE_USER_SCHEMA);
        // Unqualified extension attributes are accepted too.
        assert!(user.resolve(None, "department").unwrap().extension.is_some());
        assert!(user.resolve(None, "members").is_none());
        assert!(ResourceType::Group.resolve(None, "members").is_some());
        assert!(ResourceType::Group.resolve(Some(ENTERPRISE_USER_SCHEMA), "manager").is_none());
    }
}
