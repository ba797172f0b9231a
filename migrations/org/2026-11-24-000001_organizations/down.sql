DROP TABLE users;
DROP TABLE memberships;
DROP TABLE organizations;
