/*
 * Bunker's native library: CRC32C (SSE4.2 with a portable fallback), file primitives that
 * loop over short writes and EINTR so the TypeScript side sees one call, one result, and the
 * syncer (pwrite + fdatasync on persistent threads, completions through a socketpair).
 * Conventions (lengths, offsets as doubles, -errno results) are described in bunker.h.
 */
#define _GNU_SOURCE
#include "bunker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h> /* rename */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#define CRC32C_POLYNOMIAL_REFLECTED 0x82F63B78u

/* A signal storm should not spin a call forever; after this many EINTRs in a row we report it. */
#define EINTR_RETRIES_MAX 1000

/* Runs a system call again while it fails with EINTR, at most EINTR_RETRIES_MAX times. */
#define RETRY_ON_EINTR(result, call)                                                            \
  do {                                                                                          \
    int eintr_attempts_ = 0;                                                                    \
    do {                                                                                        \
      (result) = (call);                                                                        \
    } while ((result) == -1 && errno == EINTR && ++eintr_attempts_ < EINTR_RETRIES_MAX);        \
  } while (0)

/* ---------------------------------------------------------------------------------------------
 * CRC32C, portable: slicing-by-8. crc_table[k][v] is the register after byte v and k zero bytes,
 * so eight table lookups advance the register by eight bytes at once.
 * All *_raw functions work on the bare register: no pre- or post-inversion.
 * ------------------------------------------------------------------------------------------- */

static uint32_t crc_table[8][256];

static void crc_table_init(void) {
  for (uint32_t value = 0; value < 256; value++) {
    uint32_t reg = value;
    for (int bit = 0; bit < 8; bit++) {
      reg = (reg & 1) ? (reg >> 1) ^ CRC32C_POLYNOMIAL_REFLECTED : reg >> 1;
    }
    crc_table[0][value] = reg;
  }
  for (int k = 1; k < 8; k++) {
    for (uint32_t value = 0; value < 256; value++) {
      uint32_t previous = crc_table[k - 1][value];
      crc_table[k][value] = (previous >> 8) ^ crc_table[0][previous & 0xff];
    }
  }
}

static uint32_t crc_sw_raw(uint32_t reg, const uint8_t *p, size_t len) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (len >= 8) {
    uint64_t word;
    memcpy(&word, p, sizeof word); /* unaligned-safe load */
    word ^= reg;
    reg = crc_table[7][word & 0xff] ^ crc_table[6][(word >> 8) & 0xff] ^
          crc_table[5][(word >> 16) & 0xff] ^ crc_table[4][(word >> 24) & 0xff] ^
          crc_table[3][(word >> 32) & 0xff] ^ crc_table[2][(word >> 40) & 0xff] ^
          crc_table[1][(word >> 48) & 0xff] ^ crc_table[0][word >> 56];
    p += 8;
    len -= 8;
  }
#endif
  while (len > 0) {
    reg = crc_table[0][(reg ^ *p) & 0xff] ^ (reg >> 8);
    p++;
    len--;
  }
  return reg;
}

/* ---------------------------------------------------------------------------------------------
 * CRC32C, SSE4.2. One crc32 instruction has a latency of three cycles but a throughput of one,
 * so long inputs run three independent streams over adjacent blocks and then merge them:
 * crc(A || B) = shift(crc(A), |B|) ^ crc_from_zero(B), where shift multiplies the register by
 * x^(8|B|) mod P. For a fixed |B| that multiplication is linear, so four 256-entry tables do it.
 * ------------------------------------------------------------------------------------------- */

#if defined(__x86_64__)

#define HW_BLOCK_LONG_BYTES 8192
#define HW_BLOCK_SHORT_BYTES 256

static uint32_t shift_long_table[4][256];
static uint32_t shift_short_table[4][256];

/* Product of two polynomials mod P, reflected: bit 31 holds x^0, bit 0 holds x^31. */
static uint32_t gf2_multiply_mod(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (int bit = 31; bit >= 0; bit--) {
    if (a & (1u << bit)) product ^= b;
    b = (b & 1) ? (b >> 1) ^ CRC32C_POLYNOMIAL_REFLECTED : b >> 1; /* b *= x */
  }
  return product;
}

