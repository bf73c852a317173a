-- The SHA-256 of each dropzone file as last read, with the file's status (stat) at that
-- moment, so that a run does not read again a file whose status shows it has not changed
-- (ingest/submissions/file_hash.py). Trusted only when device, inode, size, modification
-- and change time are all equal, and the change time is older than the hash's start by a
-- margin: the change time (ctime) is set by the kernel on every write, rename into place
-- or utime() call and cannot be set back by a program, so no rewrite in place, even one
-- that restores size and modification time, keeps the entry valid.
create table if not exists raw.file_hashes (
    file_path    text primary key,         -- as in raw.submissions.file_path
    device       numeric(20) not null,     -- st_dev, st_ino: unsigned 64-bit
    inode        numeric(20) not null,
    file_size    bigint not null,
    mtime_ns     bigint not null,
    ctime_ns     bigint not null,
    sha256       text not null,
    hashed_at_ns bigint not null           -- the loader's clock when the read began
);
