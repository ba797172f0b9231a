//! The frameworks Janua evidences and their controls: the SOC 2 criteria an identity system
//! touches, ISO/IEC 27001:2022 Annex A, GDPR and the HIPAA Security Rule's technical
//! safeguards. A control names the checks that evaluate it against live state; one without
//! checks is `manual` (evidence a person gathers), one outside an identity system's reach is
//! `not_applicable`.

use super::checks::Check::{self, *};

pub struct Framework {
    pub id: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
}

pub const FRAMEWORKS: &[Framework] = &[
    Framework {
        id: "soc2",
        name: "SOC 2",
        version: "2017 TSC",
        description: "AICPA Trust Services Criteria (2017, revised points of focus 2022): the common criteria for logical access (CC6), system operations (CC7) and change management (CC8).",
    },
    Framework {
        id: "iso27001",
        name: "ISO/IEC 27001",
        version: "2022 Annex A",
        description: "Information security controls of ISO/IEC 27001:2022 Annex A that concern identities, access and logging.",
    },
    Framework {
        id: "gdpr",
        name: "GDPR",
        version: "Regulation (EU) 2016/679",
        description: "The articles on principles, data-subject rights, protection by design, records and security of processing.",
    },
    Framework {
        id: "hipaa",
        name: "HIPAA Security Rule",
        version: "45 CFR 164.312",
        description: "The technical safeguards of the HIPAA Security Rule: access control, audit controls, integrity, authentication, transmission security.",
    },
];

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Control {
    pub id: &'static str,
    pub framework: &'static str,
    pub reference: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// How Janua evidences it.
    pub evidenced_by: &'static str,
    /// The live checks; none: `manual` (or `not_applicable` when `applicable` is false).
    #[serde(skip)]
    pub checks: &'static [Check],
    #[serde(skip)]
    pub applicable: bool,
}

const fn control(
    id: &'static str, framework: &'static str, reference: &'static str, title: &'static str,
    description: &'static str, evidenced_by: &'static str, checks: &'static [Check],
) -> Control {
    Control { id, framework, reference, title, description, evidenced_by, checks, applicable: true }
}

const fn outside(
    id: &'static str, framework: &'static str, reference: &'static str, title: &'static str,
    description: &'static str, evidenced_by: &'static str,
) -> Control {
    Control { id, framework, reference, title, description, evidenced_by, checks: &[], applicable: false }
}

