DROP TABLE data_deletions;
