DROP TABLE data_subject_requests;
