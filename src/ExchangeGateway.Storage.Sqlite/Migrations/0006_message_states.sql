-- A message's state and recipient type read by id without touching its row: SQLite keeps the columns in order, and
-- `status` comes after the ~50 KB `package`, so every such read (the consent-narrowing cancel walks a person's messages on
-- each accept) would otherwise step through the package's overflow pages.
CREATE INDEX messages_state ON messages(message_id, status, recipient_type);
