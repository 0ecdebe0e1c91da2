-- The loopback ports of each replica of a service's servers (local provisioner): HTTPS and native
-- TLS (the edge forwards to these), plain native TCP (the cluster definition and ON CLUSTER DDL)
-- and interserver HTTP (replication). 0 = not assigned yet. A service's rows go with it.
CREATE TABLE replica_ports (
  service_id UUID NOT NULL REFERENCES services (id) ON DELETE CASCADE,
  replica_index INTEGER NOT NULL,
  https_port INTEGER NOT NULL,
  native_secure_port INTEGER NOT NULL,
  tcp_port INTEGER NOT NULL,
  interserver_port INTEGER NOT NULL,
  PRIMARY KEY (service_id, replica_index)
);
-- the one server of a service made before replicas is its replica 0, on the ports it has
INSERT INTO replica_ports (service_id, replica_index, https_port, native_secure_port, tcp_port,
  interserver_port)
SELECT id, 0, internal_https_port, internal_native_secure_port, 0, 0 FROM services
WHERE internal_https_port IS NOT NULL AND internal_https_port <> 0;
