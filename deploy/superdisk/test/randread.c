/*
 * randread: times N random 4 KiB O_DIRECT reads of a block device, one at a
 * time, and prints the latency percentiles in microseconds. Built static by
 * vm-test.sh for the test VM, where a dd per read would mostly time process
 * start-up under TCG emulation.
 *
 * usage: randread DEVICE COUNT SPAN_BLOCKS SEED
 * prints: reads=N p50_us=.. p90_us=.. p99_us=.. mean_us=..
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: the same seed gives the same offsets on every device. */
static uint64_t next_random(uint64_t *state) {
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return *state * 2685821657736338717ull;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s DEVICE COUNT SPAN_BLOCKS SEED\n", argv[0]);
    return 2;
  }
  long count = atol(argv[2]);
  uint64_t span = strtoull(argv[3], NULL, 10);
  uint64_t state = strtoull(argv[4], NULL, 10) | 1u;
  if (count <= 0 || span == 0) {
    fprintf(stderr, "randread: COUNT and SPAN_BLOCKS must be positive\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY | O_DIRECT);
  if (fd < 0) {
    perror("randread: open");
    return 1;
  }
  void *buf;
  if (posix_memalign(&buf, BLOCK, BLOCK) != 0) return 1;
  uint64_t *lat = calloc((size_t)count, sizeof *lat);
  if (lat == NULL) return 1;
  uint64_t total = 0;
  for (long i = 0; i < count; i++) {
    off_t off = (off_t)(next_random(&state) % span) * BLOCK;
    uint64_t t0 = now_ns();
    if (pread(fd, buf, BLOCK, off) != BLOCK) {
      perror("randread: pread");
      return 1;
    }
    lat[i] = (now_ns() - t0) / 1000u;
    total += lat[i];
  }
  qsort(lat, (size_t)count, sizeof *lat, cmp_u64);
  printf("reads=%ld p50_us=%llu p90_us=%llu p99_us=%llu mean_us=%llu\n", count,
         (unsigned long long)lat[count / 2], (unsigned long long)lat[count * 9 / 10],
         (unsigned long long)lat[count * 99 / 100], (unsigned long long)(total / (uint64_t)count));
  close(fd);
  return 0;
}