static void shift_table_init(uint32_t table[4][256], size_t bytes) {
  uint32_t x_power = 0x80000000u; /* x^0 */
  for (size_t bit = 0; bit < 8 * bytes; bit++) {
    x_power = (x_power & 1) ? (x_power >> 1) ^ CRC32C_POLYNOMIAL_REFLECTED : x_power >> 1;
  }
  for (int k = 0; k < 4; k++) {
    for (uint32_t value = 0; value < 256; value++) {
      table[k][value] = gf2_multiply_mod(x_power, value << (8 * k));
    }
  }
}

static inline uint32_t shift_apply(const uint32_t table[4][256], uint32_t reg) {
  return table[0][reg & 0xff] ^ table[1][(reg >> 8) & 0xff] ^ table[2][(reg >> 16) & 0xff] ^
         table[3][reg >> 24];
}

/* Consumes whole rounds of three blocks of block_bytes each from *p. */
__attribute__((target("sse4.2"))) static inline uint64_t crc_hw_three_streams(
    uint64_t reg, const uint8_t **p, size_t *len, size_t block_bytes,
    const uint32_t shift_table[4][256]) {
  const uint8_t *at = *p;
  size_t left = *len;
  while (left >= 3 * block_bytes) {
    uint64_t reg1 = 0;
    uint64_t reg2 = 0;
    const uint8_t *block_end = at + block_bytes;
    do {
      uint64_t word0, word1, word2;
      memcpy(&word0, at, 8);
      memcpy(&word1, at + block_bytes, 8);
      memcpy(&word2, at + 2 * block_bytes, 8);
      reg = _mm_crc32_u64(reg, word0);
      reg1 = _mm_crc32_u64(reg1, word1);
      reg2 = _mm_crc32_u64(reg2, word2);
      at += 8;
    } while (at < block_end);
    reg = shift_apply(shift_table, (uint32_t)reg) ^ (uint32_t)reg1;
    reg = shift_apply(shift_table, (uint32_t)reg) ^ (uint32_t)reg2;
    at += 2 * block_bytes;
    left -= 3 * block_bytes;
  }
  *p = at;
  *len = left;
  return reg;
}

__attribute__((target("sse4.2"))) static uint32_t crc_hw_raw(uint32_t reg32, const uint8_t *p,
                                                             size_t len) {
  uint64_t reg = reg32;
  while (len > 0 && ((uintptr_t)p & 7) != 0) {
    reg = _mm_crc32_u8((uint32_t)reg, *p);
    p++;
    len--;
  }
  reg = crc_hw_three_streams(reg, &p, &len, HW_BLOCK_LONG_BYTES, shift_long_table);
  reg = crc_hw_three_streams(reg, &p, &len, HW_BLOCK_SHORT_BYTES, shift_short_table);
  while (len >= 8) {
    uint64_t word;
    memcpy(&word, p, 8);
    reg = _mm_crc32_u64(reg, word);
    p += 8;
    len -= 8;
  }
  while (len > 0) {
    reg = _mm_crc32_u8((uint32_t)reg, *p);
    p++;
    len--;
  }
  return (uint32_t)reg;
}

#endif /* __x86_64__ */

typedef uint32_t (*crc_raw_function)(uint32_t reg, const uint8_t *p, size_t len);

static crc_raw_function crc_raw_active = crc_sw_raw;
static int32_t crc_hw_active = 0;

/* Runs at dlopen (and before main in the C tests), so the tables are ready before any call and
 * never written again: no locking needed on the read path. */
__attribute__((constructor)) static void bunker_init(void) {
  crc_table_init();
#if defined(__x86_64__)
  __builtin_cpu_init(); /* required before __builtin_cpu_supports inside a constructor */
  if (__builtin_cpu_supports("sse4.2")) {
    shift_table_init(shift_long_table, HW_BLOCK_LONG_BYTES);
    shift_table_init(shift_short_table, HW_BLOCK_SHORT_BYTES);
    crc_raw_active = crc_hw_raw;
    crc_hw_active = 1;
  }
#endif
}

uint32_t bk_crc32c(uint32_t crc, const uint8_t *p, uint32_t len) {
  if (len == 0) return crc; /* p may be NULL for an empty view */
  return ~crc_raw_active(~crc, p, len);
}

