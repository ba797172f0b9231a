DROP TABLE oauth_flows;
DROP TABLE oauth_links;
