DROP TABLE compliance_reports;