uint32_t bk_crc32c_range(uint32_t crc, const uint8_t *p, uint32_t offset, uint32_t len) {
  if (len == 0) return crc;
  return ~crc_raw_active(~crc, p + offset, len);
}

uint32_t bk_crc32c_sw(uint32_t crc, const uint8_t *p, uint32_t len) {
  if (len == 0) return crc;
  return ~crc_sw_raw(~crc, p, len);
}

int32_t bk_crc32c_hw(void) { return crc_hw_active; }

int32_t bk_scan_records(const uint8_t *data, uint32_t size, uint32_t at, uint32_t body_max, uint32_t *out, uint32_t pairs) {
  if (at > size || size > BK_LENGTH_MAX) return -EINVAL;
  uint32_t n = 0;
  while (n < pairs && size - at >= 8) {
    uint32_t crc, len;
    memcpy(&crc, data + at, 4);
    memcpy(&len, data + at + 4, 4);
    if (len == 0 || len > body_max || len > size - at - 8) break;
    if (bk_crc32c_range(0, data, at + 4, len + 4) != crc) break;
    out[2 * n] = at;
    out[2 * n + 1] = len;
    n++;
    at += 8 + len;
  }
  return (int32_t)n;
}

/* ---------------------------------------------------------------------------------------------
 * Files.
 * ------------------------------------------------------------------------------------------- */

static int32_t offset_from_double(double value, off_t *out) {
  if (!(value >= 0.0 && value <= BK_OFFSET_MAX)) return -EINVAL; /* also rejects NaN */
  int64_t whole = (int64_t)value;
  if ((double)whole != value) return -EINVAL;
  *out = (off_t)whole;
  return 0;
}

static int32_t check_buffer(const uint8_t *buf, uint32_t len) {
  if (len > BK_LENGTH_MAX) return -EINVAL;
  if (len > 0 && buf == NULL) return -EFAULT;
  return 0;
}

int32_t bk_open(const char *path, int32_t flags) {
  const int32_t flags_known = BK_OPEN_CREATE | BK_OPEN_READ_ONLY | BK_OPEN_WRITE | BK_OPEN_EXCLUSIVE;
  if (path == NULL || (flags & ~flags_known) != 0) return -EINVAL;
  if ((flags & BK_OPEN_READ_ONLY) && (flags & BK_OPEN_WRITE)) return -EINVAL;
  if ((flags & BK_OPEN_EXCLUSIVE) && !(flags & BK_OPEN_CREATE)) return -EINVAL;
  int os_flags = O_CLOEXEC | ((flags & BK_OPEN_WRITE) ? O_RDWR : O_RDONLY);
  if (flags & BK_OPEN_CREATE) os_flags |= O_CREAT;
  if (flags & BK_OPEN_EXCLUSIVE) os_flags |= O_EXCL;
  int fd;
  RETRY_ON_EINTR(fd, open(path, os_flags, 0644));
  return fd >= 0 ? fd : -errno;
}

int32_t bk_close(int32_t fd) {
  /* No retry: on Linux the descriptor is released even when close reports EINTR, and a retry
   * could close a descriptor another thread has just been given. */
  if (close(fd) == 0 || errno == EINTR) return 0;
  return -errno;
}

int32_t bk_pwrite(int32_t fd, const uint8_t *buf, uint32_t len, double offset) {
  off_t at;
  int32_t rc = offset_from_double(offset, &at);
  if (rc == 0) rc = check_buffer(buf, len);
  if (rc != 0) return rc;
  uint32_t done = 0;
  while (done < len) { /* bounded by len: each pass writes at least one byte or returns */
    ssize_t n;
    RETRY_ON_EINTR(n, pwrite(fd, buf + done, len - done, at + (off_t)done));
    if (n < 0) return -errno;
    if (n == 0) return -EIO;
    done += (uint32_t)n;
  }
  return (int32_t)done;
}

/*
 * Large reads (recovery reads whole segments into fresh buffers) ask for transparent huge pages over
 * the part of the buffer that holds whole 2 MB pages, so the read faults in a page per 2 MB instead of
 * one per 4 KB. Measured here (a 29 MB segment, pread into fresh memory, then one pass over it): 119 ms
 * with 4 KB pages, 53 ms with huge pages; page faults are expensive on this virtual machine, and the
 * first access from user space after the kernel filled a page faults again. Only advice: where THP is
 * off, or the memory cannot use it, nothing changes.
 */
