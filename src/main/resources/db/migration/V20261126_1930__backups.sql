CREATE TABLE backups (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL REFERENCES organizations (id),
  service_id UUID NOT NULL,
  service_region VARCHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  type VARCHAR(16) NOT NULL,
  chain_id UUID NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  finished_at TIMESTAMP WITH TIME ZONE,
  size_in_bytes BIGINT NOT NULL,
  backup_name VARCHAR(255) NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  error VARCHAR
);

CREATE INDEX backups_by_service ON backups (service_id, started_at);
