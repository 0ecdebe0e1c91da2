package dev.chplane.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The SQL of {@code pipe_positions}: plain statements that H2 and PostgreSQL both run. */
final class PipePositionRows {
  static final String TABLE = "pipe_positions";

  private PipePositionRows() {}

  static Map<String, String> read(Connection c, UUID pipeId) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] row :
        Rows.query(
            c,
            "SELECT position_key, position_value FROM pipe_positions WHERE pipe_id = ?"
                + " ORDER BY position_key",
            rs -> new String[] {rs.getString(1), rs.getString(2)},
            pipeId)) {
      out.put(row[0], row[1]);
    }
    return out;
  }

  /** Update-then-insert (no MERGE / ON CONFLICT): the statements return the rows they changed. */
  static String[] upsert() {
    return new String[] {
      "UPDATE pipe_positions SET position_value = ?, updated_at = ? WHERE pipe_id = ? AND position_key = ?",
      "INSERT INTO pipe_positions (pipe_id, position_key, position_value, updated_at) VALUES (?, ?, ?, ?)"
    };
  }

  static Object[] updateValues(UUID pipeId, String key, String value, Instant at) {
    return new Object[] {value, Rows.ts(at), pipeId, key};
  }

  static Object[] insertValues(UUID pipeId, String key, String value, Instant at) {
    return new Object[] {pipeId, key, value, Rows.ts(at)};
  }

  static final String DELETE = "DELETE FROM pipe_positions WHERE pipe_id = ? AND position_key = ?";
}
