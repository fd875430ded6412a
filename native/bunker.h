/*
 * Bunker's native library: CRC32C and the file primitives the log needs.
 * The only caller is src/native/ffi.ts (through bun:ffi) plus native/test_bunker.c.
 *
 * Calling conventions, chosen for bun:ffi:
 *   - Byte lengths are uint32_t and must be <= BK_LENGTH_MAX (INT32_MAX), so a byte count fits in
 *     the int32_t result. 32-bit arguments and results are the cheapest for bun:ffi to convert.
 *   - File offsets and sizes are doubles holding non-negative integers <= 2^53 (BK_OFFSET_MAX),
 *     because a JS number converts to a double with no BigInt on either side. A value that is
 *     negative, fractional, NaN or too large is rejected with -EINVAL.
 *   - Failures return -errno (always negative); success returns 0, a byte count, a size or an fd.
 *   - Paths are NUL-terminated bytes.
 * No function but bk_syncer_submit keeps a pointer after it returns, so callers may pass memory that
 * moves later to every other one.
 */
#ifndef BUNKER_H
#define BUNKER_H

#include <stdint.h>

#define BK_EXPORT __attribute__((visibility("default")))

/* bk_open flags. BK_OPEN_WRITE opens read-write without O_APPEND on purpose: Linux pwrite ignores
 * the offset of an O_APPEND descriptor, and the log always writes at an offset it tracks itself. */
#define BK_OPEN_CREATE 1    /* O_CREAT, mode 0644 */
#define BK_OPEN_READ_ONLY 2 /* O_RDONLY; the default when BK_OPEN_WRITE is absent */
#define BK_OPEN_WRITE 4     /* O_RDWR */
#define BK_OPEN_EXCLUSIVE 8 /* O_EXCL: with BK_OPEN_CREATE, fail with -EEXIST if the file exists */

#define BK_LENGTH_MAX 0x7fffffffu
#define BK_OFFSET_MAX 9007199254740992.0 /* 2^53: the largest integer a double holds exactly */

/* CRC32C (Castagnoli). crc is a previous result (0 to start), so
 * bk_crc32c(bk_crc32c(0, a, na), b, nb) == crc of a followed by b.
 * bk_crc32c uses SSE4.2 when the CPU has it (bk_crc32c_hw() == 1) and bk_crc32c_sw otherwise;
 * bk_crc32c_sw is always the portable table path, exported so tests can compare the two. */
BK_EXPORT uint32_t bk_crc32c(uint32_t crc, const uint8_t *p, uint32_t len);
BK_EXPORT uint32_t bk_crc32c_sw(uint32_t crc, const uint8_t *p, uint32_t len);
/* bk_crc32c of p[offset, offset + len): the caller passes a whole buffer and a range in it (one
 * bun:ffi call without a view per range). The range must lie inside the buffer. */
BK_EXPORT uint32_t bk_crc32c_range(uint32_t crc, const uint8_t *p, uint32_t offset, uint32_t len);
BK_EXPORT int32_t bk_crc32c_hw(void);

/* Walks the log records of data[at, size) (little-endian, as the log writes them: crc:u32 | length:u32
 * | body, the CRC32C covering length and body), storing each valid record's offset and body length as a
 * pair in out, until `pairs` are stored or a record is not valid: fewer than 8 bytes left, a length of 0,
 * above body_max or past the end, or a CRC mismatch. Returns the number of pairs stored; the caller
 * examines what follows the last one (a torn tail, zeros, corruption). -EINVAL if at > size. */
BK_EXPORT int32_t bk_scan_records(const uint8_t *data, uint32_t size, uint32_t at, uint32_t body_max, uint32_t *out, uint32_t pairs);

BK_EXPORT int32_t bk_open(const char *path, int32_t flags);
BK_EXPORT int32_t bk_close(int32_t fd);
BK_EXPORT int32_t bk_pwrite(int32_t fd, const uint8_t *buf, uint32_t len, double offset);
BK_EXPORT int32_t bk_pread(int32_t fd, uint8_t *buf, uint32_t len, double offset);
BK_EXPORT int32_t bk_fdatasync(int32_t fd);
BK_EXPORT int32_t bk_fallocate(int32_t fd, double offset, double len);
BK_EXPORT int32_t bk_fallocate_keep_size(int32_t fd, double offset, double len);
BK_EXPORT int32_t bk_ftruncate(int32_t fd, double len);
BK_EXPORT double bk_file_size(int32_t fd);
BK_EXPORT int32_t bk_fsync_dir(const char *path);
BK_EXPORT int32_t bk_rename(const char *from, const char *to);
BK_EXPORT int32_t bk_unlink(const char *path);

/* The syncer: persistent worker threads that write and fdatasync groups of files and report each
 * group through a socketpair, so a log flush costs the JavaScript thread one call and one
 * event-loop read.
 *   bk_syncer_start(workers)  starts `workers` threads (1..BK_SYNC_WORKERS_MAX) once per process and
 *                             returns the descriptor to read completions from (the same one on every
 *                             later call);
 *   bk_syncer_submit(jobs, count, ticket)  queues count (1..BK_SYNC_GROUP_MAX) jobs, copied before it
 *                             returns. Job i is jobs[8i..8i+7] (doubles): fd, buffer address, length,
 *                             offset, zero_from, zero_to, truncate_to, overwrite (0 or 1). It pwrites
 *                             `length` bytes from the buffer at `offset` (nothing when length is 0),
 *                             writes zeros over [zero_from, zero_to) (nothing when that is empty),
 *                             truncates the file to truncate_to (not when it is -1), then fdatasyncs the
 *                             fd. overwrite = 1 is the caller's promise that the job only pwrites into
 *                             blocks already allocated, written and durable within the file's durable
 *                             size; two or more such jobs on one device share one fdatasync (the others
 *                             write back with sync_file_range before it: see sync_share_flush), with the
 *                             same guarantee when their record arrives. -EINVAL for a malformed job,
 *                             -EAGAIN when too much is queued.
 * When all of a group are done, one record arrives on the descriptor, in native byte order:
 *   ticket:u32 | count:u32 | result:i32 * count   (0, or -errno of the job's first failing step:
 *                                                  pwrite, zero fill, ftruncate or fdatasync)
 * Unlike the other calls, the syncer keeps the buffer addresses it is given: each buffer must stay
 * where it is, unchanged, and each descriptor open, until its group's record has arrived. */
#define BK_SYNC_GROUP_MAX 64
#define BK_SYNC_JOB_DOUBLES 8
#define BK_SYNC_WORKERS_MAX 64
BK_EXPORT int32_t bk_syncer_start(int32_t workers);
BK_EXPORT int32_t bk_syncer_submit(const double *jobs, uint32_t count, uint32_t ticket);

#endif