pub static CONTROLS: &[Control] = &[
    // SOC 2 (2017 TSC): the common criteria an identity system touches.
    control(
        "soc2-cc6.1",
        "soc2",
        "CC6.1",
        "Logical access security",
        "The entity implements logical access security software, infrastructure and architectures over protected information assets.",
        "Passwords hashed with Argon2id at OWASP parameters, second factors for privileged users, secrets sealed at rest.",
        &[PasswordHashing, PrivilegedMfa, SecretsSealed],
    ),
    control(
        "soc2-cc6.2",
        "soc2",
        "CC6.2",
        "User registration, authorization and removal",
        "Credentials are issued to registered and authorized users, and removed when access is no longer authorized.",
        "No suspended user holds a live session; accounts without a sign-in for 90 days are surfaced for review.",
        &[SuspendedSessions, DormantAccounts],
    ),
    control(
        "soc2-cc6.3",
        "soc2",
        "CC6.3",
        "Role-based access and least privilege",
        "Access to data and assets is authorized, modified or removed based on roles, responsibilities and least privilege.",
        "Built-in and custom roles and policies (RBAC API); every grant and revocation is an audit event. Role reviews are the organization's process.",
        &[],
    ),
    outside(
        "soc2-cc6.4",
        "soc2",
        "CC6.4",
        "Physical access",
        "Physical access to facilities and protected assets is restricted to authorized personnel.",
        "Outside an identity platform: the hosting provider's controls.",
    ),
    control(
        "soc2-cc6.6",
        "soc2",
        "CC6.6",
        "Protection against threats from outside the system boundary",
        "Logical access security measures protect against threats from sources outside the system boundaries.",
        "Rate limits at the gateway and brute-force throttling of sign-ins; short-lived access tokens.",
        &[RateLimiting, TokenLifetimes],
    ),
    control(
        "soc2-cc6.7",
        "soc2",
        "CC6.7",
        "Transmission of information",
        "The transmission of information is restricted to authorized parties and protected in transit.",
        "Webhooks are delivered over HTTPS and signed; mail is sent over TLS.",
        &[WebhooksHttps, MailTls],
    ),
    control(
        "soc2-cc7.2",
        "soc2",
        "CC7.2",
        "Monitoring of system components",
        "System components are monitored for anomalies indicative of malicious acts, errors and natural disasters.",
        "Every security-relevant action is an entry of a hash-chained audit log that verifies end to end.",
        &[AuditChain],
    ),
    control(
        "soc2-cc7.3",
        "soc2",
        "CC7.3",
        "Evaluation of security events",
        "Security events are evaluated to determine whether they could or did result in a failure to meet objectives.",
        "Failure outcomes (refused sign-ins, token reuse, suspected passkey clones) are marked in the audit log and delivered by webhook; their evaluation is the organization's process.",
        &[],
    ),
    control(
        "soc2-cc8.1",
        "soc2",
        "CC8.1",
        "Change management",
        "Changes to infrastructure, data, software and procedures are authorized, tested, approved and implemented.",
        "Configuration changes (SSO, roles, policies, webhooks) are audit events with their actor; the release process is the operator's.",
        &[],
    ),
    // ISO/IEC 27001:2022 Annex A.
    control(
        "iso27001-5.15",
        "iso27001",
        "A.5.15",
        "Access control",
        "Rules to control physical and logical access to information are established and implemented.",
        "Authorization in the service that owns the data through one organization-access rule; policies evaluated per request.",
        &[],
    ),
    control(
        "iso27001-5.16",
        "iso27001",
        "A.5.16",
        "Identity management",
        "The full life cycle of identities is managed.",
        "Accounts provisioned and deprovisioned over SCIM and the API; dormant accounts surfaced.",
        &[DormantAccounts],
    ),
    control(
        "iso27001-5.17",
        "iso27001",
        "A.5.17",
        "Authentication information",
        "Allocation and management of authentication information is controlled.",
        "Argon2id password hashes at OWASP parameters; tokens stored as SHA-256 digests; secrets sealed at rest.",
        &[PasswordHashing, SecretsSealed],
    ),
    control(
        "iso27001-5.18",
        "iso27001",
        "A.5.18",
        "Access rights",
        "Access rights are provisioned, reviewed, modified and removed according to policy.",
        "Suspension ends every session at once; dormant accounts are surfaced for review.",
        &[SuspendedSessions, DormantAccounts],
    ),
    control(
        "iso27001-8.2",
        "iso27001",
        "A.8.2",
        "Privileged access rights",
        "The allocation and use of privileged access rights is restricted and managed.",
        "Platform admins and organization owners and admins hold a second factor (TOTP or passkey).",
        &[PrivilegedMfa],
    ),
    control(
        "iso27001-8.5",
        "iso27001",
        "A.8.5",
        "Secure authentication",
        "Secure authentication technologies and procedures are implemented.",
        "Second factors for privileged users, brute-force throttling, short-lived signed access tokens with rotating refresh tokens.",
        &[PrivilegedMfa, RateLimiting, TokenLifetimes],
    ),
    control(
        "iso27001-8.15",
        "iso27001",
        "A.8.15",
        "Logging",
        "Logs that record activities, exceptions and faults are produced, stored, protected and analysed.",
        "A hash-chained, sealed audit log that verifies end to end; personal data in it kept for a configured period.",
        &[AuditChain, AuditRetention],
    ),
    control(
        "iso27001-8.16",
        "iso27001",
        "A.8.16",
        "Monitoring activities",
        "Networks, systems and applications are monitored for anomalous behaviour.",
        "Rate limits and sign-in throttling act on anomalies; failures are audit events and webhooks. Review is the organization's process.",
        &[RateLimiting],
    ),
    control(
        "iso27001-8.24",
        "iso27001",
        "A.8.24",
        "Use of cryptography",
        "Rules for the effective use of cryptography, including key management, are defined and implemented.",
        "Signing keys rotated on schedule and sealed at rest; Argon2id for passwords.",
        &[SigningKeyRotation, SecretsSealed, PasswordHashing],
    ),
    // GDPR.
    control(
        "gdpr-art5",
        "gdpr",
        "Art. 5",
        "Principles relating to processing of personal data",
        "Personal data is processed lawfully, limited in purpose and storage, accurate, and kept with integrity and confidentiality.",
        "Secrets sealed at rest; an append-only, verifiable audit log of processing whose personal data is kept for a limited period (storage limitation).",
        &[SecretsSealed, AuditChain, AuditRetention],
    ),
    control(
        "gdpr-art12",
        "gdpr",
        "Art. 12",
        "Transparent information and modalities",
        "Requests of data subjects are answered without undue delay, within one month, extendable by two months.",
        "Data-subject requests are tracked with their due dates; none may be open past it (Compliance API).",
        &[DsrOverdue],
    ),
    control(
        "gdpr-art15",
        "gdpr",
        "Art. 15",
        "Right of access",
        "The data subject obtains confirmation and a copy of the personal data processed.",
        "POST /api/v1/compliance/privacy/data-export assembles every service's part into one archive (JSON per service, SHA-256 manifest) whose single-use link goes to the verified address.",
        &[DsrOverdue],
    ),
    control(
        "gdpr-art17",
        "gdpr",
        "Art. 17",
        "Right to erasure",
        "The data subject obtains the erasure of personal data without undue delay.",
        "POST /api/v1/compliance/privacy/data-deletion deactivates the account at once and, after a grace period the person may cancel in, erases them from every service; the audit log keeps its entries and still verifies.",
        &[DsrOverdue],
    ),
    control(
        "gdpr-art20",
        "gdpr",
        "Art. 20",
        "Right to data portability",
        "The data subject receives their data in a structured, commonly used, machine-readable format.",
        "The data export: a ZIP of one JSON document per service with a manifest of SHA-256s.",
        &[DsrOverdue],
    ),
    control(
        "gdpr-art25",
        "gdpr",
        "Art. 25",
        "Data protection by design and by default",
        "Appropriate technical measures implement data-protection principles by design and by default.",
        "Passwords never stored, only Argon2id hashes; tokens stored as digests; secrets sealed; no user enumeration.",
        &[PasswordHashing, SecretsSealed],
    ),
    control(
        "gdpr-art30",
        "gdpr",
        "Art. 30",
        "Records of processing activities",
        "The controller maintains a record of processing activities.",
        "The audit log records processing by actor, subject and time; the record itself is the controller's.",
        &[AuditChain],
    ),
    control(
        "gdpr-art32",
        "gdpr",
        "Art. 32",
        "Security of processing",
        "Technical measures ensure security appropriate to the risk, including encryption and resilience.",
        "Second factors for privileged users, secrets sealed at rest, TLS for mail and webhooks.",
        &[PrivilegedMfa, SecretsSealed, MailTls, WebhooksHttps],
    ),
    control(
        "gdpr-art33",
        "gdpr",
        "Art. 33",
        "Notification of a personal data breach",
        "A breach is notified to the supervisory authority within 72 hours.",
        "The verifiable audit log supports the investigation; notification is the controller's process.",
        &[AuditChain],
    ),
    // HIPAA Security Rule, technical safeguards.
    control(
        "hipaa-164.312a",
        "hipaa",
        "164.312(a)(1)",
        "Access control",
        "Technical policies allow access only to persons or software granted access rights (unique user identification, automatic logoff, encryption).",
        "Unique user ids, short-lived access tokens, sessions of suspended users ended at once.",
        &[TokenLifetimes, SuspendedSessions],
    ),
    control(
        "hipaa-164.312b",
        "hipaa",
        "164.312(b)",
        "Audit controls",
        "Mechanisms record and examine activity in systems that contain or use ePHI.",
        "A hash-chained audit log of every security-relevant action that verifies end to end.",
        &[AuditChain],
    ),
    control(
        "hipaa-164.312c",
        "hipaa",
        "164.312(c)(1)",
        "Integrity",
        "Policies protect ePHI from improper alteration or destruction.",
        "The audit log's hash chain and sealed head reveal any alteration; secrets sealed at rest.",
        &[AuditChain, SecretsSealed],
    ),
    control(
        "hipaa-164.312d",
        "hipaa",
        "164.312(d)",
        "Person or entity authentication",
        "Procedures verify that a person seeking access is the one claimed.",
        "Argon2id passwords, second factors for privileged users, brute-force throttling.",
        &[PasswordHashing, PrivilegedMfa, RateLimiting],
    ),
    control(
        "hipaa-164.312e",
        "hipaa",
        "164.312(e)(1)",
        "Transmission security",
        "Technical measures guard against unauthorized access to ePHI transmitted over a network.",
        "Webhooks over HTTPS, signed; mail over TLS.",
        &[WebhooksHttps, MailTls],
    ),
];
