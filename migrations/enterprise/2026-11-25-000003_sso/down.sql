DROP TABLE saml_sessions;
DROP TABLE sso_identities;
DROP TABLE saml_assertions_used;
DROP TABLE sso_flows;
DROP TABLE sso_domains;
DROP TABLE sso_configurations;
