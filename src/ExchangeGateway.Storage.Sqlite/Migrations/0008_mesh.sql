-- MESH: the id MESH gave a message the gateway sent, to track it and to match MESH's reports (mex-LinkedMsgID) to it.
ALTER TABLE messages ADD COLUMN mesh_message_id TEXT;
CREATE INDEX messages_mesh ON messages(mesh_message_id);
