/*
 * Unit tests for libbunker: CRC32C check values, SSE4.2 against the table path on random
 * buffers, file primitives round-tripping through a temporary directory, and the syncer.
 * Random cases use a seeded generator; set BUNKER_SEED to replay a printed seed.
 */
#define _GNU_SOURCE
#include "bunker.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RANDOM_CASES 3000
#define RANDOM_LENGTH_MAX (3 * 8192 * 4 + 1000) /* reaches the three-stream long blocks */
#define ALIGNMENT_SHIFT_MAX 15

static int passed;
static int failed;
static uint32_t seed;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (cond) {                                                                       \
      passed++;                                                                       \
    } else {                                                                          \
      failed++;                                                                       \
      fprintf(stderr, "%s:%d: check failed: %s (seed %" PRIu32 ")\n", __FILE__, __LINE__, \
              #cond, seed);                                                           \
    }                                                                                 \
  } while (0)

/* mulberry32: small, seedable, and the same generator the TypeScript tests use. */
static uint32_t random_state;
static uint32_t random_next(void) {
  uint32_t t = random_state += 0x6D2B79F5u;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

static void test_crc_check_values(void) {
  const uint8_t *check = (const uint8_t *)"123456789";
  CHECK(bk_crc32c(0, check, 9) == 0xE3069283u);
  CHECK(bk_crc32c_sw(0, check, 9) == 0xE3069283u);
  CHECK(bk_crc32c(0, NULL, 0) == 0);
  CHECK(bk_crc32c(0x12345678u, NULL, 0) == 0x12345678u);

  /* RFC 3720 (iSCSI) appendix B.4 vectors, 32 bytes each. */
  uint8_t block[32];
  memset(block, 0x00, sizeof block);
  CHECK(bk_crc32c(0, block, 32) == 0x8A9136AAu);
  memset(block, 0xFF, sizeof block);
  CHECK(bk_crc32c(0, block, 32) == 0x62A8AB43u);
  for (int i = 0; i < 32; i++) block[i] = (uint8_t)i;
  CHECK(bk_crc32c(0, block, 32) == 0x46DD794Eu);
  for (int i = 0; i < 32; i++) block[i] = (uint8_t)(31 - i);
  CHECK(bk_crc32c(0, block, 32) == 0x113FDB5Cu);

  /* Chaining the check string one byte at a time gives the same answer. */
  uint32_t chained = 0;
  for (int i = 0; i < 9; i++) chained = bk_crc32c(chained, check + i, 1);
  CHECK(chained == 0xE3069283u);
  const uint8_t *framed = (const uint8_t *)"xx123456789yy";
  CHECK(bk_crc32c_range(0, framed, 2, 9) == 0xE3069283u);
  CHECK(bk_crc32c_range(7, framed, 2, 0) == 7);
}

/* Frames body as a log record at buffer + at; returns the record's size. */
static uint32_t put_record(uint8_t *buffer, uint32_t at, const uint8_t *body, uint32_t len) {
  memcpy(buffer + at + 4, &len, 4);
  memcpy(buffer + at + 8, body, len);
  uint32_t crc = bk_crc32c_range(0, buffer, at + 4, len + 4);
  memcpy(buffer + at, &crc, 4);
  return 8 + len;
}

static void test_scan_records(void) {
  uint8_t buffer[4096] = {0};
  uint32_t offsets[16];
  uint32_t lengths[16];
  uint32_t at = 0;
  for (uint32_t i = 0; i < 10; i++) {
    uint8_t body[64];
    uint32_t len = 1 + random_next() % sizeof body;
    for (uint32_t j = 0; j < len; j++) body[j] = (uint8_t)random_next();
    offsets[i] = at;
    lengths[i] = len;
    at += put_record(buffer, at, body, len);
  }
  uint32_t out[32];
  /* Every record, then zeros (length 0) stop the walk. */
  CHECK(bk_scan_records(buffer, sizeof buffer, 0, 1024, out, 16) == 10);
  int same = 1;
  for (uint32_t i = 0; i < 10; i++) same &= out[2 * i] == offsets[i] && out[2 * i + 1] == lengths[i];
  CHECK(same);
  /* Bounded by pairs, and resumable from where it stopped. */
  CHECK(bk_scan_records(buffer, sizeof buffer, 0, 1024, out, 4) == 4);
  CHECK(bk_scan_records(buffer, sizeof buffer, offsets[4], 1024, out, 16) == 6 && out[0] == offsets[4]);
  /* A torn record (its end past the data) stops before it. */
  CHECK(bk_scan_records(buffer, offsets[7] + 8 + lengths[7] - 1, 0, 1024, out, 16) == 7);
  /* Fewer than 8 bytes left, a length above body_max, and a flipped body byte all stop. */
  CHECK(bk_scan_records(buffer, offsets[3] + 7, offsets[3], 1024, out, 16) == 0);
  CHECK(bk_scan_records(buffer, sizeof buffer, 0, lengths[0] - 1, out, 16) == 0);
  buffer[offsets[5] + 8] ^= 1;
  CHECK(bk_scan_records(buffer, sizeof buffer, 0, 1024, out, 16) == 5);
  CHECK(bk_scan_records(buffer, sizeof buffer, sizeof buffer, 1024, out, 16) == 0);
  CHECK(bk_scan_records(buffer, sizeof buffer, sizeof buffer + 1, 1024, out, 16) == -EINVAL);
}

/* A read large enough to be given huge pages (at an odd address, as a JS buffer may be) returns the
 * file's bytes unchanged. */
static void test_large_pread(void) {
  char path[] = "/tmp/bunker-native-large-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return;
  const uint32_t len = (9u << 20) + 12345;
  uint8_t *data = malloc(len);
  uint8_t *back = malloc(len + 64);
  CHECK(data != NULL && back != NULL);
  if (data != NULL && back != NULL) {
    for (uint32_t i = 0; i < len; i++) data[i] = (uint8_t)random_next();
    CHECK(bk_pwrite(fd, data, len, 0) == (int32_t)len);
    CHECK(bk_pread(fd, back + 7, len, 0) == (int32_t)len);
    CHECK(memcmp(data, back + 7, len) == 0);
  }
  free(data);
  free(back);
  close(fd);
  unlink(path);
}

static void test_crc_hw_matches_sw(void) {
  uint8_t *buffer = malloc(RANDOM_LENGTH_MAX + ALIGNMENT_SHIFT_MAX + 1);
  CHECK(buffer != NULL);
  if (buffer == NULL) return;
  for (size_t i = 0; i < RANDOM_LENGTH_MAX + ALIGNMENT_SHIFT_MAX + 1; i++) {
    buffer[i] = (uint8_t)random_next();
  }
  int mismatches = 0;
  for (int c = 0; c < RANDOM_CASES; c++) {
    /* Mostly short inputs, where the record headers live; one in eight spans the long blocks. */
    uint32_t length = random_next() % ((c % 8 == 0) ? RANDOM_LENGTH_MAX : 4097);
    uint32_t shift = random_next() % (ALIGNMENT_SHIFT_MAX + 1);
    uint32_t start_crc = (c % 2 == 0) ? 0 : random_next();
    const uint8_t *p = buffer + shift;
    uint32_t whole = bk_crc32c(start_crc, p, length);
    uint32_t whole_sw = bk_crc32c_sw(start_crc, p, length);
    uint32_t split = length == 0 ? 0 : random_next() % length;
    uint32_t chained = bk_crc32c(bk_crc32c(start_crc, p, split), p + split, length - split);
    if (whole != whole_sw || whole != chained) {
      mismatches++;
      fprintf(stderr, "crc mismatch: case %d length %" PRIu32 " shift %" PRIu32 " (seed %" PRIu32 ")\n",
              c, length, shift, seed);
    }
  }
  CHECK(mismatches == 0);
  free(buffer);
}

static void test_file_round_trip(void) {
  char dir[] = "/tmp/bunker-native-test-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256];
  char renamed[256];
  snprintf(path, sizeof path, "%s/segment", dir);
  snprintf(renamed, sizeof renamed, "%s/segment-renamed", dir);

  CHECK(bk_open(path, BK_OPEN_READ_ONLY) == -ENOENT);
  int32_t fd = bk_open(path, BK_OPEN_CREATE | BK_OPEN_WRITE | BK_OPEN_EXCLUSIVE);
  CHECK(fd >= 0);
  CHECK(bk_open(path, BK_OPEN_CREATE | BK_OPEN_WRITE | BK_OPEN_EXCLUSIVE) == -EEXIST);
  CHECK(bk_open(path, BK_OPEN_READ_ONLY | BK_OPEN_WRITE) == -EINVAL);
  CHECK(bk_open(path, 64) == -EINVAL);

  const uint8_t first[] = "hello";
  const uint8_t second[] = "world";
  CHECK(bk_pwrite(fd, first, 5, 0) == 5);
  CHECK(bk_pwrite(fd, second, 5, 4096) == 5);
  CHECK(bk_file_size(fd) == 4101.0);
  uint8_t read_back[16];
  CHECK(bk_pread(fd, read_back, 5, 0) == 5 && memcmp(read_back, "hello", 5) == 0);
  CHECK(bk_pread(fd, read_back, 16, 4096) == 5 && memcmp(read_back, "world", 5) == 0);
  CHECK(bk_pread(fd, read_back, 4, 2) == 4 && memcmp(read_back, "llo\0", 4) == 0);
  CHECK(bk_pread(fd, read_back, 16, 1 << 20) == 0);

  CHECK(bk_pwrite(fd, first, 5, -1.0) == -EINVAL);
  CHECK(bk_pwrite(fd, first, 5, 1.5) == -EINVAL);
  CHECK(bk_pwrite(fd, first, 5, NAN) == -EINVAL);
  CHECK(bk_pwrite(fd, first, 5, BK_OFFSET_MAX * 2) == -EINVAL);
  CHECK(bk_pwrite(fd, NULL, 5, 0) == -EFAULT);
  CHECK(bk_pwrite(fd, first, 0x80000000u, 0) == -EINVAL);

  CHECK(bk_fdatasync(fd) == 0);
  CHECK(bk_ftruncate(fd, 3) == 0);
  CHECK(bk_file_size(fd) == 3.0);
  CHECK(bk_fallocate(fd, 0, 65536) == 0);
  CHECK(bk_file_size(fd) == 65536.0);
  int32_t keep = bk_fallocate_keep_size(fd, 65536, 65536);
  CHECK(keep == 0 || keep == -EOPNOTSUPP);
  CHECK(bk_file_size(fd) == 65536.0);
  CHECK(bk_pread(fd, read_back, 5, 0) == 5 && memcmp(read_back, "hel\0\0", 5) == 0);
  CHECK(bk_close(fd) == 0);

  int32_t read_only = bk_open(path, BK_OPEN_READ_ONLY);
  CHECK(read_only >= 0);
  CHECK(bk_pwrite(read_only, first, 5, 0) == -EBADF);
  CHECK(bk_close(read_only) == 0);
  CHECK(bk_file_size(read_only) == -(double)EBADF);

  CHECK(bk_rename(path, renamed) == 0);
  CHECK(bk_fsync_dir(dir) == 0);
  CHECK(bk_open(path, BK_OPEN_READ_ONLY) == -ENOENT);
  CHECK(bk_fsync_dir(renamed) == -ENOTDIR);
  CHECK(bk_unlink(renamed) == 0);
  CHECK(bk_unlink(renamed) == -ENOENT);
  CHECK(rmdir(dir) == 0);
}

/* Reads one whole completion record (ticket, count, results) from the syncer's descriptor. */
static int read_sync_record(int fd, uint32_t *ticket, uint32_t *count, int32_t *results, uint32_t results_max) {
  uint8_t header[8];
  size_t done = 0;
  while (done < sizeof header) {
    ssize_t n = read(fd, header + done, sizeof header - done);
    if (n <= 0) return -1;
    done += (size_t)n;
  }
  memcpy(ticket, header, 4);
  memcpy(count, header + 4, 4);
  if (*count > results_max) return -1;
  done = 0;
  while (done < 4 * (size_t)*count) {
    ssize_t n = read(fd, (uint8_t *)results + done, 4 * (size_t)*count - done);
    if (n <= 0) return -1;
    done += (size_t)n;
  }
  return 0;
}

static void sync_job(double *job, int32_t fd, const uint8_t *buffer, uint32_t len, double offset) {
  job[0] = fd;
  job[1] = (double)(uintptr_t)buffer;
  job[2] = len;
  job[3] = offset;
  job[4] = 0;
  job[5] = 0;
  job[6] = -1;
  job[7] = 0;
}

static void test_syncer(void) {
  char dir[] = "/tmp/bunker-sync-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path_a[64], path_b[64];
  snprintf(path_a, sizeof path_a, "%s/a", dir);
  snprintf(path_b, sizeof path_b, "%s/b", dir);
  int32_t a = bk_open(path_a, BK_OPEN_CREATE | BK_OPEN_WRITE);
  int32_t b = bk_open(path_b, BK_OPEN_CREATE | BK_OPEN_WRITE);
  CHECK(a >= 0 && b >= 0);
  CHECK(bk_pwrite(a, (const uint8_t *)"abc", 3, 0) == 3);

  CHECK(bk_syncer_start(0) == -EINVAL);
  int32_t fd = bk_syncer_start(3);
  CHECK(fd >= 0);
  CHECK(bk_syncer_start(5) == fd); /* one syncer per process */

  double jobs[4 * BK_SYNC_JOB_DOUBLES];
  sync_job(jobs, a, NULL, 0, 0);
  CHECK(bk_syncer_submit(jobs, 0, 1) == -EINVAL);
  CHECK(bk_syncer_submit(NULL, 1, 1) == -EFAULT);
  CHECK(bk_syncer_submit(jobs, BK_SYNC_GROUP_MAX + 1, 1) == -EINVAL);
  sync_job(jobs, a, NULL, 5, 0); /* bytes without a buffer */
  CHECK(bk_syncer_submit(jobs, 1, 1) == -EINVAL);
  sync_job(jobs, a, (const uint8_t *)"x", 1, -1.0);
  CHECK(bk_syncer_submit(jobs, 1, 1) == -EINVAL);

  /* A group: a write then sync, a sync of a bad descriptor, a sync, a write to a read-only file;
   * each result is reported in submission order. */
  int32_t read_only = bk_open(path_b, BK_OPEN_READ_ONLY);
  CHECK(read_only >= 0);
  static const uint8_t hello[] = "hello";
  sync_job(jobs, a, hello, 5, 3);
  sync_job(jobs + BK_SYNC_JOB_DOUBLES, -1, NULL, 0, 0);
  sync_job(jobs + 2 * BK_SYNC_JOB_DOUBLES, b, NULL, 0, 0);
  sync_job(jobs + 3 * BK_SYNC_JOB_DOUBLES, read_only, hello, 5, 0);
  CHECK(bk_syncer_submit(jobs, 4, 7) == 0);
  uint32_t ticket = 0, count = 0;
  int32_t results[BK_SYNC_GROUP_MAX];
  CHECK(read_sync_record(fd, &ticket, &count, results, BK_SYNC_GROUP_MAX) == 0);
  CHECK(ticket == 7 && count == 4);
  CHECK(results[0] == 0 && results[1] == -EBADF && results[2] == 0 && results[3] == -EBADF);
  uint8_t back[8] = {0};
  CHECK(bk_pread(a, back, 8, 0) == 8 && memcmp(back, "abchello", 8) == 0);
  CHECK(bk_close(read_only) == 0);

  /* Many groups in flight, with writes at distinct offsets: every ticket comes back exactly once and
   * every byte lands. */
  enum { GROUPS = 200 };
  static uint8_t payload[GROUPS];
  int seen[GROUPS] = {0};
  for (uint32_t t = 0; t < GROUPS; t++) {
    payload[t] = (uint8_t)(t * 7 + 1);
    double pair[2 * BK_SYNC_JOB_DOUBLES];
    sync_job(pair, b, &payload[t], 1, t);
    sync_job(pair + BK_SYNC_JOB_DOUBLES, a, NULL, 0, 0);
    CHECK(bk_syncer_submit(pair, 1 + (t & 1), 100 + t) == 0);
  }
  int all_ok = 1;
  for (int i = 0; i < GROUPS; i++) {
    if (read_sync_record(fd, &ticket, &count, results, BK_SYNC_GROUP_MAX) != 0) {
      all_ok = 0;
      break;
    }
    if (ticket < 100 || ticket >= 100 + GROUPS || count != 1 + ((ticket - 100) & 1) || results[0] != 0) all_ok = 0;
    else seen[ticket - 100]++;
  }
  CHECK(all_ok);
  int each_once = 1;
  for (int i = 0; i < GROUPS; i++) each_once &= seen[i] == 1;
  CHECK(each_once);
  uint8_t landed[GROUPS];
  CHECK(bk_pread(b, landed, GROUPS, 0) == GROUPS && memcmp(landed, payload, GROUPS) == 0);

  /* Zero fill then truncate: a (holding "abchello") gets 3 bytes written at 8, zeros over [11, 300000)
   * (more than the C zero buffer), and is then cut to 200000 bytes before the fdatasync. */
  sync_job(jobs, a, (const uint8_t *)"xyz", 3, 8);
  jobs[4] = 11;
  jobs[5] = 300000;
  jobs[6] = 200000;
  CHECK(bk_syncer_submit(jobs, 1, 9) == 0);
  CHECK(read_sync_record(fd, &ticket, &count, results, BK_SYNC_GROUP_MAX) == 0);
  CHECK(ticket == 9 && count == 1 && results[0] == 0);
  CHECK(bk_file_size(a) == 200000.0);
  static uint8_t big[200000];
  memset(big, 0x55, sizeof big);
  CHECK(bk_pread(a, big, sizeof big, 0) == (int32_t)sizeof big);
  int zeros_ok = memcmp(big, "abchelloxyz", 11) == 0;
  for (size_t i = 11; i < sizeof big; i++) zeros_ok &= big[i] == 0;
  CHECK(zeros_ok);
  jobs[6] = -2; /* not a size, not -1 */
  CHECK(bk_syncer_submit(jobs, 1, 10) == -EINVAL);
  sync_job(jobs, a, (const uint8_t *)"x", 1, 0);
  jobs[7] = 2; /* overwrite is 0 or 1 */
  CHECK(bk_syncer_submit(jobs, 1, 10) == -EINVAL);

  /* Overwrites sharing one fdatasync (a and b both hold synced bytes now): four jobs flagged as
   * overwrites, two per file at distinct offsets, plus one that is not; every write lands and every
   * result is 0. Then a shared group in which one job fails (a read-only descriptor): only that job
   * reports the error, the others still land. */
  static const uint8_t one[] = "1111", two[] = "2222", three[] = "3333", four[] = "4444", five[] = "5555";
  sync_job(jobs, a, one, 4, 100);
  sync_job(jobs + BK_SYNC_JOB_DOUBLES, b, two, 4, 10);
  sync_job(jobs + 2 * BK_SYNC_JOB_DOUBLES, a, three, 4, 104);
  sync_job(jobs + 3 * BK_SYNC_JOB_DOUBLES, b, four, 4, 14);
  for (int i = 0; i < 4; i++) jobs[BK_SYNC_JOB_DOUBLES * i + 7] = 1;
  double more[2 * BK_SYNC_JOB_DOUBLES];
  memcpy(more, jobs, sizeof more);
  CHECK(bk_syncer_submit(jobs, 4, 11) == 0);
  CHECK(read_sync_record(fd, &ticket, &count, results, BK_SYNC_GROUP_MAX) == 0);
  CHECK(ticket == 11 && count == 4 && results[0] == 0 && results[1] == 0 && results[2] == 0 && results[3] == 0);
  uint8_t got[8];
  CHECK(bk_pread(a, got, 8, 100) == 8 && memcmp(got, "11113333", 8) == 0);
  CHECK(bk_pread(b, got, 8, 10) == 8 && memcmp(got, "22224444", 8) == 0);
  read_only = bk_open(path_b, BK_OPEN_READ_ONLY);
  CHECK(read_only >= 0);
  sync_job(more, a, five, 4, 108);
  sync_job(more + BK_SYNC_JOB_DOUBLES, read_only, five, 4, 18);
  more[7] = more[BK_SYNC_JOB_DOUBLES + 7] = 1;
  double trio[3 * BK_SYNC_JOB_DOUBLES];
  memcpy(trio, more, sizeof more);
  sync_job(trio + 2 * BK_SYNC_JOB_DOUBLES, b, five, 4, 22);
  trio[2 * BK_SYNC_JOB_DOUBLES + 7] = 1;
  CHECK(bk_syncer_submit(trio, 3, 12) == 0);
  CHECK(read_sync_record(fd, &ticket, &count, results, BK_SYNC_GROUP_MAX) == 0);
  CHECK(ticket == 12 && count == 3 && results[0] == 0 && results[1] == -EBADF && results[2] == 0);
  CHECK(bk_pread(a, got, 4, 108) == 4 && memcmp(got, "5555", 4) == 0);
  CHECK(bk_pread(b, got, 4, 22) == 4 && memcmp(got, "5555", 4) == 0);
  CHECK(bk_close(read_only) == 0);

  CHECK(bk_close(a) == 0 && bk_close(b) == 0);
  CHECK(bk_unlink(path_a) == 0 && bk_unlink(path_b) == 0);
  CHECK(rmdir(dir) == 0);
}

int main(void) {
  const char *seed_text = getenv("BUNKER_SEED");
  seed = seed_text != NULL ? (uint32_t)strtoul(seed_text, NULL, 0) : 0xB0B5EEDu;
  random_state = seed;

  test_crc_check_values();
  test_crc_hw_matches_sw();
  test_scan_records();
  test_large_pread();
  test_file_round_trip();
  test_syncer();

  if (!bk_crc32c_hw()) fprintf(stderr, "note: no SSE4.2 here; only the table path was tested\n");
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