#define BK_HUGE_READ_BYTES_MIN (4u << 20)
#define BK_HUGE_PAGE_BYTES ((uintptr_t)2 << 20)
static void advise_huge_pages(uint8_t *buf, uint32_t len) {
  uintptr_t from = ((uintptr_t)buf + BK_HUGE_PAGE_BYTES - 1) & ~(BK_HUGE_PAGE_BYTES - 1);
  uintptr_t to = ((uintptr_t)buf + len) & ~(BK_HUGE_PAGE_BYTES - 1);
  if (to > from) (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
}

int32_t bk_pread(int32_t fd, uint8_t *buf, uint32_t len, double offset) {
  off_t at;
  int32_t rc = offset_from_double(offset, &at);
  if (rc == 0) rc = check_buffer(buf, len);
  if (rc != 0) return rc;
  if (len >= BK_HUGE_READ_BYTES_MIN) advise_huge_pages(buf, len);
  uint32_t done = 0;
  while (done < len) { /* bounded by len: each pass reads at least one byte or stops */
    ssize_t n;
    RETRY_ON_EINTR(n, pread(fd, buf + done, len - done, at + (off_t)done));
    if (n < 0) return -errno;
    if (n == 0) break; /* end of file */
    done += (uint32_t)n;
  }
  return (int32_t)done;
}

int32_t bk_fdatasync(int32_t fd) {
  int rc;
  RETRY_ON_EINTR(rc, fdatasync(fd));
  return rc == 0 ? 0 : -errno;
}

static int32_t range_from_doubles(double offset, double len, off_t *at, off_t *bytes) {
  int32_t rc = offset_from_double(offset, at);
  if (rc == 0) rc = offset_from_double(len, bytes);
  if (rc == 0 && *at + *bytes > (off_t)BK_OFFSET_MAX) rc = -EINVAL;
  return rc;
}

int32_t bk_fallocate(int32_t fd, double offset, double len) {
  off_t at, bytes;
  int32_t rc = range_from_doubles(offset, len, &at, &bytes);
  if (rc != 0) return rc;
  if (bytes == 0) return 0;
  /* posix_fallocate returns the error number instead of setting errno; glibc emulates it by
   * writing zeros on file systems without fallocate, so it works everywhere. */
  int error;
  int attempts = 0;
  do {
    error = posix_fallocate(fd, at, bytes);
  } while (error == EINTR && ++attempts < EINTR_RETRIES_MAX);
  return -error;
}

int32_t bk_fallocate_keep_size(int32_t fd, double offset, double len) {
  off_t at, bytes;
  int32_t rc = range_from_doubles(offset, len, &at, &bytes);
  if (rc != 0) return rc;
  if (bytes == 0) return 0;
  RETRY_ON_EINTR(rc, fallocate(fd, FALLOC_FL_KEEP_SIZE, at, bytes));
  return rc == 0 ? 0 : -errno;
}

int32_t bk_ftruncate(int32_t fd, double len) {
  off_t bytes;
  int32_t rc = offset_from_double(len, &bytes);
  if (rc != 0) return rc;
  RETRY_ON_EINTR(rc, ftruncate(fd, bytes));
  return rc == 0 ? 0 : -errno;
}

double bk_file_size(int32_t fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -(double)errno;
  return (double)st.st_size;
}

int32_t bk_fsync_dir(const char *path) {
  if (path == NULL) return -EINVAL;
  int fd;
  RETRY_ON_EINTR(fd, open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd < 0) return -errno;
  int rc;
  RETRY_ON_EINTR(rc, fsync(fd));
  int32_t result = rc == 0 ? 0 : -errno;
  close(fd);
  return result;
}

int32_t bk_rename(const char *from, const char *to) {
  if (from == NULL || to == NULL) return -EINVAL;
  return rename(from, to) == 0 ? 0 : -errno;
}

int32_t bk_unlink(const char *path) {
  if (path == NULL) return -EINVAL;
  return unlink(path) == 0 ? 0 : -errno;
}

/* ---------------------------------------------------------------------------------------------
 * The syncer: persistent threads that write and fdatasync for the log, so the JavaScript thread
 * never waits on the disk and no thread is created or handed work per call. A submission is a group
 * of jobs, each on one descriptor: an optional pwrite (the whole buffer at an offset), optional zero
 * writes over a range (preparing log space), an optional ftruncate, then fdatasync. The workers run
 * jobs in parallel (different files flush concurrently), and the worker that finishes a group's
 * last job writes one completion record to a socketpair whose other end the JavaScript side watches
 * in its event loop:
 *   record = ticket:u32 | count:u32 | result:i32 * count      (native byte order; 0 or -errno)
 * Records are written whole under a lock, so they are never interleaved in the stream.
 * Wake-ups: a submission wakes one worker; a worker that takes a job while more are queued wakes the
 * next, so the submitting thread pays for one wake-up however many jobs there are.
 * ------------------------------------------------------------------------------------------- */

struct sync_work {
  int32_t fd;
  uint32_t len;          /* bytes to pwrite before the fdatasync; 0 for none */
  const uint8_t *buffer; /* owned by the caller until the group's record arrives */
  off_t offset;
  off_t zero_from;       /* then zeros are written over [zero_from, zero_to) (none when empty) */
  off_t zero_to;
  off_t truncate_to;     /* then the file is truncated to this size (-1: not) */
  int shared;            /* part of the group's shared flush (see sync_run_shared) */
};

/*
 * One device flush per group. An fdatasync costs a device cache flush, and the jobs of a group ran
 * on several workers that wake each other in turn (measured under load here: 150-220 us from submit
 * until the last job of four was picked up, of 500-650 us per group). A job flagged as an overwrite
 * (its bytes land in blocks that are already allocated, written and durable, and the file's size does
 * not change: the log's prepared space) needs no metadata committed, only its data written and the
 * device cache flushed afterwards. So when a group holds two or more such jobs on one device, one
 * worker runs them all as one queue item: it pwrites each, starts the writeback of all but the first
 * (sync_file_range, so the device writes them concurrently), waits for those writebacks, then
 * fdatasyncs the first one's descriptor: that writes its data and flushes the device cache after every
 * other writeback has completed, so it makes all of them durable; its result becomes each one's.
 * Jobs with anything else to do (a zero fill, a truncation, an append) keep their own fdatasync.
 */

struct sync_group {
  uint32_t ticket;
  uint32_t count;
  uint32_t remaining;
  int32_t flusher; /* index of the first job of the shared flush, or -1 when there is none */
  int32_t results[BK_SYNC_GROUP_MAX];
  struct sync_work work[BK_SYNC_GROUP_MAX];
};

struct sync_job {
  struct sync_group *group;
  uint32_t index; /* the job's index in the group, or SYNC_SHARED_ITEM for all its shared jobs */
};
#define SYNC_SHARED_ITEM UINT32_MAX

/* A ring of jobs; its capacity bounds what may be outstanding (submissions beyond it get -EAGAIN). */
#define SYNC_QUEUE_CAPACITY 4096

static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t sync_write_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sync_job sync_queue[SYNC_QUEUE_CAPACITY];
static uint32_t sync_head;
static uint32_t sync_length;
static uint32_t sync_idle; /* workers waiting for a job */
static int sync_signal_fd = -1; /* the C end of the socketpair */
static int sync_js_fd = -1;     /* the end handed to JavaScript */

/* Writes all of a record; a failure here cannot be reported anywhere else, so it aborts. */
static void sync_write_record(const uint8_t *bytes, size_t len) {
  pthread_mutex_lock(&sync_write_lock);
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(sync_signal_fd, bytes + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) abort();
    done += (size_t)n;
  }
  pthread_mutex_unlock(&sync_write_lock);
}

