package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.ServiceState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Reading a stored enum name: known names read, an unknown one fails as a store error naming the
 * column.
 */
class RowsTest {

  @Test
  void aStoredEnumNameReadsAndAnUnknownOneFailsNamingTheColumn() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:rows-test");
        PreparedStatement st =
            c.prepareStatement("SELECT 'RUNNING' AS state, 'WARMING_UP' AS state2");
        ResultSet rs = st.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(Rows.stored(ServiceState.class, rs, 1)).isEqualTo(ServiceState.RUNNING);
      assertThatThrownBy(() -> Rows.stored(ServiceState.class, rs, 2))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("state2 'WARMING_UP' is not a ServiceState");
    }
  }
}
