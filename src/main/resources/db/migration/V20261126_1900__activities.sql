CREATE TABLE activities (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL REFERENCES organizations (id),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  type VARCHAR(64) NOT NULL,
  actor_type VARCHAR(16) NOT NULL,
  actor_id VARCHAR(255),
  actor_details VARCHAR,
  actor_ip_address VARCHAR(64),
  user_agent VARCHAR(1024),
  service_id UUID,
  target_key_id UUID,
  key_update_type VARCHAR(64)
);

CREATE INDEX activities_by_organization ON activities (organization_id, created_at);
