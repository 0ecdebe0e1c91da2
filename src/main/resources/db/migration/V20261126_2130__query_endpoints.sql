CREATE TABLE query_endpoints (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL REFERENCES organizations (id),
  service_id UUID NOT NULL UNIQUE,
  roles VARCHAR(255) NOT NULL,
  open_api_keys VARCHAR NOT NULL,
  allowed_origins VARCHAR NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
