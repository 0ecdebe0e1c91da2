package dev.chplane.provision;

import dev.chplane.security.InstallationKey;
import java.util.UUID;

/**
 * The ClickHouse users that Query API calls run as, one per endpoint role, defined on every service
 * next to chplane's internal user and, like it, admitted from loopback only. Their passwords are
 * derived from the installation key (never stored; users.xml holds only their SHA-256). The
 * read-only user's profile has {@code readonly=1} and the {@link QueryLimits}; the admin user may
 * write. Neither is the internal user, so neither can cancel chplane's own queries on 18.16 (a
 * read-only user may not kill another user's query there).
 */
public enum QueryUser {
  READ_ONLY("chplane_query_ro"),
  ADMIN("chplane_query_admin");

  private final String name;

  QueryUser(String name) {
    this.name = name;
  }

  /** The ClickHouse user name; also the name of its settings profile. */
  public String userName() {
    return name;
  }

  /** The user's password on one service, 64 hex characters. */
  public String password(InstallationKey key, UUID serviceId) {
    return key.derive("clickhouse-query-user:" + name + ":" + serviceId);
  }
}
