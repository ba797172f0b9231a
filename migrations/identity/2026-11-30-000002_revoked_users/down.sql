DROP TABLE revoked_users;
