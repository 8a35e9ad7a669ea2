-- Sealed packages are encrypted and so incompressible: store them out of line without trying pglz on every insert
-- (applies to rows written from now on). PostgreSQL keeps large values out of the row already, so reading a
-- message's state by id needs no covering index here, unlike SQLite's 0006.
ALTER TABLE messages ALTER COLUMN package SET STORAGE EXTERNAL;
