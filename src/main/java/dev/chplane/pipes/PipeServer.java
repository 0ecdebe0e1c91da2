package dev.chplane.pipes;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceAccess;
import java.util.Map;

/**
 * A service's server as pipes use it: SQL and inserts as chplane's internal user. Pipes get one
 * from {@link PipeServers} (the wiring decides how); {@link #of} adapts the provisioner's {@link
 * ServiceAccess}.
 */
public interface PipeServer {

  /** Runs a statement; returns what the server answered. */
  String query(String sql) throws ProvisionException;

  /** Sends {@code body} as the data of {@code insertQuery} with the given settings. */
  void insert(String insertQuery, Map<String, String> settings, byte[] body)
      throws ProvisionException;

  /** The server of a service, reached through the provisioner's access. */
  static PipeServer of(ServiceAccess access) {
    return new PipeServer() {
      @Override
      public String query(String sql) throws ProvisionException {
        return access.query(sql);
      }

      @Override
      public void insert(String insertQuery, Map<String, String> settings, byte[] body)
          throws ProvisionException {
        access.insert(insertQuery, settings, body);
      }
    };
  }
}
