-- Positions that a pipe's source cannot keep itself (a file's progress, a shard's sequence number),
-- written by chplane in the same transaction as the state that depends on them. One row per key of
-- the source's own choosing; a pipe's rows go with it.
CREATE TABLE pipe_positions (
  pipe_id UUID NOT NULL REFERENCES clickpipes (id) ON DELETE CASCADE,
  position_key VARCHAR(1024) NOT NULL,
  position_value VARCHAR NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (pipe_id, position_key)
);
