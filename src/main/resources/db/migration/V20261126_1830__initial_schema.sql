CREATE TABLE organizations (
  id UUID PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  enable_core_dumps BOOLEAN NOT NULL
);

CREATE TABLE api_keys (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL REFERENCES organizations (id),
  name VARCHAR(255) NOT NULL,
  key_id_sha256 VARCHAR(64) NOT NULL UNIQUE,
  key_suffix VARCHAR(16) NOT NULL,
  secret_sha256 VARCHAR(64) NOT NULL,
  roles VARCHAR(255) NOT NULL,
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expire_at TIMESTAMP WITH TIME ZONE,
  used_at TIMESTAMP WITH TIME ZONE,
  ip_access_list VARCHAR NOT NULL,
  version BIGINT NOT NULL
);

CREATE INDEX api_keys_by_organization ON api_keys (organization_id);

CREATE TABLE services (
  id UUID PRIMARY KEY,
  organization_id UUID NOT NULL REFERENCES organizations (id),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  spec VARCHAR NOT NULL,
  state VARCHAR(32) NOT NULL,
  desired_state VARCHAR(16) NOT NULL,
  failure_reason VARCHAR,
  clickhouse_version VARCHAR(64),
  password_sha256 VARCHAR(64) NOT NULL,
  double_sha1 VARCHAR(40),
  https_port INTEGER NOT NULL UNIQUE,
  native_secure_port INTEGER NOT NULL UNIQUE,
  version BIGINT NOT NULL
);

CREATE INDEX services_by_organization ON services (organization_id);
