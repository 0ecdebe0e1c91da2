CREATE TABLE clickpipes (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL REFERENCES organizations (id),
  service_id UUID NOT NULL,
  spec VARCHAR NOT NULL,
  credentials VARCHAR,
  state VARCHAR(32) NOT NULL,
  desired_state VARCHAR(16) NOT NULL,
  failure_reason VARCHAR,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  version BIGINT NOT NULL
);

CREATE INDEX clickpipes_by_service ON clickpipes (service_id, created_at);