/* Source of the zero writes that prepare log space (see bk_syncer_submit). */
static const uint8_t sync_zeros[256 * 1024];

static int32_t sync_run(const struct sync_work *work) {
  if (work->len > 0) {
    int32_t written = bk_pwrite(work->fd, work->buffer, work->len, (double)work->offset);
    if (written < 0) return written;
  }
  for (off_t at = work->zero_from; at < work->zero_to;) {
    off_t left = work->zero_to - at;
    uint32_t n = left < (off_t)sizeof sync_zeros ? (uint32_t)left : (uint32_t)sizeof sync_zeros;
    int32_t written = bk_pwrite(work->fd, sync_zeros, n, (double)at);
    if (written < 0) return written;
    at += n;
  }
  if (work->truncate_to >= 0) {
    int32_t rc = bk_ftruncate(work->fd, (double)work->truncate_to);
    if (rc < 0) return rc;
  }
  return bk_fdatasync(work->fd);
}

static int32_t sync_range(int32_t fd, off_t offset, uint32_t len, unsigned int flags) {
  int rc;
  RETRY_ON_EINTR(rc, sync_file_range(fd, offset, (off_t)len, flags));
  return rc == 0 ? 0 : -errno;
}

/* Runs a group's shared jobs (see above), filling in their results. */
static void sync_run_shared(struct sync_group *group) {
  const unsigned int wait_all = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
  for (uint32_t i = 0; i < group->count; i++) {
    const struct sync_work *work = &group->work[i];
    if (!work->shared) continue;
    int32_t written = bk_pwrite(work->fd, work->buffer, work->len, (double)work->offset);
    group->results[i] = written < 0 ? written : 0;
    if (written >= 0 && (int32_t)i != group->flusher)
      group->results[i] = sync_range(work->fd, work->offset, work->len, SYNC_FILE_RANGE_WRITE);
  }
  for (uint32_t i = 0; i < group->count; i++) {
    const struct sync_work *work = &group->work[i];
    if (work->shared && (int32_t)i != group->flusher && group->results[i] == 0)
      group->results[i] = sync_range(work->fd, work->offset, work->len, wait_all);
  }
  int32_t flushed = bk_fdatasync(group->work[group->flusher].fd);
  for (uint32_t i = 0; i < group->count; i++)
    if (group->work[i].shared && group->results[i] == 0) group->results[i] = flushed;
}

