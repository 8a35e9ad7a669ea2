-- MESH: the id MESH gave a message the gateway sent, to track it and to match MESH's reports (mex-LinkedMsgID) to it,
-- and when its tracking was last asked, so every unsettled message is asked in turn.
ALTER TABLE messages ADD COLUMN mesh_message_id TEXT;
ALTER TABLE messages ADD COLUMN mesh_tracked_ms INTEGER;
CREATE INDEX messages_mesh ON messages(mesh_message_id);