static void *sync_worker_main(void *unused) {
  (void)unused;
  pthread_setname_np(pthread_self(), "bunker-sync");
  for (;;) {
    pthread_mutex_lock(&sync_lock);
    while (sync_length == 0) {
      sync_idle++;
      pthread_cond_wait(&sync_wake, &sync_lock);
      sync_idle--;
    }
    struct sync_job job = sync_queue[sync_head];
    sync_head = (sync_head + 1) % SYNC_QUEUE_CAPACITY;
    sync_length--;
    int wake_next = sync_length > 0 && sync_idle > 0;
    pthread_mutex_unlock(&sync_lock);
    if (wake_next) pthread_cond_signal(&sync_wake);

    struct sync_group *group = job.group;
    int32_t result = job.index == SYNC_SHARED_ITEM ? 0 : sync_run(&group->work[job.index]);
    if (job.index == SYNC_SHARED_ITEM) sync_run_shared(group);
    pthread_mutex_lock(&sync_lock);
    if (job.index != SYNC_SHARED_ITEM) group->results[job.index] = result;
    uint32_t left = --group->remaining;
    pthread_mutex_unlock(&sync_lock);
    if (left != 0) continue;

    uint8_t record[8 + 4 * BK_SYNC_GROUP_MAX];
    memcpy(record, &group->ticket, 4);
    memcpy(record + 4, &group->count, 4);
    memcpy(record + 8, group->results, 4 * (size_t)group->count);
    size_t len = 8 + 4 * (size_t)group->count;
    free(group);
    sync_write_record(record, len);
  }
  return NULL;
}

int32_t bk_syncer_start(int32_t workers) {
  pthread_mutex_lock(&sync_lock);
  if (sync_js_fd >= 0) {
    pthread_mutex_unlock(&sync_lock);
    return sync_js_fd; /* one syncer per process */
  }
  if (workers < 1 || workers > BK_SYNC_WORKERS_MAX) {
    pthread_mutex_unlock(&sync_lock);
    return -EINVAL;
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    int error = errno;
    pthread_mutex_unlock(&sync_lock);
    return -error;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  int started = 0;
  int error = 0;
  for (; started < workers; started++) {
    pthread_t thread;
    error = pthread_create(&thread, &attr, sync_worker_main, NULL);
    if (error != 0) break;
  }
  pthread_attr_destroy(&attr);
  if (started == 0) {
    close(pair[0]);
    close(pair[1]);
    pthread_mutex_unlock(&sync_lock);
    return -error;
  }
  sync_signal_fd = pair[1];
  sync_js_fd = pair[0];
  pthread_mutex_unlock(&sync_lock);
  return sync_js_fd;
}

/* Picks the jobs of a group that share one fdatasync: flagged overwrites with data and nothing else to
 * do, on the first one's device; needs two of them, else every job keeps its own. */
static void sync_share_flush(struct sync_group *group, const double *jobs) {
  int32_t flusher = -1;
  dev_t device = 0;
  uint32_t sharing = 0;
  for (uint32_t i = 0; i < group->count; i++) {
    struct sync_work *work = &group->work[i];
    if (jobs[BK_SYNC_JOB_DOUBLES * (size_t)i + 7] != 1.0 || work->len == 0 || work->zero_to > work->zero_from ||
        work->truncate_to >= 0)
      continue;
    struct stat st;
    if (fstat(work->fd, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (flusher < 0) {
      flusher = (int32_t)i;
      device = st.st_dev;
    } else if (st.st_dev != device) continue;
    work->shared = 1;
    sharing++;
  }
  if (sharing < 2) {
    if (flusher >= 0) group->work[flusher].shared = 0;
    return;
  }
  group->flusher = flusher;
  group->remaining = group->count - sharing + 1; /* the shared jobs are one queue item */
}

int32_t bk_syncer_submit(const double *jobs, uint32_t count, uint32_t ticket) {
  if (count == 0 || count > BK_SYNC_GROUP_MAX) return -EINVAL;
  if (jobs == NULL) return -EFAULT;
  struct sync_group *group = malloc(sizeof *group);
  if (group == NULL) return -ENOMEM;
  group->ticket = ticket;
  group->count = count;
  group->remaining = count;
  group->flusher = -1;
  for (uint32_t i = 0; i < count; i++) {
    const double *j = jobs + BK_SYNC_JOB_DOUBLES * (size_t)i;
    struct sync_work *work = &group->work[i];
    off_t offset, zero_from, zero_to, truncate_to = -1;
    double len = j[2];
    if (!(j[0] >= -1.0 && j[0] <= (double)INT32_MAX && j[0] == (double)(int32_t)j[0]) ||
        !(len >= 0.0 && len <= (double)BK_LENGTH_MAX && len == (double)(uint32_t)len) ||
        offset_from_double(j[3], &offset) != 0 || (len > 0.0 && j[1] <= 0.0) ||
        offset_from_double(j[4], &zero_from) != 0 || offset_from_double(j[5], &zero_to) != 0 ||
        (j[6] != -1.0 && offset_from_double(j[6], &truncate_to) != 0) || !(j[7] == 0.0 || j[7] == 1.0)) {
      free(group);
      return -EINVAL;
    }
    work->fd = (int32_t)j[0];
    work->len = (uint32_t)len;
    work->buffer = (const uint8_t *)(uintptr_t)j[1];
    work->offset = offset;
    work->zero_from = zero_from;
    work->zero_to = zero_to;
    work->truncate_to = truncate_to;
    work->shared = 0;
  }
  sync_share_flush(group, jobs);
  pthread_mutex_lock(&sync_lock);
  if (sync_js_fd < 0 || sync_length + count > SYNC_QUEUE_CAPACITY) {
    int32_t error = sync_js_fd < 0 ? -EBADF : -EAGAIN;
    pthread_mutex_unlock(&sync_lock);
    free(group);
    return error;
  }
  if (group->flusher >= 0) sync_queue[(sync_head + sync_length++) % SYNC_QUEUE_CAPACITY] = (struct sync_job){group, SYNC_SHARED_ITEM};
  for (uint32_t i = 0; i < count; i++) {
    if (group->work[i].shared) continue;
    sync_queue[(sync_head + sync_length) % SYNC_QUEUE_CAPACITY] = (struct sync_job){group, i};
    sync_length++;
  }
  int wake = sync_idle > 0;
  pthread_mutex_unlock(&sync_lock);
  if (wake) pthread_cond_signal(&sync_wake); /* workers wake each other for the rest */
  return 0;
}
